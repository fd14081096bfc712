#include "selfservice/flow/return_to.hpp"

#include <charconv>
#include <vector>

#include "core/url.hpp"

namespace bia::selfservice {

namespace {

bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string Lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = AsciiLower(c);
    return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
    return true;
}

// A label browsers would read as a number ("127", "0x7f", "0177"): WHATWG's "ends in a number".
bool LooksNumeric(std::string_view label) {
    if (label.empty()) return false;
    if (label.size() > 1 && label[0] == '0' && (label[1] == 'x' || label[1] == 'X')) return true;
    for (char c : label)
        if (!IsDigit(c)) return false;
    return true;
}

// A hostname exactly as a browser would serialise it, or nullopt when a browser could read it
// otherwise: lower-case ASCII letters, digits and '-' in non-empty dot-separated labels (no
// percent escapes, no trailing dot, no IDN other than its xn-- form); a host ending in a numeric
// label must be a canonical dotted quad (browsers rewrite 0x7f.1, 2130706433, 127.1, 0177.0.0.1).
// `wildcard` admits a leading "*." (allow-list entries only).
std::optional<std::string> CanonicalHost(std::string_view host, bool wildcard) {
    if (host.empty()) return std::nullopt;
    if (host.front() == '[') {  // IPv6 literal: kept as written, lower-cased (a different spelling only fails closed)
        if (host.back() != ']' || host.size() < 4) return std::nullopt;
        for (char c : host.substr(1, host.size() - 2))
            if (!(IsDigit(c) || (AsciiLower(c) >= 'a' && AsciiLower(c) <= 'f') || c == ':' || c == '.'))
                return std::nullopt;
        return Lower(host);
    }
    std::string out = Lower(host);
    std::string_view rest = out;
    if (wildcard && rest.substr(0, 2) == "*.") rest.remove_prefix(2);
    std::vector<std::string_view> labels;
    for (size_t start = 0;;) {
        const size_t dot = rest.find('.', start);
        labels.push_back(rest.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
        if (dot == std::string_view::npos) break;
        start = dot + 1;
    }
    for (std::string_view label : labels) {
        if (label.empty() || label.size() > 63) return std::nullopt;
        for (char c : label)
            if (!(IsDigit(c) || (c >= 'a' && c <= 'z') || c == '-')) return std::nullopt;
    }
    if (LooksNumeric(labels.back())) {
        if (labels.size() != 4) return std::nullopt;
        for (std::string_view label : labels) {
            if (label.size() > 3 || (label.size() > 1 && label[0] == '0')) return std::nullopt;
            for (char c : label)
                if (!IsDigit(c)) return std::nullopt;
            int v = 0;
            std::from_chars(label.data(), label.data() + label.size(), v);
            if (v > 255) return std::nullopt;
        }
    }
    return out;
}

// RFC 3986 §5.2.4 dot-segment removal with WHATWG's reading of percent-encoded dots ("%2e" is a
// dot in a path segment). Encoded slashes and backslashes are refused: servers and proxies
// disagree about whether they separate segments.
std::optional<std::string> CanonicalPath(std::string_view path) {
    if (path.empty()) return std::string("/");
    if (path.front() != '/') return std::nullopt;
    for (size_t i = 0; i + 2 < path.size(); ++i) {
        if (path[i] != '%') continue;
        const std::string_view esc = path.substr(i, 3);
        if (EqualsIgnoreCase(esc, "%2f") || EqualsIgnoreCase(esc, "%5c")) return std::nullopt;
    }
    auto is_dot = [](std::string_view s) { return s == "." || EqualsIgnoreCase(s, "%2e"); };
    auto is_dot_dot = [](std::string_view s) {
        return s == ".." || EqualsIgnoreCase(s, ".%2e") || EqualsIgnoreCase(s, "%2e.") || EqualsIgnoreCase(s, "%2e%2e");
    };
    std::vector<std::string_view> out;
    bool trailing_slash = false;
    std::string_view rest = path.substr(1);
    while (true) {
        const size_t slash = rest.find('/');
        const std::string_view seg = rest.substr(0, slash);
        const bool last = slash == std::string_view::npos;
        if (is_dot_dot(seg)) {
            if (!out.empty()) out.pop_back();
            trailing_slash = last;
        } else if (is_dot(seg)) {
            trailing_slash = last;
        } else {
            out.push_back(seg);
            trailing_slash = false;
        }
        if (last) break;
        rest = rest.substr(slash + 1);
    }
    std::string result;
    for (std::string_view seg : out) {
        result += '/';
        result += seg;
    }
    if (result.empty() || trailing_slash) result += '/';
    return result;
}

}  // namespace

std::optional<BrowserUrl> BrowserUrl::Parse(std::string_view raw, bool allow_wildcard_host) {
    // Browsers strip tab/CR/LF anywhere and read '\' as '/': anything of the kind is refused.
    for (char c : raw) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7F || c == '\\') return std::nullopt;
    }
    BrowserUrl url;
    std::string_view rest = raw;
    if (rest.substr(0, 2) == "//") return std::nullopt;  // protocol-relative: another host, silently
    if (!rest.empty() && rest.front() != '/') {
        const size_t colon = rest.find(':');
        if (colon == std::string_view::npos || colon == 0 || !IsAsciiAlpha(rest[0])) return std::nullopt;
        url.scheme = Lower(rest.substr(0, colon));
        if (url.scheme != "http" && url.scheme != "https") return std::nullopt;
        rest.remove_prefix(colon + 1);
        if (rest.substr(0, 2) != "//") return std::nullopt;  // "https:evil.com" reads as a host to a browser
        rest.remove_prefix(2);
        const size_t end = rest.find_first_of("/?#");
        std::string_view authority = rest.substr(0, end);
        rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
        if (authority.find('@') != std::string_view::npos) return std::nullopt;  // no userinfo at all
        for (char c : authority)
            if (static_cast<unsigned char>(c) >= 0x80 || c == '%') return std::nullopt;
        std::string_view host = authority;
        const size_t port_colon = authority.rfind(':');
        if (port_colon != std::string_view::npos && authority.find(']', port_colon) == std::string_view::npos) {
            host = authority.substr(0, port_colon);
            const std::string_view port = authority.substr(port_colon + 1);
            if (!port.empty()) {
                if (port.size() > 5) return std::nullopt;
                for (char c : port)
                    if (!IsDigit(c)) return std::nullopt;
                int n = 0;
                std::from_chars(port.data(), port.data() + port.size(), n);
                if (n > 65535) return std::nullopt;
                const int default_port = url.scheme == "https" ? 443 : 80;
                if (n != default_port) url.port = std::to_string(n);  // "0080" → 80 → default, dropped
            }
        }
        auto canonical = CanonicalHost(host, allow_wildcard_host);
        if (!canonical) return std::nullopt;
        url.host = std::move(*canonical);
    }
    const size_t tail = rest.find_first_of("?#");
    auto path = CanonicalPath(rest.substr(0, tail));
    if (!path) return std::nullopt;
    url.path = std::move(*path);
    if (tail != std::string_view::npos) url.query_and_fragment = std::string(rest.substr(tail));
    return url;
}

std::string BrowserUrl::ToString() const {
    std::string out = scheme + "://" + host;
    if (!port.empty()) out += ":" + port;
    return out + path + query_and_fragment;
}

ReturnToValidator::ReturnToValidator(const std::vector<std::string>& allowed, std::string_view public_base_url) {
    auto add = [&](std::string_view raw) {
        auto u = BrowserUrl::Parse(raw, true);
        if (!u || u->host.empty() || u->host == "*") return;
        entries_.push_back({u->scheme, u->host, u->port, u->path});
    };
    for (const auto& a : allowed) add(a);
    add(core::JoinUrl(public_base_url, "/self-service"));
}

core::Result<std::string> ReturnToValidator::Resolve(std::string_view source_url, std::string_view default_url) const {
    auto src = core::Url::Parse(source_url);
    if (!src) return std::string(default_url);
    const core::Query query = src->query();
    auto rt = query.Get("return_to");
    if (!rt || rt->empty()) return std::string(default_url);
    return Check(*rt, default_url);
}

core::Result<std::string> ReturnToValidator::Check(std::string_view return_to, std::string_view default_url) const {
    auto forbidden = [&] {
        return core::BadRequest("Requested return_to URL \"" + std::string(return_to) + "\" is not allowed.")
            .WithId(std::string(kReturnToForbiddenId));
    };
    if (return_to.empty()) return std::string(default_url);
    // Every decision is made on the URL as a browser will read it, and the URL emitted is that
    // reading, never the raw input (issue 13).
    auto u = BrowserUrl::Parse(return_to, false);
    if (!u) return forbidden();
    if (u->host.empty()) {  // a path: it borrows scheme, host and port from the default URL
        auto d = BrowserUrl::Parse(default_url, false);
        if (!d || d->host.empty()) return forbidden();
        u->scheme = d->scheme;
        u->host = d->host;
        u->port = d->port;
    }
    for (const auto& e : entries_) {
        if (e.scheme != u->scheme || e.port != u->port) continue;
        const bool host_ok = e.host.rfind("*.", 0) == 0 ? u->host.size() > e.host.size() - 1 &&
                                                              u->host.compare(u->host.size() - (e.host.size() - 1),
                                                                              std::string::npos, e.host, 1) == 0
                                                        : e.host == u->host;
        if (!host_ok) continue;
        if (u->path.rfind(e.path, 0) == 0) return u->ToString();
    }
    return forbidden();
}

}  // namespace bia::selfservice
