// Health, version and identity-schema routes served on both listeners, plus the redirects
// between the public and admin ports (surrounding-api.md §1, §2; settings-flow.md §1.7).
#pragma once

#include <functional>
#include <string>

#include "core/result.hpp"
#include "http/router.hpp"
#include "schema/schema.hpp"

namespace bia::http::routes {

struct SystemOptions {
    std::string version;
    std::string public_base_url;
    std::string admin_base_url;
    // Readiness probe: ok when the database answers.
    std::function<core::Status()> ready;
};

// `text` with every password masked: the one in a URL's userinfo (`scheme://user:PASSWORD@`) and
// the value of a `password=` key (libpq's key=value DSN), both as `xxxxx`.
std::string RedactCredentials(std::string_view text);

class SystemRoutes {
  public:
    SystemRoutes(const schema::SchemaRegistry& schemas, SystemOptions options)
        : schemas_(schemas), options_(std::move(options)) {}

    void RegisterPublic(Router& router);
    void RegisterAdmin(Router& router);

  private:
    Response Alive(Request& r);
    // `share_errors`: the admin listener names the failure (passwords masked); the public one
    // answers Kratos's obfuscated text. Both log it.
    Response Ready(Request& r, bool share_errors);
    Response Version(Request& r);
    Response ListSchemas(Request& r);
    Response GetSchema(Request& r);
    void RegisterCommon(Router& router, const std::string& prefix);

    const schema::SchemaRegistry& schemas_;
    SystemOptions options_;
};

}  // namespace bia::http::routes
