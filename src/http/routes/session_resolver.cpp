#include "http/routes/session_resolver.hpp"

#include "selfservice/flow/flow_errors.hpp"

namespace bia::http::routes {

namespace {

bool IEquals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

// "Bearer <token>": exactly two parts separated by one space, scheme case-insensitive.
std::optional<std::string> BearerToken(std::string_view v) {
    const size_t sp = v.find(' ');
    if (sp == std::string_view::npos || v.find(' ', sp + 1) != std::string_view::npos) return std::nullopt;
    if (!IEquals(v.substr(0, sp), "bearer")) return std::nullopt;
    std::string_view token = v.substr(sp + 1);
    if (token.empty()) return std::nullopt;
    return std::string(token);
}

}  // namespace

std::optional<std::string> SessionResolver::OpenCookieValue(std::string_view sealed) const {
    if (sealed.empty()) return std::nullopt;
    auto opened = sealer_.Open(cookie_.name, sealed);
    if (!opened || opened->empty()) return std::nullopt;
    return std::move(opened).value();
}

std::optional<std::string> SessionResolver::Token(const Request& r) const {
    if (auto t = r.Header(kSessionTokenHeader); t && !t->empty()) return std::string(*t);
    // G1: the cookie's value forwarded in a header by server-side UIs; it stands in for the cookie.
    if (auto c = r.Header(kSessionCookieHeader); c && !c->empty()) return OpenCookieValue(*c);
    if (auto c = r.Cookie(cookie_.name)) {
        if (auto t = OpenCookieValue(*c)) return t;
    }
    if (auto a = r.Header("Authorization")) return BearerToken(*a);
    return std::nullopt;
}

core::Result<session::Session> SessionResolver::Resolve(const Request& r) const {
    auto token = Token(r);
    if (!token) return selfservice::NoValidSessionCredentials();
    return sessions_.ResolveToken(*token);
}

SetCookie SessionResolver::BaseCookie() const {
    SetCookie c;
    c.name = cookie_.name;
    c.path = cookie_.path;
    c.domain = cookie_.domain.value_or("");
    c.http_only = cookie_.http_only;
    c.secure = cookie_.secure;
    c.same_site = std::string(config::ToString(cookie_.same_site));
    return c;
}

core::Result<SetCookie> SessionResolver::IssueCookie(const session::Session& s, core::TimePoint now) const {
    SetCookie c = BaseCookie();
    BIA_TRY_ASSIGN(c.value, sealer_.Seal(cookie_.name, s.token));
    if (cookie_.persistent) {
        const auto left = std::chrono::duration_cast<std::chrono::seconds>(s.expires_at - now).count();
        c.max_age = left > 0 ? left : 0;
        c.expires = s.expires_at;
    }
    return c;
}

SetCookie SessionResolver::ClearCookie() const {
    SetCookie c = BaseCookie();
    c.max_age = -1;
    return c;
}

}  // namespace bia::http::routes
