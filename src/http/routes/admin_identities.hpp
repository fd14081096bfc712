// Admin identities and admin session routes (surrounding-api.md §4): thin handlers that decode
// the request, call identity/session services and write the Kratos JSON shapes.
#pragma once

#include <string>
#include <vector>

#include "crypto/token_cipher.hpp"
#include "http/router.hpp"
#include "identity/identity_service.hpp"
#include "session/session_service.hpp"

namespace bia::http::routes {

struct AdminIdentityOptions {
    std::string public_base_url;
    std::string admin_base_url;
    // What `include_credential` accepts: the credential types of the built methods (app::Wiring).
    std::vector<std::string> credential_types;
    // Opens the OIDC tokens GET shows with `include_credential=oidc` (app::Wiring builds it from
    // `ciphers.algorithm` and `secrets.cipher`). Without one, those tokens are shown as "".
    const crypto::TokenCipher* token_cipher = nullptr;
};

class AdminIdentityRoutes {
  public:
    AdminIdentityRoutes(identity::IdentityService& identities, session::SessionService& sessions,
                        AdminIdentityOptions options)
        : identities_(identities), sessions_(sessions), options_(std::move(options)) {}

    void Register(Router& admin);

    Response List(Request& r);
    Response Create(Request& r);
    Response Get(Request& r);
    Response Update(Request& r);
    Response Delete(Request& r);
    Response ListSessions(Request& r);
    Response DeleteSessions(Request& r);
    Response ExtendSession(Request& r);

  private:
    identity::IdentityService& identities_;
    session::SessionService& sessions_;
    AdminIdentityOptions options_;
};

// Parses `page`/`per_page` (1-based pages, per_page 1..1000, default 250) and writes the Link and
// X-Total-Count headers Kratos sends.
struct Page {
    int64_t page = 1;
    int64_t per_page = 250;
    int64_t offset() const { return (page - 1) * per_page; }
};
core::Result<Page> ParsePage(const Request& r);
void WritePaginationHeaders(Response& response, std::string_view path, const Page& page, int64_t total);

}  // namespace bia::http::routes
