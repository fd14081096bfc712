// The CSRF cookie (settings-flow.md §12.2): `csrf_token_<sha256(PUBLIC)>` holding a random
// 32-byte token. Browser routes that are not excluded from the CSRF middleware set it when it is
// missing or malformed; it is rotated when a session for a new identity is issued and on logout.
#pragma once

#include <optional>
#include <string>

#include "config/config.hpp"
#include "core/random.hpp"
#include "http/message.hpp"

namespace bia::http::routes {

inline constexpr long long kCsrfCookieMaxAge = 31536000;  // 365 days

class CsrfCookies {
  public:
    CsrfCookies(const config::Config& config, core::Random& random)
        : attributes_(config.CsrfCookie()), random_(random) {}

    // The token of a well-formed CSRF cookie (base64 of 32 bytes); nullopt otherwise.
    std::optional<std::string> Read(const Request& request) const;
    bool Sent(const Request& request) const { return request.Cookie(attributes_.name).has_value(); }
    // A new random token and the Set-Cookie carrying it.
    std::pair<std::string, SetCookie> Issue() const;
    SetCookie Make(std::string token) const;
    const std::string& name() const { return attributes_.name; }

  private:
    config::CookieAttributes attributes_;
    core::Random& random_;
};

}  // namespace bia::http::routes
