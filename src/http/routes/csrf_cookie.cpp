#include "http/routes/csrf_cookie.hpp"

#include "core/encoding.hpp"
#include "crypto/csrf_token.hpp"

namespace bia::http::routes {

std::optional<std::string> CsrfCookies::Read(const Request& r) const {
    auto v = r.Cookie(attributes_.name);
    if (!v) return std::nullopt;
    auto raw = core::Base64Decode(*v);
    if (!raw || raw->size() != crypto::kCsrfTokenBytes) return std::nullopt;
    return v;
}

SetCookie CsrfCookies::Make(std::string token) const {
    SetCookie c;
    c.name = attributes_.name;
    c.value = std::move(token);
    c.path = attributes_.path;
    c.domain = attributes_.domain.value_or("");
    c.max_age = kCsrfCookieMaxAge;
    c.http_only = attributes_.http_only;
    c.secure = attributes_.secure;
    c.same_site = std::string(config::ToString(attributes_.same_site));
    return c;
}

std::pair<std::string, SetCookie> CsrfCookies::Issue() const {
    std::string token = crypto::GenerateCsrfCookieValue(random_);
    SetCookie c = Make(token);
    return {std::move(token), std::move(c)};
}

}  // namespace bia::http::routes
