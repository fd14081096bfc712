// Fixed files on the public port (the method modules' browser scripts, e.g.
// /.well-known/ory/webauthn.js): GET and HEAD with their content type, cacheable for a few
// minutes, and readable from another origin — a UI on its own origin loads them with
// crossorigin="anonymous" and an integrity hash, which needs CORS on the answer.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "http/router.hpp"

namespace bia::http::routes {

struct StaticFile {
    std::string path;
    std::string content_type;
    std::string_view body;  // outlives the routes (static storage)
};

class StaticFileRoutes {
  public:
    explicit StaticFileRoutes(std::vector<StaticFile> files) : files_(std::move(files)) {}
    void Register(Router& public_router) const;

  private:
    std::vector<StaticFile> files_;
};

// The answer for one file.
Response ServeStaticFile(const StaticFile& file);

}  // namespace bia::http::routes
