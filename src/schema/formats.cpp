#include "schema/formats.hpp"

#include <dlfcn.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "schema/go_text.hpp"
#include "schema/phone/bia_phone.h"
#include "schema/regex.hpp"

namespace bia::schema {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
int HexValue(char c) {
    if (IsDigit(c)) return c - '0';
    return (c | 0x20) - 'a' + 10;
}

bool AllDigits(std::string_view s, size_t pos, size_t n) {
    if (pos + n > s.size()) return false;
    for (size_t i = pos; i < pos + n; ++i)
        if (!IsDigit(s[i])) return false;
    return true;
}
int Number(std::string_view s, size_t pos, size_t n) {
    int v = 0;
    for (size_t i = pos; i < pos + n; ++i) v = v * 10 + (s[i] - '0');
    return v;
}

int DaysIn(int month, int year) {
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : kDays[month - 1];
}

// time.Parse layout "2006-01-02": four-digit year, two-digit month and day, real calendar day.
bool ConsumeDate(std::string_view& s) {
    if (!AllDigits(s, 0, 4) || s.size() < 10 || s[4] != '-' || !AllDigits(s, 5, 2) || s[7] != '-' ||
        !AllDigits(s, 8, 2))
        return false;
    const int year = Number(s, 0, 4);
    const int month = Number(s, 5, 2);
    const int day = Number(s, 8, 2);
    if (month < 1 || month > 12 || day < 1 || day > DaysIn(month, year)) return false;
    s.remove_prefix(10);
    return true;
}

// "15:04:05" with Go's quirks: the hour ("15") may have one or two digits; minutes and seconds
// need two; a fractional second (. or ,) may follow even though the layout has none.
bool ConsumeClock(std::string_view& s) {
    if (s.empty() || !IsDigit(s[0])) return false;
    const size_t hour_len = s.size() > 1 && IsDigit(s[1]) ? 2 : 1;
    if (Number(s, 0, hour_len) > 23) return false;
    s.remove_prefix(hour_len);
    if (s.size() < 6 || s[0] != ':' || !AllDigits(s, 1, 2) || s[3] != ':' || !AllDigits(s, 4, 2)) return false;
    if (Number(s, 1, 2) > 59 || Number(s, 4, 2) > 59) return false;
    s.remove_prefix(6);
    if (s.size() >= 2 && (s[0] == '.' || s[0] == ',') && IsDigit(s[1])) {
        size_t n = 2;
        while (n < s.size() && IsDigit(s[n])) ++n;
        s.remove_prefix(n);
    }
    return true;
}

// "Z07:00": 'Z' or ±hh:mm.
bool ConsumeZone(std::string_view& s) {
    if (!s.empty() && s[0] == 'Z') {
        s.remove_prefix(1);
        return true;
    }
    if (s.size() < 6 || (s[0] != '+' && s[0] != '-') || !AllDigits(s, 1, 2) || s[3] != ':' || !AllDigits(s, 4, 2))
        return false;
    if (Number(s, 1, 2) > 24 || Number(s, 4, 2) > 60) return false;
    s.remove_prefix(6);
    return true;
}

// RFC 5322 atext for net/mail (non-ASCII runes count as atext).
bool IsAtext(char32_t r, bool dot) {
    switch (r) {
        case '.':
            return dot;
        case '(':
        case ')':
        case '<':
        case '>':
        case '[':
        case ']':
        case ':':
        case ';':
        case '@':
        case '\\':
        case ',':
        case '"':
            return false;
        default:
            return (r >= '!' && r <= '~') || r >= 0x80;
    }
}
bool IsVchar(char32_t r) { return (r >= '!' && r <= '~') || r >= 0x80; }

// net/mail's strict dot-atom: atext runes and dots, no leading, trailing or double dot.
bool ConsumeDotAtom(std::string_view& s) {
    size_t i = 0;
    while (i < s.size()) {
        const DecodedRune d = DecodeRune(s.substr(i));
        if (d.width == 1 && d.rune == kRuneError) return false;
        if (!IsAtext(d.rune, true)) break;
        i += d.width;
    }
    if (i == 0) return false;
    const std::string_view atom = s.substr(0, i);
    if (atom.front() == '.' || atom.back() == '.' || atom.find("..") != std::string_view::npos) return false;
    s.remove_prefix(i);
    return true;
}

// net/mail's quoted-string; an empty one is rejected as a local part.
bool ConsumeQuotedString(std::string_view& s) {
    size_t i = 1;  // opening quote
    size_t content = 0;
    bool escaped = false;
    while (true) {
        if (i >= s.size()) return false;
        const DecodedRune d = DecodeRune(s.substr(i));
        if (d.width == 1 && d.rune == kRuneError) return false;
        const char32_t r = d.rune;
        i += d.width;
        if (escaped) {
            if (!IsVchar(r) && r != ' ' && r != '\t') return false;
            escaped = false;
            ++content;
        } else if (r == '"') {
            break;
        } else if (r == '\\') {
            escaped = true;
        } else if (IsVchar(r) || r == ' ' || r == '\t') {
            ++content;
        } else {
            return false;
        }
    }
    s.remove_prefix(i);
    return content > 0;
}

// mail.ParseAddress restricted to what can still succeed once the domain is known to be a
// plain host name: [ \t]* local-part "@" dot-atom, nothing after it.
bool ParsesAsMailAddress(std::string_view s) {
    while (!s.empty() && (s[0] == ' ' || s[0] == '\t')) s.remove_prefix(1);
    if (s.empty()) return false;
    if (s[0] == '"') {
        if (!ConsumeQuotedString(s)) return false;
    } else if (!ConsumeDotAtom(s)) {
        return false;
    }
    if (s.empty() || s[0] != '@') return false;
    s.remove_prefix(1);
    while (!s.empty() && (s[0] == ' ' || s[0] == '\t')) s.remove_prefix(1);
    if (!ConsumeDotAtom(s)) return false;
    return s.empty();
}

// strconv.Atoi: optional sign, at least one digit, fits in an int.
bool GoAtoi(std::string_view s, long long& out) {
    bool neg = false;
    if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
        neg = s[0] == '-';
        s.remove_prefix(1);
    }
    if (s.empty() || s.size() > 18) return false;
    long long v = 0;
    for (char c : s) {
        if (!IsDigit(c)) return false;
        v = v * 10 + (c - '0');
    }
    out = neg ? -v : v;
    return true;
}

// netip's strict IPv4: four 1–3 digit fields, no leading zeros, each <= 255.
bool IsStrictIpv4(std::string_view s) {
    int fields = 0;
    while (true) {
        size_t n = 0;
        while (n < s.size() && IsDigit(s[n])) ++n;
        if (n == 0 || n > 3 || (n > 1 && s[0] == '0') || Number(s, 0, n) > 255) return false;
        ++fields;
        s.remove_prefix(n);
        if (s.empty()) break;
        if (s[0] != '.' || fields == 4) return false;
        s.remove_prefix(1);
    }
    return fields == 4;
}

enum class UrlPart { kPath, kFragment, kHost, kZone, kUserPassword };

// net/url's shouldEscape for the host and zone modes (the only ones it enforces on parse).
bool HostNeedsEscape(uint8_t c) {
    if (IsAlpha(static_cast<char>(c)) || IsDigit(static_cast<char>(c))) return false;
    switch (c) {
        case '!':
        case '$':
        case '&':
        case '\'':
        case '(':
        case ')':
        case '*':
        case '+':
        case ',':
        case ';':
        case '=':
        case ':':
        case '[':
        case ']':
        case '<':
        case '>':
        case '"':
        case '-':
        case '_':
        case '.':
        case '~':
            return false;
        default:
            return true;
    }
}

// net/url's unescape, used only for its verdict.
bool Unescapes(std::string_view s, UrlPart part) {
    for (size_t i = 0; i < s.size();) {
        if (s[i] == '%') {
            if (i + 2 >= s.size() || !IsHex(s[i + 1]) || !IsHex(s[i + 2])) return false;
            const std::string_view esc = s.substr(i, 3);
            if (part == UrlPart::kHost && HexValue(s[i + 1]) < 8 && esc != "%25") return false;
            if (part == UrlPart::kZone) {
                const auto v = static_cast<uint8_t>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2]));
                if (esc != "%25" && v != ' ' && HostNeedsEscape(v)) return false;
            }
            i += 3;
            continue;
        }
        const auto c = static_cast<uint8_t>(s[i]);
        if ((part == UrlPart::kHost || part == UrlPart::kZone) && c < 0x80 && HostNeedsEscape(c)) return false;
        ++i;
    }
    return true;
}

bool ValidOptionalPort(std::string_view port) {
    if (port.empty()) return true;
    if (port[0] != ':') return false;
    for (char c : port.substr(1))
        if (!IsDigit(c)) return false;
    return true;
}

bool ValidUserinfo(std::string_view s) {
    for (char ch : s) {
        if (IsAlpha(ch) || IsDigit(ch)) continue;
        switch (ch) {
            case '-':
            case '.':
            case '_':
            case ':':
            case '~':
            case '!':
            case '$':
            case '&':
            case '\'':
            case '(':
            case ')':
            case '*':
            case '+':
            case ',':
            case ';':
            case '=':
            case '%':
            case '@':
                continue;
            default:
                return false;
        }
    }
    return true;
}

bool ParseHost(std::string_view host) {
    if (!host.empty() && host[0] == '[') {
        const size_t close = host.rfind(']');
        if (close == std::string_view::npos) return false;
        if (!ValidOptionalPort(host.substr(close + 1))) return false;
        const size_t zone = host.substr(0, close).find("%25");
        if (zone != std::string_view::npos) {
            return Unescapes(host.substr(0, zone), UrlPart::kHost) &&
                   Unescapes(host.substr(zone, close - zone), UrlPart::kZone) &&
                   Unescapes(host.substr(close), UrlPart::kHost);
        }
    } else if (const size_t colon = host.rfind(':'); colon != std::string_view::npos) {
        if (!ValidOptionalPort(host.substr(colon))) return false;
    }
    return Unescapes(host, UrlPart::kHost);
}

bool ParseAuthority(std::string_view authority) {
    const size_t at = authority.rfind('@');
    if (!ParseHost(at == std::string_view::npos ? authority : authority.substr(at + 1))) return false;
    if (at == std::string_view::npos) return true;
    const std::string_view userinfo = authority.substr(0, at);
    if (!ValidUserinfo(userinfo)) return false;
    const size_t colon = userinfo.find(':');
    if (colon == std::string_view::npos) return Unescapes(userinfo, UrlPart::kUserPassword);
    return Unescapes(userinfo.substr(0, colon), UrlPart::kUserPassword) &&
           Unescapes(userinfo.substr(colon + 1), UrlPart::kUserPassword);
}

// Go's url.Parse verdict; `has_scheme` tells IsAbs(). `path` receives the path part.
bool GoUrlParse(std::string_view raw, bool& has_scheme, std::string_view& path) {
    has_scheme = false;
    path = {};
    const size_t hash = raw.find('#');
    std::string_view u = raw.substr(0, hash);
    if (hash != std::string_view::npos && !Unescapes(raw.substr(hash + 1), UrlPart::kFragment)) return false;
    for (char c : u)
        if (static_cast<uint8_t>(c) < 0x20 || c == 0x7F) return false;
    if (u == "*") return true;
    std::string_view rest = u;
    for (size_t i = 0; i < u.size(); ++i) {
        const char c = u[i];
        if (IsAlpha(c)) continue;
        if (IsDigit(c) || c == '+' || c == '-' || c == '.') {
            if (i == 0) break;
            continue;
        }
        if (c == ':') {
            if (i == 0) return false;  // missing protocol scheme
            has_scheme = true;
            rest = u.substr(i + 1);
        }
        break;
    }
    if (rest.ends_with('?') && rest.find('?') == rest.size() - 1) {
        rest.remove_suffix(1);
    } else {
        rest = rest.substr(0, rest.find('?'));
    }
    if (!rest.starts_with('/')) {
        if (has_scheme) return true;  // opaque, e.g. mailto:a@b
        const std::string_view segment = rest.substr(0, rest.find('/'));
        if (segment.find(':') != std::string_view::npos) return false;
    }
    if ((has_scheme || !rest.starts_with("///")) && rest.starts_with("//")) {
        std::string_view authority = rest.substr(2);
        const size_t slash = authority.find('/');
        rest = slash == std::string_view::npos ? std::string_view{} : authority.substr(slash);
        authority = authority.substr(0, slash);
        if (!ParseAuthority(authority)) return false;
    }
    path = rest;
    return Unescapes(rest, UrlPart::kPath);
}

template <bool (*Check)(std::string_view)>
bool OnString(const nlohmann::json& v) {
    return v.is_string() && Check(v.get_ref<const std::string&>());
}

bool UuidFormat(const nlohmann::json& v) { return !v.is_string() || IsUuid(v.get_ref<const std::string&>()); }

}  // namespace

bool IsDateTime(std::string_view s) {
    if (!ConsumeDate(s) || s.empty() || s[0] != 'T') return false;
    s.remove_prefix(1);
    return ConsumeClock(s) && ConsumeZone(s) && s.empty();
}

bool IsDate(std::string_view s) { return ConsumeDate(s) && s.empty(); }

bool IsTime(std::string_view s) { return ConsumeClock(s) && ConsumeZone(s) && s.empty(); }

bool IsHostname(std::string_view s) {
    if (s.ends_with('.')) s.remove_suffix(1);
    if (s.size() > 253) return false;
    size_t start = 0;
    while (true) {
        const size_t dot = s.find('.', start);
        const std::string_view label =
            s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        if (label.empty() || label.size() > 63) return false;
        // Go checks the first character of the whole name here, not of each label; so do we.
        if (s[0] == '-' || label.back() == '-') return false;
        for (char c : label)
            if (!IsAlpha(c) && !IsDigit(c) && c != '-') return false;
        if (dot == std::string_view::npos) break;
        start = dot + 1;
    }
    return true;
}

bool IsEmail(std::string_view s) {
    if (s.size() > 254) return false;
    const size_t at = s.rfind('@');
    if (at > 64) return false;  // also no '@' at all: npos is larger
    if (!IsHostname(s.substr(at + 1))) return false;
    return ParsesAsMailAddress(s);
}

namespace {

constexpr const char* kPhoneLibrary = "libbia-phone.so";

// The plugin next to the executable (build trees: build*/bin/), else in ../lib/bia/ (installed).
std::vector<std::filesystem::path> PhoneLibraryCandidates(std::string& errors) {
    std::vector<std::filesystem::path> candidates;
    std::error_code ec;
    const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec) {
        errors = "/proc/self/exe: " + ec.message();
    } else {
        candidates.push_back(exe.parent_path() / kPhoneLibrary);
        candidates.push_back(exe.parent_path().parent_path() / "lib" / "bia" / kPhoneLibrary);
    }
    return candidates;
}

bia_phone_e164_fn LoadPhoneLibrary() {
    std::string errors;
    const auto candidates = PhoneLibraryCandidates(errors);
    for (const auto& path : candidates) {
        void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (handle == nullptr) {
            const char* why = dlerror();
            errors += (errors.empty() ? "" : "; ") + std::string(why != nullptr ? why : path.string());
            continue;
        }
        // Kept open for the life of the process.
        if (void* symbol = dlsym(handle, BIA_PHONE_E164_SYMBOL); symbol != nullptr)
            return reinterpret_cast<bia_phone_e164_fn>(symbol);
        errors += (errors.empty() ? "" : "; ") + path.string() + ": no symbol " + BIA_PHONE_E164_SYMBOL;
        dlclose(handle);
    }
    // Fail closed: every tel value is refused until the plugin is installed (logged once).
    const nlohmann::json event = {
        {"msg", "phone number library not loaded: every tel value is refused as invalid"},
        {"library", kPhoneLibrary},
        {"error", errors},
    };
    spdlog::error("{}", event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    return nullptr;
}

}  // namespace

std::optional<std::string> TelE164(std::string_view s) {
    // As Kratos's format checker: libphonenumber parses without a default region (so the number
    // must carry its country code) and the number must be valid by its metadata. libphonenumber
    // (with protobuf, ICU and Abseil, ~3.8 MiB resident) lives in a plugin loaded on the first
    // check; a thread-safe static loads it once.
    static const bia_phone_e164_fn e164_of = LoadPhoneLibrary();
    if (e164_of == nullptr) return std::nullopt;
    char out[64];
    if (e164_of(s.data(), s.size(), out, sizeof out) != 1) return std::nullopt;
    return std::string(out);
}

bool IsTel(std::string_view s) { return TelE164(s).has_value(); }

std::optional<std::string> MissingPhoneLibrary() {
    std::string errors;
    const auto candidates = PhoneLibraryCandidates(errors);
    std::string looked;
    for (const auto& path : candidates) {
        std::error_code ec;
        if (std::filesystem::is_regular_file(path, ec)) return std::nullopt;
        looked += (looked.empty() ? "" : ", ") + path.string();
    }
    return looked.empty() ? errors : looked;
}

bool UsesTelFormat(const nlohmann::json& schema) {
    // Iterative, so a deeply nested document cannot exhaust the stack.
    std::vector<const nlohmann::json*> todo{&schema};
    while (!todo.empty()) {
        const nlohmann::json* j = todo.back();
        todo.pop_back();
        if (j->is_object()) {
            if (auto f = j->find("format"); f != j->end() && f->is_string() && *f == "tel") return true;
            for (const auto& [k, v] : j->items()) todo.push_back(&v);
        } else if (j->is_array()) {
            for (const auto& v : *j) todo.push_back(&v);
        }
    }
    return false;
}

bool IsIpv4(std::string_view s) {
    int parts = 0;
    size_t start = 0;
    while (true) {
        const size_t dot = s.find('.', start);
        const std::string_view part =
            s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        long long v = 0;
        if (!GoAtoi(part, v) || v < 0 || v > 255) return false;
        ++parts;
        if (dot == std::string_view::npos) break;
        start = dot + 1;
    }
    return parts == 4;
}

bool IsIpv6(std::string_view s) {
    if (s.find(':') == std::string_view::npos || s.find('%') != std::string_view::npos) return false;
    int groups = 0;
    int ellipsis = -1;
    size_t i = 0;
    if (s.starts_with("::")) {
        ellipsis = 0;
        i = 2;
        if (i == s.size()) return true;
    }
    while (i < s.size()) {
        size_t n = 0;
        while (i + n < s.size() && IsHex(s[i + n])) ++n;
        if (n == 0) return false;
        if (i + n < s.size() && s[i + n] == '.') {
            if (ellipsis < 0 && groups != 6) return false;
            if (groups + 2 > 8) return false;
            if (!IsStrictIpv4(s.substr(i))) return false;
            groups += 2;
            break;
        }
        if (n > 4) return false;
        ++groups;
        i += n;
        if (groups > 8) return false;
        if (i == s.size()) break;
        if (s[i] != ':' || i + 1 == s.size()) return false;
        if (s[i + 1] == ':') {
            if (ellipsis >= 0) return false;
            ellipsis = groups;
            i += 2;
            if (i == s.size()) break;
        } else {
            ++i;
        }
    }
    return ellipsis < 0 ? groups == 8 : groups < 8;
}

bool IsUri(std::string_view s) {
    bool has_scheme = false;
    std::string_view path;
    return GoUrlParse(s, has_scheme, path) && has_scheme;
}

bool IsUriReference(std::string_view s) {
    bool has_scheme = false;
    std::string_view path;
    return GoUrlParse(s, has_scheme, path);
}

bool IsUriTemplate(std::string_view s) {
    bool has_scheme = false;
    std::string_view path;
    if (!GoUrlParse(s, has_scheme, path)) return false;
    // Braces must pair up, without nesting, inside each path segment.
    int depth = 0;
    for (char c : path) {
        if (c == '/') {
            if (depth != 0) return false;
        } else if (c == '{') {
            if (++depth != 1) return false;
        } else if (c == '}') {
            if (--depth != 0) return false;
        }
    }
    return depth == 0;
}

bool IsRegex(std::string_view s) { return Regex::Compile(s).ok(); }

bool IsJsonPointer(std::string_view s) {
    if (!s.empty() && s[0] != '/') return false;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '~') continue;
        if (i + 1 == s.size() || (s[i + 1] != '0' && s[i + 1] != '1')) return false;
    }
    return true;
}

bool IsRelativeJsonPointer(std::string_view s) {
    if (s.empty() || !IsDigit(s[0])) return false;
    if (s[0] == '0') {
        s.remove_prefix(1);
    } else {
        while (!s.empty() && IsDigit(s[0])) s.remove_prefix(1);
    }
    return s == "#" || IsJsonPointer(s);
}

bool IsUuid(std::string_view s) {
    if (s.size() != 36) return false;
    for (size_t i = 0; i < s.size(); ++i) {
        const bool hyphen = i == 8 || i == 13 || i == 18 || i == 23;
        if (hyphen ? s[i] != '-' : !IsHex(s[i])) return false;
    }
    return true;
}

FormatCheck FindFormat(std::string_view name) {
    if (name == "date-time") return &OnString<IsDateTime>;
    if (name == "date") return &OnString<IsDate>;
    if (name == "time") return &OnString<IsTime>;
    if (name == "hostname") return &OnString<IsHostname>;
    if (name == "email") return &OnString<IsEmail>;
    if (name == "tel") return &OnString<IsTel>;
    if (name == "ipv4" || name == "ip-address") return &OnString<IsIpv4>;
    if (name == "ipv6") return &OnString<IsIpv6>;
    if (name == "uri" || name == "iri") return &OnString<IsUri>;
    if (name == "uri-reference" || name == "uriref" || name == "iri-reference") return &OnString<IsUriReference>;
    if (name == "uri-template") return &OnString<IsUriTemplate>;
    if (name == "regex") return &OnString<IsRegex>;
    if (name == "json-pointer") return &OnString<IsJsonPointer>;
    if (name == "relative-json-pointer") return &OnString<IsRelativeJsonPointer>;
    if (name == "uuid") return &UuidFormat;
    return nullptr;
}

}  // namespace bia::schema
