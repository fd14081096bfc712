// Who is calling (settings-flow.md §1.4) and the session cookie (§17.3): the token is taken from
// X-Session-Token, the G1 X-Session-Cookie header, the sealed session cookie, or
// `Authorization: Bearer`, in that order; the cookie value is the token sealed with the cookie
// secrets, so clients can neither read nor forge it.
#pragma once

#include <optional>
#include <string>

#include "config/config.hpp"
#include "core/result.hpp"
#include "crypto/cookie_sealer.hpp"
#include "http/message.hpp"
#include "session/session_service.hpp"

namespace bia::http::routes {

inline constexpr std::string_view kSessionTokenHeader = "X-Session-Token";
inline constexpr std::string_view kSessionCookieHeader = "X-Session-Cookie";

class SessionResolver {
  public:
    // All references must outlive the resolver.
    SessionResolver(session::SessionService& sessions, const crypto::CookieSealer& sealer, const config::Config& config)
        : sessions_(sessions), sealer_(sealer), cookie_(config.SessionCookie()) {}

    // The session token the request presents, first hit wins; nullopt when there is none.
    std::optional<std::string> Token(const Request& request) const;
    // The caller's active session with its identity, or 401 (no id, G2 reason) when the request
    // presents no token or one that names no active session.
    core::Result<session::Session> Resolve(const Request& request) const;
    // Resolve for a token already taken from the request (Token), so the cookie is opened once.
    core::Result<session::Session> ResolveToken(std::string_view token) const { return sessions_.ResolveToken(token); }
    // The same with the session's stamp the caller has just read (not read again).
    core::Result<session::Session> ResolveToken(std::string_view token, const session::SessionStamp& just_read) const {
        return sessions_.ResolveToken(token, just_read);
    }
    // The current stamp of the active session `token` names, or the 401 Resolve gives.
    core::Result<session::SessionStamp> CurrentStamp(std::string_view token) const {
        return sessions_.CurrentStamp(token);
    }

    // The session cookie for `s` (attributes of §17.3; Max-Age and Expires until the session
    // expires when the cookie is persistent).
    core::Result<SetCookie> IssueCookie(const session::Session& s, core::TimePoint now) const;
    // Deletes the session cookie (logout).
    SetCookie ClearCookie() const;
    const std::string& cookie_name() const { return cookie_.name; }

  private:
    std::optional<std::string> OpenCookieValue(std::string_view sealed) const;
    SetCookie BaseCookie() const;

    session::SessionService& sessions_;
    const crypto::CookieSealer& sealer_;
    config::CookieAttributes cookie_;
};

}  // namespace bia::http::routes
