// Public session and logout routes (settings-flow.md §17.2; surrounding-api.md §5–6): whoami (the
// hot path: the answer cached under the session's stamp, served without a read while the store's
// change version shows nothing was written since the stamp was read, else after one indexed stamp
// read; on a miss one lookup and one serialisation), listing and revoking the caller's other sessions, and the three
// logout endpoints. Where stamps are read asynchronously (PostgreSQL), whoami's stamp is read by a
// prefetch step (router.hpp): an answer the stamp proves current is written without the request
// leaving its I/O thread; only a miss runs the handler on the pool.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "core/answer_cache.hpp"
#include "http/router.hpp"
#include "http/routes/self_service_http.hpp"
#include "selfservice/flow/return_to.hpp"
#include "session/session_service.hpp"

namespace bia::http::routes {

inline constexpr std::string_view kRouteWhoami = "/sessions/whoami";
inline constexpr std::string_view kRouteSessions = "/sessions";
inline constexpr std::string_view kRouteLogoutBrowser = "/self-service/logout/browser";
inline constexpr std::string_view kRouteLogout = "/self-service/logout";
inline constexpr std::string_view kRouteLogoutApi = "/self-service/logout/api";
inline constexpr std::string_view kAuthenticatedIdentityHeader = "X-Kratos-Authenticated-Identity-Id";
// Memory whoami answers may hold (about 10,000 sessions of a typical identity).
inline constexpr size_t kWhoamiCacheBytes = size_t{16} << 20;

class SessionRoutes {
  public:
    SessionRoutes(session::SessionService& sessions, const SelfServiceHttp& http,
                  const selfservice::ReturnToValidator& return_to, const core::ChangeWatch* changes = nullptr,
                  size_t whoami_cache_bytes = kWhoamiCacheBytes);

    void Register(Router& public_router);

    Response Whoami(Request& r);
    Response List(Request& r);
    Response RevokeOthers(Request& r);
    Response RevokeOne(Request& r);
    Response LogoutBrowser(Request& r);
    Response Logout(Request& r);
    Response LogoutApi(Request& r);

  private:
    // The caller's session for GET/DELETE /sessions[/{id}]: 401 without one, 403
    // session_aal2_required when it does not meet session.whoami_required_aal.
    core::Result<session::Session> ResolveForSessionManagement(Request& r) const;
    Response WhoamiAnswer(Response resp, const std::string& identity_id) const;  // resp: the 200 with its body
    // What whoami's prefetch read (Request::prefetched holds a shared_ptr to it).
    struct WhoamiRead {
        std::string token;
        std::optional<core::StoreVersion> seen;                     // the change version before the read
        std::optional<core::Result<session::SessionStamp>> result;  // the stamp, once read
    };
    bool StartWhoamiRead(Request& r, std::function<void()> done);
    std::optional<Response> AnswerWhoamiRead(Request& r);
    // The answer `stamp` settles without loading the session: its error, or the answer cached for
    // `token` under exactly that stamp. Nothing: the session must be loaded.
    std::optional<Response> WhoamiFromStamp(const Request& r, const std::string& token,
                                            const core::Result<session::SessionStamp>& stamp,
                                            const std::optional<core::StoreVersion>& seen);

    session::SessionService& sessions_;
    const SelfServiceHttp& http_;
    const selfservice::ReturnToValidator& return_to_;
    const std::string public_base_url_;
    const std::string required_aal_;
    const std::string aal2_login_url_;
    const core::ChangeWatch* changes_;  // the store's change version, when it has one
    // whoami answers by session token, each valid under (session revision, identity revision).
    core::AnswerCache whoami_answers_;
};

}  // namespace bia::http::routes
