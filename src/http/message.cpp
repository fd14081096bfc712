#include "http/message.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <ctime>
#include <iterator>

#include "core/encoding.hpp"
#include "core/json_text.hpp"

namespace bia::http {
namespace {

constexpr std::string_view kJsonMediaType = "application/json";
constexpr std::string_view kHtmlMediaType = "text/html";
constexpr std::string_view kJsonUtf8 = "application/json; charset=utf-8";
// Room for the headers a JSON answer usually gets (its type, Vary, the identity id, a cookie), so
// that adding them does not grow the vector one allocation at a time.
constexpr size_t kJsonHeaders = 4;

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Go's textproto.TrimString: trims ASCII space, tab, CR and LF.
bool IsHttpSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view Trim(std::string_view s) {
    while (!s.empty() && IsHttpSpace(s.front())) s.remove_prefix(1);
    while (!s.empty() && IsHttpSpace(s.back())) s.remove_suffix(1);
    return s;
}

// Cookie value bytes Go's net/http accepts (RFC 6265 cookie-octet plus space and comma, which
// browsers send in practice).
bool IsCookieValueByte(unsigned char b) { return b >= 0x20 && b < 0x7f && b != '"' && b != ';' && b != '\\'; }

bool IsCookieNameValid(std::string_view name) { return IsToken(name); }

// Visits every well-formed (name, value) pair of one Cookie header value, mirroring Go's
// readCookies: pairs whose name is not a token or whose value holds a forbidden byte are skipped,
// one pair of surrounding double quotes is stripped. `fn` returns false to stop.
template <class Fn>
bool ForEachCookie(std::string_view line, Fn&& fn) {
    line = Trim(line);
    while (!line.empty()) {
        std::string_view part;
        size_t semi = line.find(';');
        if (semi == std::string_view::npos) {
            part = line;
            line = {};
        } else {
            part = line.substr(0, semi);
            line = line.substr(semi + 1);
        }
        part = Trim(part);
        if (part.empty()) continue;
        std::string_view name = part;
        std::string_view value;
        if (size_t eq = part.find('='); eq != std::string_view::npos) {
            name = part.substr(0, eq);
            value = part.substr(eq + 1);
        }
        name = Trim(name);
        if (!IsCookieNameValid(name)) continue;
        if (value.size() > 1 && value.front() == '"' && value.back() == '"') {
            value = value.substr(1, value.size() - 2);
        }
        bool valid = true;
        for (char c : value) {
            if (!IsCookieValueByte(static_cast<unsigned char>(c))) {
                valid = false;
                break;
            }
        }
        if (!valid) continue;
        if (!fn(name, value)) return false;
    }
    return true;
}

template <class Fn>
void ForEachRequestCookie(const Request& request, Fn&& fn) {
    for (const auto& [name, value] : request.headers) {
        if (!EqualsIgnoreCase(name, "Cookie")) continue;
        if (!ForEachCookie(value, fn)) return;
    }
}

// ---- gddo header.ParseAccept / NegotiateContentType (settings-flow.md §1.2) ----

struct AcceptSpec {
    std::string_view value;
    double q = 1.0;
};

std::string_view SkipSpace(std::string_view s) {
    while (!s.empty() && IsHttpSpace(s.front())) s.remove_prefix(1);
    return s;
}

// gddo expectTokenSlash: the longest prefix of token characters and '/'.
std::string_view ExpectTokenSlash(std::string_view s, std::string_view& rest) {
    size_t i = 0;
    while (i < s.size() && (IsTokenChar(static_cast<unsigned char>(s[i])) || s[i] == '/')) ++i;
    rest = s.substr(i);
    return s.substr(0, i);
}

// gddo expectQuality: "0", "1", optionally followed by "." and digits; -1 when malformed. Like
// the original, "1.5" yields 1.5 and no upper bound is enforced.
double ExpectQuality(std::string_view s, std::string_view& rest) {
    double q;
    if (s.empty()) {
        rest = {};
        return -1;
    }
    if (s[0] == '0') {
        q = 0;
    } else if (s[0] == '1') {
        q = 1;
    } else {
        rest = {};
        return -1;
    }
    s.remove_prefix(1);
    if (s.empty() || s[0] != '.') {
        rest = s;
        return q;
    }
    s.remove_prefix(1);
    size_t i = 0;
    // Go uses int arithmetic here; cap the digits so the double stays exact and cannot overflow.
    double n = 0;
    double d = 1;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
        if (i < 15) {
            n = n * 10 + (s[i] - '0');
            d *= 10;
        }
    }
    rest = s.substr(i);
    return q + n / d;
}

// Visits the specs of one Accept header value. As in gddo, anything unexpected (a parameter
// other than a leading "q=", a bad quality, a missing comma) ends parsing of that header value
// while the specs already read are kept.
template <class Fn>
void ForEachAcceptSpec(std::string_view s, Fn&& fn) {
    for (;;) {
        AcceptSpec spec;
        spec.value = ExpectTokenSlash(s, s);
        if (spec.value.empty()) return;
        spec.q = 1.0;
        s = SkipSpace(s);
        if (!s.empty() && s.front() == ';') {
            s = SkipSpace(s.substr(1));
            if (s.substr(0, 2) != "q=") return;
            spec.q = ExpectQuality(s.substr(2), s);
            if (spec.q < 0.0) return;
        }
        fn(spec);
        s = SkipSpace(s);
        if (s.empty() || s.front() != ',') return;
        s = SkipSpace(s.substr(1));
    }
}

// Runs the gddo algorithm. `for_each_accept(fn)` calls fn with every Accept header value (Go hands
// the parser all values of the header). Returns an index into `offers`, or -1 for the default.
template <class Offers, class ForEachAccept>
int NegotiateIndex(const ForEachAccept& for_each_accept, const Offers& offers) {
    int best = -1;
    double best_q = -1.0;
    int best_wild = 3;
    int index = 0;
    for (const auto& offer_ref : offers) {
        std::string_view offer = offer_ref;
        for_each_accept([&](std::string_view accept) {
            ForEachAcceptSpec(accept, [&](const AcceptSpec& spec) {
                if (spec.q == 0.0) return;
                if (spec.q < best_q) return;
                if (spec.value == "*/*") {
                    if (spec.q > best_q || best_wild > 2) {
                        best_q = spec.q;
                        best_wild = 2;
                        best = index;
                    }
                } else if (spec.value.size() >= 2 && spec.value.substr(spec.value.size() - 2) == "/*") {
                    std::string_view prefix = spec.value.substr(0, spec.value.size() - 1);  // "type/"
                    if (offer.substr(0, prefix.size()) == prefix && (spec.q > best_q || best_wild > 1)) {
                        best_q = spec.q;
                        best_wild = 1;
                        best = index;
                    }
                } else if (spec.value == offer && (spec.q > best_q || best_wild > 0)) {
                    best_q = spec.q;
                    best_wild = 0;
                    best = index;
                }
            });
        });
        ++index;
    }
    return best;
}

template <size_t N>
bool NegotiatesJson(const Request& request, const std::array<std::string_view, N>& offers) {
    auto for_each_accept = [&request](auto&& fn) {
        for (const auto& [name, value] : request.headers) {
            if (EqualsIgnoreCase(name, "Accept")) fn(std::string_view(value));
        }
    };
    int index = NegotiateIndex(for_each_accept, offers);
    return index >= 0 && offers[static_cast<size_t>(index)] == kJsonMediaType;
}

constexpr std::array<std::string_view, 4> kJsonRequestOffers = {"text/html", "text/*", "*/*", "application/json"};
constexpr std::array<std::string_view, 2> kAcceptsJsonOffers = {"text/html", "application/json"};

// ---- Set-Cookie helpers (mirroring Go's http.Cookie.String sanitisation) ----

// Appends the bytes of `text` that `keep` accepts: all of it at once when none must go (the
// usual case), byte by byte otherwise.
template <class Keep>
void AppendKept(std::string& out, std::string_view text, Keep keep) {
    if (std::all_of(text.begin(), text.end(), [&](char c) { return keep(static_cast<unsigned char>(c)); })) {
        out.append(text);
        return;
    }
    for (char c : text) {
        if (keep(static_cast<unsigned char>(c))) out.push_back(c);
    }
}

void AppendCookieName(std::string& out, std::string_view name) {
    AppendKept(out, name, [](unsigned char b) { return IsTokenChar(b); });
}

// A value keeps its cookie-octets; one holding a space or a comma is quoted (as Go's net/http does).
void AppendCookieValue(std::string& out, std::string_view value) {
    const size_t start = out.size();
    AppendKept(out, value, [](unsigned char b) { return IsCookieValueByte(b); });
    const std::string_view kept = std::string_view(out).substr(start);
    if (kept.find_first_of(" ,") != std::string_view::npos) {
        out.insert(out.begin() + static_cast<std::ptrdiff_t>(start), '"');
        out.push_back('"');
    }
}

void AppendCookiePath(std::string& out, std::string_view path) {
    AppendKept(out, path, [](unsigned char b) { return b >= 0x20 && b < 0x7f && b != ';'; });
}

// Accepts host names and IPv4 literals; anything with other characters is dropped (as Go does
// for an invalid Domain attribute) rather than written into the header.
bool IsValidCookieDomain(std::string_view domain) {
    if (domain.empty() || domain.size() > 255) return false;
    for (char c : domain) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
                  c == '_';
        if (!ok) return false;
    }
    return true;
}

std::string HttpDate(std::time_t t) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char buf[40];
    std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday % 7], tm.tm_mday,
                  kMonths[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buf;
}

}  // namespace

std::string DumpJson(const nlohmann::json& j) {
    // `replace` keeps invalid UTF-8 from throwing: a response must always be writable.
    return core::DumpJsonText(j, core::kAnswerUtf8Errors);
}

// RFC 7230 tchar.
bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
    }
    return true;
}

bool IsTokenChar(unsigned char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    switch (c) {
        case '!':
        case '#':
        case '$':
        case '%':
        case '&':
        case '\'':
        case '*':
        case '+':
        case '-':
        case '.':
        case '^':
        case '_':
        case '`':
        case '|':
        case '~':
            return true;
        default:
            return false;
    }
}

bool IsToken(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s) {
        if (!IsTokenChar(static_cast<unsigned char>(c))) return false;
    }
    return true;
}

// ---------------------------------------------------------------- Request

std::optional<std::string_view> Request::Header(std::string_view name) const {
    for (const auto& [n, v] : headers) {
        if (EqualsIgnoreCase(n, name)) return std::string_view(v);
    }
    return std::nullopt;
}

std::string_view Request::Param(std::string_view name) const {
    for (const auto& [n, v] : params) {
        if (n == name) return v;
    }
    return {};
}

std::optional<std::string> Request::Cookie(std::string_view name) const {
    std::optional<std::string> found;
    ForEachRequestCookie(*this, [&](std::string_view n, std::string_view v) {
        if (n != name) return true;
        found.emplace(v);
        return false;
    });
    return found;
}

std::vector<std::string> Request::CookieNames() const {
    std::vector<std::string> names;
    ForEachRequestCookie(*this, [&](std::string_view n, std::string_view) {
        names.emplace_back(n);
        return true;
    });
    return names;
}

bool Request::IsJsonRequest() const {
    // Clause 1 is a byte-equal comparison on the first Content-Type value (Go's Header.Get).
    if (auto ct = Header("Content-Type"); ct && *ct == kJsonMediaType) return true;
    return NegotiatesJson(*this, kJsonRequestOffers);
}

bool Request::AcceptsJson() const { return NegotiatesJson(*this, kAcceptsJsonOffers); }

std::string Request::ContentMediaType() const {
    auto ct = Header("Content-Type");
    if (!ct) return {};
    std::string_view v = *ct;
    if (size_t semi = v.find(';'); semi != std::string_view::npos) v = v.substr(0, semi);
    v = Trim(v);
    std::string out(v);
    for (char& c : out) c = AsciiLower(c);
    return out;
}

std::string Request::FullUrl() const { return FullUrl(false); }

std::string Request::FullUrl(bool honor_forwarded) const {
    std::string_view scheme = tls ? "https" : "http";
    std::string host(Header("Host").value_or(std::string_view{}));
    std::string path_and_query = target;
    // settings-flow.md §1.6: an absolute-form target carries its own host, which wins.
    if (!target.empty() && target.front() != '/') {
        if (auto url = core::Url::Parse(target); url && url->IsAbsolute() && !url->host.empty()) {
            host = url->host;
            path_and_query = url->path;
            if (url->has_query) path_and_query.append("?").append(url->raw_query);
        }
    }
    if (honor_forwarded) {
        if (auto fh = Header("X-Forwarded-Host"); fh && !fh->empty()) host = *fh;
        if (auto fp = Header("X-Forwarded-Proto"); fp && !fp->empty()) scheme = *fp;
    }
    std::string out;
    out.reserve(scheme.size() + 3 + host.size() + path_and_query.size() + 1);
    out.append(scheme).append("://").append(host);
    if (path_and_query.empty() || path_and_query.front() != '/') out.push_back('/');
    out.append(path_and_query);
    return out;
}

std::string_view Request::RequestId() const { return Header("X-Request-ID").value_or(std::string_view{}); }

// ---------------------------------------------------------------- SetCookie

std::string SetCookie::Serialize() const {
    std::string out;
    out.reserve(name.size() + value.size() + path.size() + domain.size() + 96);
    AppendCookieName(out, name);
    out.push_back('=');
    AppendCookieValue(out, value);
    if (!path.empty()) AppendCookiePath(out.append("; Path="), path);
    if (!domain.empty()) {
        std::string_view d = domain;
        if (d.front() == '.') d.remove_prefix(1);
        if (IsValidCookieDomain(d)) out.append("; Domain=").append(d);
    }
    if (max_age && *max_age < 0) {
        // Deleting: a past Expires as well, for clients that ignore Max-Age (gorilla does this).
        out.append("; Expires=").append(HttpDate(1)).append("; Max-Age=0");
    } else {
        if (expires) {
            out.append("; Expires=").append(HttpDate(std::chrono::system_clock::to_time_t(*expires)));
        }
        if (max_age) out.append("; Max-Age=").append(std::to_string(*max_age));
    }
    if (http_only) out.append("; HttpOnly");
    if (secure) out.append("; Secure");
    if (EqualsIgnoreCase(same_site, "Lax")) {
        out.append("; SameSite=Lax");
    } else if (EqualsIgnoreCase(same_site, "Strict")) {
        out.append("; SameSite=Strict");
    } else if (EqualsIgnoreCase(same_site, "None")) {
        out.append("; SameSite=None");
    }
    return out;
}

// ---------------------------------------------------------------- Response

Response& Response::SetHeader(std::string name, std::string value) {
    const auto same_name = [&](const auto& h) { return EqualsIgnoreCase(h.first, name); };
    auto first = std::find_if(headers.begin(), headers.end(), same_name);
    if (first == headers.end()) {
        headers.emplace_back(std::move(name), std::move(value));
        return *this;
    }
    first->second = std::move(value);
    headers.erase(std::remove_if(std::next(first), headers.end(), same_name), headers.end());
    return *this;
}

Response& Response::AddHeader(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
}

std::optional<std::string_view> Response::Header(std::string_view name) const {
    for (const auto& [n, v] : headers) {
        if (EqualsIgnoreCase(n, name)) return std::string_view(v);
    }
    return std::nullopt;
}

Response Response::Json(int status, const nlohmann::json& body) { return RawJson(status, DumpJson(body)); }

namespace {

// A JSON answer's status and type, with room for the headers it usually gets.
Response JsonHead(int status) {
    Response r;
    r.status = status;
    r.headers.reserve(kJsonHeaders);
    r.headers.emplace_back("Content-Type", kJsonUtf8);
    return r;
}

}  // namespace

Response Response::RawJson(int status, std::string body) {
    Response r = JsonHead(status);
    r.body = std::move(body);
    return r;
}

Response Response::RawJson(int status, std::shared_ptr<const std::string> body) {
    Response r = JsonHead(status);
    r.shared_body = std::move(body);
    return r;
}

Response Response::Error(const core::Error& error, std::string_view request_id) {
    Response r;
    r.status = error.code;
    r.headers.emplace_back("Content-Type", kJsonMediaType);
    // settings-flow.md §1.1 (G2): JSON errors name their id in a header, empty when there is none.
    r.headers.emplace_back("Ory-Error-Id", error.id);
    r.body = DumpJson(error.ToEnvelope(request_id));
    return r;
}

Response Response::Redirect(int status, std::string location) {
    Response r;
    r.status = status;
    r.headers.emplace_back("Location", std::move(location));
    return r;
}

Response Response::NoContent() {
    Response r;
    r.status = 204;
    return r;
}

// ---------------------------------------------------------------- free functions

std::vector<std::pair<std::string, std::string>> ParseCookieHeader(std::string_view header) {
    std::vector<std::pair<std::string, std::string>> out;
    ForEachCookie(header, [&](std::string_view n, std::string_view v) {
        out.emplace_back(n, v);
        return true;
    });
    return out;
}

std::string NegotiateContentType(std::string_view accept, const std::vector<std::string>& offers,
                                 std::string_view default_offer) {
    // No Accept header at all is modelled by an empty string: it yields no specs, hence default.
    int index = NegotiateIndex([accept](auto&& fn) { fn(accept); }, offers);
    return index < 0 ? std::string(default_offer) : offers[static_cast<size_t>(index)];
}

}  // namespace bia::http
