#include "core/json_text.hpp"

#include <charconv>
#include <cstring>

#include "core/encoding.hpp"

namespace bia::core {

namespace {

enum class TextKind { kPlainAscii, kPlainUtf8, kNeedsEscape };

// What a string needs: nothing (ASCII, or other bytes that still need validating as UTF-8), or
// escaping (a control character, '"' or '\\'). Eight bytes at a time.
TextKind Classify(std::string_view s) {
    constexpr uint64_t kOnes = 0x0101010101010101ULL;
    constexpr uint64_t kHigh = 0x8080808080808080ULL;
    auto has_zero = [](uint64_t v) { return (v - kOnes) & ~v & kHigh; };
    TextKind kind = TextKind::kPlainAscii;
    size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
        uint64_t w;
        std::memcpy(&w, s.data() + i, 8);
        // A byte below 0x20, or equal to '"' or '\\' (exact tests of "some byte is").
        if (((w - 0x20 * kOnes) & ~w & kHigh) | has_zero(w ^ ('"' * kOnes)) | has_zero(w ^ ('\\' * kOnes))) {
            return TextKind::kNeedsEscape;
        }
        if (w & kHigh) kind = TextKind::kPlainUtf8;
    }
    for (; i < s.size(); ++i) {
        const auto u = static_cast<unsigned char>(s[i]);
        if (u < 0x20 || u == '"' || u == '\\') return TextKind::kNeedsEscape;
        if (u >= 0x80) kind = TextKind::kPlainUtf8;
    }
    return kind;
}

// [lead]"s"[trail] in one write; a zero lead or trail is left out.
void AppendQuoted(std::string& out, char lead, std::string_view s, char trail) {
    const size_t at = out.size();
    out.resize(at + s.size() + 2 + (lead ? 1 : 0) + (trail ? 1 : 0));
    char* p = out.data() + at;
    if (lead) *p++ = lead;
    *p++ = '"';
    std::memcpy(p, s.data(), s.size());
    p += s.size();
    *p++ = '"';
    if (trail) *p = trail;
}

void AppendString(std::string& out, char lead, std::string_view s, char trail, JsonUtf8Errors errors) {
    const TextKind kind = Classify(s);
    if (kind == TextKind::kPlainAscii || (kind == TextKind::kPlainUtf8 && IsValidUtf8(s))) {
        AppendQuoted(out, lead, s, trail);
        return;
    }
    // Escapes and invalid UTF-8: nlohmann's own text (or its exception).
    std::string text = nlohmann::json(std::string(s)).dump(-1, ' ', false, errors);
    if (lead) out += lead;
    out += text;
    if (trail) out += trail;
}

}  // namespace

void AppendJsonString(std::string& out, std::string_view s, JsonUtf8Errors errors) {
    AppendString(out, 0, s, 0, errors);
}

void AppendJsonKey(std::string& out, std::string_view key) { AppendString(out, 0, key, ':', JsonUtf8Errors::strict); }

void AppendJsonMemberKey(std::string& out, bool first, std::string_view key, JsonUtf8Errors errors) {
    AppendString(out, first ? 0 : ',', key, ':', errors);
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
                AppendJsonMemberKey(out, first, key, errors);
                first = false;
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

namespace {

// Reads the subset of JSON described at ParseJsonText; false means "let json::parse decide".
class FastJsonReader {
  public:
    explicit FastJsonReader(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

    bool Document(nlohmann::json& out) {
        SkipSpace();
        if (!Value(out, 0)) return false;
        SkipSpace();
        return p_ == end_;
    }

  private:
    static constexpr int kMaxDepth = 256;

    void SkipSpace() {
        while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
    }

    bool Literal(std::string_view word) {
        if (static_cast<size_t>(end_ - p_) < word.size() || std::memcmp(p_, word.data(), word.size()) != 0) {
            return false;
        }
        p_ += word.size();
        return true;
    }

    bool Value(nlohmann::json& out, int depth) {
        if (p_ >= end_ || depth > kMaxDepth) return false;
        switch (*p_) {
            case '{':
                return Object(out, depth);
            case '[':
                return Array(out, depth);
            case '"': {
                std::string s;
                if (!String(s)) return false;
                out = std::move(s);
                return true;
            }
            case 't':
                if (!Literal("true")) return false;
                out = true;
                return true;
            case 'f':
                if (!Literal("false")) return false;
                out = false;
                return true;
            case 'n':
                if (!Literal("null")) return false;
                out = nullptr;
                return true;
            default:
                return Integer(out);
        }
    }

    bool Object(nlohmann::json& out, int depth) {
        ++p_;
        out = nlohmann::json::object();
        auto& members = *out.get_ptr<nlohmann::json::object_t*>();
        SkipSpace();
        if (p_ < end_ && *p_ == '}') {
            ++p_;
            return true;
        }
        while (true) {
            SkipSpace();
            if (p_ >= end_ || *p_ != '"') return false;
            std::string key;
            if (!String(key)) return false;
            SkipSpace();
            if (p_ >= end_ || *p_ != ':') return false;
            ++p_;
            SkipSpace();
            nlohmann::json v;
            if (!Value(v, depth + 1)) return false;
            // Stored objects come in key order, so the end is the right hint; a repeated key keeps
            // the last value, as parse() does.
            members.insert_or_assign(members.end(), std::move(key), std::move(v));
            SkipSpace();
            if (p_ >= end_) return false;
            if (*p_ == ',') {
                ++p_;
                continue;
            }
            if (*p_ != '}') return false;
            ++p_;
            return true;
        }
    }

    bool Array(nlohmann::json& out, int depth) {
        ++p_;
        out = nlohmann::json::array();
        auto& elements = *out.get_ptr<nlohmann::json::array_t*>();
        SkipSpace();
        if (p_ < end_ && *p_ == ']') {
            ++p_;
            return true;
        }
        while (true) {
            SkipSpace();
            nlohmann::json v;
            if (!Value(v, depth + 1)) return false;
            elements.push_back(std::move(v));
            SkipSpace();
            if (p_ >= end_) return false;
            if (*p_ == ',') {
                ++p_;
                continue;
            }
            if (*p_ != ']') return false;
            ++p_;
            return true;
        }
    }

    bool Hex4(uint32_t& cp) {
        if (end_ - p_ < 4) return false;
        cp = 0;
        for (int i = 0; i < 4; ++i) {
            const char c = *p_++;
            cp <<= 4;
            if (c >= '0' && c <= '9')
                cp |= static_cast<uint32_t>(c - '0');
            else if (c >= 'a' && c <= 'f')
                cp |= static_cast<uint32_t>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                cp |= static_cast<uint32_t>(c - 'A' + 10);
            else
                return false;
        }
        return true;
    }

    static void PutUtf8(std::string& out, uint32_t cp) {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        }
    }

    // A string at the opening quote; raw bytes must be valid UTF-8 and no control character.
    bool String(std::string& out) {
        ++p_;
        const char* start = p_;
        bool raw_ascii = true;
        while (p_ < end_ && *p_ != '"' && *p_ != '\\') {
            const auto c = static_cast<unsigned char>(*p_);
            if (c < 0x20) return false;
            if (c >= 0x80) raw_ascii = false;
            ++p_;
        }
        out.assign(start, p_);
        while (p_ < end_) {
            const auto c = static_cast<unsigned char>(*p_);
            if (c == '"') {
                ++p_;
                return raw_ascii || IsValidUtf8(out);
            }
            if (c < 0x20) return false;
            if (c != '\\') {
                if (c >= 0x80) raw_ascii = false;
                out += static_cast<char>(c);
                ++p_;
                continue;
            }
            ++p_;
            if (p_ >= end_) return false;
            switch (*p_++) {
                case '"':
                    out += '"';
                    break;
                case '\\':
                    out += '\\';
                    break;
                case '/':
                    out += '/';
                    break;
                case 'b':
                    out += '\b';
                    break;
                case 'f':
                    out += '\f';
                    break;
                case 'n':
                    out += '\n';
                    break;
                case 'r':
                    out += '\r';
                    break;
                case 't':
                    out += '\t';
                    break;
                case 'u': {
                    uint32_t cp = 0;
                    if (!Hex4(cp)) return false;
                    if (cp >= 0xDC00 && cp <= 0xDFFF) return false;
                    if (cp >= 0xD800 && cp <= 0xDBFF) {
                        uint32_t low = 0;
                        if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return false;
                        p_ += 2;
                        if (!Hex4(low) || low < 0xDC00 || low > 0xDFFF) return false;
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                    }
                    PutUtf8(out, cp);
                    break;
                }
                default:
                    return false;
            }
        }
        return false;
    }

    // -?(0|[1-9][0-9]*) with no fraction or exponent, in range: parse()'s number_integer for
    // negatives, number_unsigned otherwise. Floats are left to parse().
    bool Integer(nlohmann::json& out) {
        const char* start = p_;
        const bool negative = *p_ == '-';
        if (negative) ++p_;
        if (p_ >= end_ || *p_ < '0' || *p_ > '9') return false;
        if (*p_ == '0') {
            ++p_;
        } else {
            while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
        }
        if (p_ < end_ && (*p_ == '.' || *p_ == 'e' || *p_ == 'E' || (*p_ >= '0' && *p_ <= '9'))) return false;
        if (negative) {
            int64_t v = 0;
            auto [end, ec] = std::from_chars(start, p_, v);
            if (ec != std::errc() || end != p_) return false;
            out = v;
        } else {
            uint64_t v = 0;
            auto [end, ec] = std::from_chars(start, p_, v);
            if (ec != std::errc() || end != p_) return false;
            out = v;
        }
        return true;
    }

    const char* p_;
    const char* end_;
};

}  // namespace

nlohmann::json ParseJsonText(std::string_view text) {
    nlohmann::json out;
    if (FastJsonReader(text).Document(out)) return out;
    return nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
}

}  // namespace bia::core
