#include "core/json_text.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstring>

namespace bia::core {

namespace {

// Whether any byte of `w` needs more than a copy: a control character (< 0x20), a quote, a
// backslash, or a byte of a multi-byte sequence (>= 0x80, which dump() checks as UTF-8). Eight
// bytes at a time: the classic "has a zero byte" test, applied to w ^ '"' and w ^ '\\' for those
// two and to w - 0x20 for the controls; the high bit of a byte catches the rest.
constexpr uint64_t kOnes = 0x0101010101010101ULL;
constexpr uint64_t kHighs = 0x8080808080808080ULL;
inline bool AnyByteNeedsEscape(uint64_t w) {
    const uint64_t quote = w ^ (kOnes * '"');
    const uint64_t backslash = w ^ (kOnes * '\\');
    const uint64_t zero_in_quote = (quote - kOnes) & ~quote;
    const uint64_t zero_in_backslash = (backslash - kOnes) & ~backslash;
    const uint64_t below_space = (w - kOnes * 0x20) & ~w;
    return ((zero_in_quote | zero_in_backslash | below_space | w) & kHighs) != 0;
}

// The same question for one byte, by table.
constexpr std::array<bool, 256> kByteNeedsEscape = [] {
    std::array<bool, 256> t{};
    for (int u = 0; u < 256; ++u) t[u] = u < 0x20 || u >= 0x80 || u == '"' || u == '\\';
    return t;
}();

bool NeedsEscape(std::string_view s) {
    const char* p = s.data();
    size_t n = s.size();
    for (; n >= 8; p += 8, n -= 8) {
        uint64_t w;
        std::memcpy(&w, p, 8);
        if (AnyByteNeedsEscape(w)) return true;
    }
    for (; n > 0; ++p, --n) {
        if (kByteNeedsEscape[static_cast<unsigned char>(*p)]) return true;
    }
    return false;
}

}  // namespace

void AppendJsonString(std::string& out, std::string_view s, JsonUtf8Errors errors) {
    if (NeedsEscape(s)) {
        out += nlohmann::json(std::string(s)).dump(-1, ' ', false, errors);
        return;
    }
    // One append of the quoted text (most strings here are short names and values).
    if (s.size() <= 62) {
        char buf[64];
        buf[0] = '"';
        std::memcpy(buf + 1, s.data(), s.size());
        buf[s.size() + 1] = '"';
        out.append(buf, s.size() + 2);
        return;
    }
    out.reserve(out.size() + s.size() + 2);
    out += '"';
    out += s;
    out += '"';
}

void AppendJsonKey(std::string& out, std::string_view key) {
    AppendJsonString(out, key);
    out += ':';
}

void AppendJsonInt(std::string& out, int64_t v) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    (void)ec;
    out.append(buf, end);
}

void AppendJsonValue(std::string& out, const nlohmann::json& v, JsonUtf8Errors errors) {
    switch (v.type()) {
        case nlohmann::json::value_t::null:
            out += "null";
            return;
        case nlohmann::json::value_t::boolean:
            AppendJsonBool(out, v.get<bool>());
            return;
        case nlohmann::json::value_t::string:
            AppendJsonString(out, v.get_ref<const std::string&>(), errors);
            return;
        case nlohmann::json::value_t::number_integer:
            AppendJsonInt(out, v.get<int64_t>());
            return;
        case nlohmann::json::value_t::number_unsigned: {
            char buf[24];
            auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v.get<uint64_t>());
            (void)ec;
            out.append(buf, end);
            return;
        }
        case nlohmann::json::value_t::object: {
            out += '{';
            bool first = true;
            for (const auto& [key, member] : *v.get_ptr<const nlohmann::json::object_t*>()) {
                if (!first) out += ',';
                first = false;
                AppendJsonString(out, key, errors);
                out += ':';
                AppendJsonValue(out, member, errors);
            }
            out += '}';
            return;
        }
        case nlohmann::json::value_t::array: {
            out += '[';
            bool first = true;
            for (const auto& element : *v.get_ptr<const nlohmann::json::array_t*>()) {
                if (!first) out += ',';
                first = false;
                AppendJsonValue(out, element, errors);
            }
            out += ']';
            return;
        }
        default:  // floats (Grisu2 digits), binary and discarded values: nlohmann's own text
            out += v.dump(-1, ' ', false, errors);
            return;
    }
}

std::string DumpJsonText(const nlohmann::json& v, JsonUtf8Errors errors) {
    std::string out;
    out.reserve(1024);
    AppendJsonValue(out, v, errors);
    return out;
}

std::string JsonAnswer::TakeText() && {
    if (is_text_) return std::move(text_);
    return DumpJsonText(dom_, kAnswerUtf8Errors);
}

nlohmann::json JsonAnswer::Dom() const {
    if (!is_text_) return dom_;
    auto j = nlohmann::json::parse(text_, nullptr, false);
    return j.is_discarded() ? nlohmann::json() : j;
}

bool HasIntegralFloat(const nlohmann::json& v) {
    switch (v.type()) {
        case nlohmann::json::value_t::number_float: {
            const double d = v.get<double>();
            return std::isfinite(d) && std::trunc(d) == d;
        }
        case nlohmann::json::value_t::object:
        case nlohmann::json::value_t::array:
            for (const auto& item : v) {
                if (HasIntegralFloat(item)) return true;
            }
            return false;
        default:
            return false;
    }
}

}  // namespace bia::core
