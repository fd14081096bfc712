#include "schema/go_text.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace bia::schema {
namespace {

constexpr char kLowerHex[] = "0123456789abcdef";
constexpr char kUpperHex[] = "0123456789ABCDEF";

enum class CaseKind : uint8_t {
    kDelta,    // lower = upper + delta
    kEvenOdd,  // upper-case letters at even code points, lower-case right after
    kOddEven,  // upper-case letters at odd code points, lower-case right after
};

struct CaseRange {
    char32_t lo;
    char32_t hi;
    CaseKind kind;
    int32_t delta;
};

// Upper-case ranges (from the Unicode simple case mappings) for the blocks we support.
constexpr CaseRange kUpperRanges[] = {
    {0x41, 0x5A, CaseKind::kDelta, 32},       {0xC0, 0xD6, CaseKind::kDelta, 32},
    {0xD8, 0xDE, CaseKind::kDelta, 32},       {0x100, 0x12F, CaseKind::kEvenOdd, 1},
    {0x132, 0x137, CaseKind::kEvenOdd, 1},    {0x139, 0x148, CaseKind::kOddEven, 1},
    {0x14A, 0x177, CaseKind::kEvenOdd, 1},    {0x179, 0x17E, CaseKind::kOddEven, 1},
    {0x1CD, 0x1DC, CaseKind::kOddEven, 1},    {0x1DE, 0x1EF, CaseKind::kEvenOdd, 1},
    {0x1F8, 0x21F, CaseKind::kEvenOdd, 1},    {0x222, 0x233, CaseKind::kEvenOdd, 1},
    {0x246, 0x24F, CaseKind::kEvenOdd, 1},    {0x388, 0x38A, CaseKind::kDelta, 37},
    {0x38E, 0x38F, CaseKind::kDelta, 63},     {0x391, 0x3A1, CaseKind::kDelta, 32},
    {0x3A3, 0x3AB, CaseKind::kDelta, 32},     {0x3D8, 0x3EF, CaseKind::kEvenOdd, 1},
    {0x400, 0x40F, CaseKind::kDelta, 80},     {0x410, 0x42F, CaseKind::kDelta, 32},
    {0x460, 0x481, CaseKind::kEvenOdd, 1},    {0x48A, 0x4BF, CaseKind::kEvenOdd, 1},
    {0x4C1, 0x4CE, CaseKind::kOddEven, 1},    {0x4D0, 0x52F, CaseKind::kEvenOdd, 1},
    {0x531, 0x556, CaseKind::kDelta, 48},     {0x10A0, 0x10C5, CaseKind::kDelta, 7264},
    {0x1E00, 0x1E95, CaseKind::kEvenOdd, 1},  {0x1EA0, 0x1EFF, CaseKind::kEvenOdd, 1},
    {0x1F08, 0x1F0F, CaseKind::kDelta, -8},   {0x1F18, 0x1F1D, CaseKind::kDelta, -8},
    {0x1F28, 0x1F2F, CaseKind::kDelta, -8},   {0x1F38, 0x1F3F, CaseKind::kDelta, -8},
    {0x1F48, 0x1F4D, CaseKind::kDelta, -8},   {0x1F68, 0x1F6F, CaseKind::kDelta, -8},
    {0x2160, 0x216F, CaseKind::kDelta, 16},   {0x24B6, 0x24CF, CaseKind::kDelta, 26},
    {0x2C00, 0x2C2F, CaseKind::kDelta, 48},   {0xFF21, 0xFF3A, CaseKind::kDelta, 32},
    {0x10400, 0x10427, CaseKind::kDelta, 40},
};

struct CasePair {
    char32_t from;
    char32_t to;
};

// Mappings that do not follow a range rule, or whose inverse is not the range rule.
constexpr CasePair kSpecialLower[] = {
    {0x130, 0x69},                                                    // İ → i
    {0x178, 0xFF},                                                    // Ÿ → ÿ
    {0x386, 0x3AC},  {0x38C, 0x3CC}, {0x4C0, 0x4CF}, {0x1E9E, 0xDF},  // ẞ → ß
    {0x2126, 0x3C9},                                                  // Ohm sign
    {0x212A, 0x6B},                                                   // Kelvin sign
    {0x212B, 0xE5},                                                   // Angstrom sign
};
constexpr CasePair kSpecialUpper[] = {
    {0xFF, 0x178},  {0x3AC, 0x386}, {0x3CC, 0x38C}, {0x4CF, 0x4C0}, {0xB5, 0x39C},  // micro sign → Greek capital mu
    {0x131, 0x49},                                                                  // dotless i → I
    {0x17F, 0x53},                                                                  // long s → S
    {0x3C2, 0x3A3},                                                                 // final sigma → Sigma
};

bool InRange(char32_t r, char32_t lo, char32_t hi) { return r >= lo && r <= hi; }

}  // namespace

DecodedRune DecodeRune(std::string_view s) {
    if (s.empty()) return {kRuneError, 0};
    const auto b0 = static_cast<uint8_t>(s[0]);
    if (b0 < 0x80) return {b0, 1};
    auto cont = [&](size_t k) { return k < s.size() && (static_cast<uint8_t>(s[k]) & 0xC0) == 0x80; };
    auto at = [&](size_t k) { return static_cast<char32_t>(static_cast<uint8_t>(s[k]) & 0x3F); };
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        if (!cont(1)) return {kRuneError, 1};
        return {(static_cast<char32_t>(b0 & 0x1F) << 6) | at(1), 2};
    }
    if (b0 >= 0xE0 && b0 <= 0xEF) {
        if (!cont(1) || !cont(2)) return {kRuneError, 1};
        const char32_t r = (static_cast<char32_t>(b0 & 0x0F) << 12) | (at(1) << 6) | at(2);
        if (r < 0x800 || InRange(r, 0xD800, 0xDFFF)) return {kRuneError, 1};
        return {r, 3};
    }
    if (b0 >= 0xF0 && b0 <= 0xF4) {
        if (!cont(1) || !cont(2) || !cont(3)) return {kRuneError, 1};
        const char32_t r = (static_cast<char32_t>(b0 & 0x07) << 18) | (at(1) << 12) | (at(2) << 6) | at(3);
        if (r < 0x10000 || r > 0x10FFFF) return {kRuneError, 1};
        return {r, 4};
    }
    return {kRuneError, 1};
}

void AppendUtf8(std::string& out, char32_t r) {
    if (r > 0x10FFFF || InRange(r, 0xD800, 0xDFFF)) r = kRuneError;
    if (r < 0x80) {
        out += static_cast<char>(r);
    } else if (r < 0x800) {
        out += static_cast<char>(0xC0 | (r >> 6));
        out += static_cast<char>(0x80 | (r & 0x3F));
    } else if (r < 0x10000) {
        out += static_cast<char>(0xE0 | (r >> 12));
        out += static_cast<char>(0x80 | ((r >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (r & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (r >> 18));
        out += static_cast<char>(0x80 | ((r >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((r >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (r & 0x3F));
    }
}

size_t RuneCount(std::string_view s) {
    size_t n = 0;
    while (!s.empty()) {
        s.remove_prefix(DecodeRune(s).width);
        ++n;
    }
    return n;
}

std::string ToValidUtf8(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    while (!s.empty()) {
        const DecodedRune d = DecodeRune(s);
        if (d.width == 1 && d.rune == kRuneError)
            AppendUtf8(out, kRuneError);
        else
            out.append(s.substr(0, d.width));
        s.remove_prefix(d.width);
    }
    return out;
}

bool IsGoPrint(char32_t r) {
    if (r < 0x20 || (r >= 0x7F && r <= 0xA0) || r == 0xAD) return false;
    if (r < 0x370) return true;
    if (InRange(r, 0x600, 0x605) || r == 0x61C || r == 0x6DD || r == 0x70F) return false;
    if (r == 0x1680 || r == 0x180E) return false;
    if (InRange(r, 0x2000, 0x200F) || InRange(r, 0x2028, 0x202F) || InRange(r, 0x205F, 0x206F)) return false;
    if (r == 0x3000) return false;
    if (InRange(r, 0xD800, 0xF8FF)) return false;  // surrogates and private use
    if (InRange(r, 0xFDD0, 0xFDEF) || r == 0xFEFF || InRange(r, 0xFFF0, 0xFFFB)) return false;
    if ((r & 0xFFFE) == 0xFFFE) return false;  // non-characters at the end of every plane
    if (InRange(r, 0x1BCA0, 0x1BCA3) || InRange(r, 0x1D173, 0x1D17A)) return false;
    if (InRange(r, 0xE0000, 0xE0FFF) || r >= 0xF0000) return false;
    return true;
}

std::string GoQuote(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 2);
    out += '"';
    while (!s.empty()) {
        const DecodedRune d = DecodeRune(s);
        const char32_t r = d.rune;
        if (d.width == 1 && r == kRuneError) {
            const auto b = static_cast<uint8_t>(s[0]);
            out += "\\x";
            out += kLowerHex[b >> 4];
            out += kLowerHex[b & 0xF];
        } else if (r == '"' || r == '\\') {
            out += '\\';
            out += static_cast<char>(r);
        } else if (IsGoPrint(r)) {
            out.append(s.substr(0, d.width));
        } else {
            switch (r) {
                case '\a':
                    out += "\\a";
                    break;
                case '\b':
                    out += "\\b";
                    break;
                case '\f':
                    out += "\\f";
                    break;
                case '\n':
                    out += "\\n";
                    break;
                case '\r':
                    out += "\\r";
                    break;
                case '\t':
                    out += "\\t";
                    break;
                case '\v':
                    out += "\\v";
                    break;
                default: {
                    int digits = 8;
                    if (r < ' ' || r == 0x7F) {
                        out += "\\x";
                        digits = 2;
                    } else if (r < 0x10000) {
                        out += "\\u";
                        digits = 4;
                    } else {
                        out += "\\U";
                    }
                    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) out += kLowerHex[(r >> shift) & 0xF];
                }
            }
        }
        s.remove_prefix(d.width);
    }
    out += '"';
    return out;
}

std::string GoFormatFloat(double value) {
    if (value == 0) return std::signbit(value) ? "-0" : "0";
    // Shortest round-trip digits, as strconv computes them, in d.ddde±x form.
    std::array<char, 64> buf{};
    auto res = std::to_chars(buf.data(), buf.data() + buf.size(), value, std::chars_format::scientific);
    std::string_view sci(buf.data(), static_cast<size_t>(res.ptr - buf.data()));
    bool neg = false;
    if (!sci.empty() && sci[0] == '-') {
        neg = true;
        sci.remove_prefix(1);
    }
    const size_t e_pos = sci.find('e');
    std::string digits;
    for (char c : sci.substr(0, e_pos))
        if (c != '.') digits += c;
    int exp10 = 0;
    std::from_chars(sci.data() + e_pos + 1 + (sci[e_pos + 1] == '+' ? 1 : 0), sci.data() + sci.size(), exp10);
    while (digits.size() > 1 && digits.back() == '0') digits.pop_back();

    std::string out = neg ? "-" : "";
    const int nd = static_cast<int>(digits.size());
    const int dp = exp10 + 1;  // position of the decimal point relative to the digits
    if (exp10 < -4 || exp10 >= 6) {
        out += digits[0];
        if (nd > 1) {
            out += '.';
            out.append(digits, 1, std::string::npos);
        }
        out += 'e';
        out += exp10 < 0 ? '-' : '+';
        const int a = std::abs(exp10);
        if (a < 10) out += '0';
        out += std::to_string(a);
        return out;
    }
    if (dp <= 0) {
        out += "0.";
        out.append(static_cast<size_t>(-dp), '0');
        out += digits;
    } else if (dp >= nd) {
        out += digits;
        out.append(static_cast<size_t>(dp - nd), '0');
    } else {
        out.append(digits, 0, static_cast<size_t>(dp));
        out += '.';
        out.append(digits, static_cast<size_t>(dp), std::string::npos);
    }
    return out;
}

std::string GoPathEscape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char ch : s) {
        const auto c = static_cast<uint8_t>(ch);
        const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                           c == '_' || c == '.' || c == '~' || c == '$' || c == '&' || c == '+' || c == ':' ||
                           c == '=' || c == '@';
        if (plain) {
            out += ch;
        } else {
            out += '%';
            out += kUpperHex[c >> 4];
            out += kUpperHex[c & 0xF];
        }
    }
    return out;
}

char32_t SimpleLower(char32_t r) {
    if (r < 0x80) return (r >= 'A' && r <= 'Z') ? r + 32 : r;
    for (const auto& p : kSpecialLower)
        if (p.from == r) return p.to;
    for (const auto& cr : kUpperRanges) {
        if (r < cr.lo || r > cr.hi) continue;
        switch (cr.kind) {
            case CaseKind::kDelta:
                return static_cast<char32_t>(static_cast<int32_t>(r) + cr.delta);
            case CaseKind::kEvenOdd:
                return (r % 2 == 0) ? r + 1 : r;
            case CaseKind::kOddEven:
                return (r % 2 == 1) ? r + 1 : r;
        }
    }
    return r;
}

char32_t SimpleUpper(char32_t r) {
    if (r < 0x80) return (r >= 'a' && r <= 'z') ? r - 32 : r;
    for (const auto& p : kSpecialUpper)
        if (p.from == r) return p.to;
    for (const auto& cr : kUpperRanges) {
        switch (cr.kind) {
            case CaseKind::kDelta: {
                const auto lo = static_cast<char32_t>(static_cast<int32_t>(cr.lo) + cr.delta);
                const auto hi = static_cast<char32_t>(static_cast<int32_t>(cr.hi) + cr.delta);
                if (r >= lo && r <= hi) return static_cast<char32_t>(static_cast<int32_t>(r) - cr.delta);
                break;
            }
            case CaseKind::kEvenOdd:
                if (r > cr.lo && r <= cr.hi && r % 2 == 1) return r - 1;
                break;
            case CaseKind::kOddEven:
                if (r > cr.lo && r <= cr.hi && r % 2 == 0) return r - 1;
                break;
        }
    }
    return r;
}

std::string GoToLower(std::string_view s) {
    bool ascii = true;
    for (char c : s)
        if (static_cast<uint8_t>(c) >= 0x80) ascii = false;
    std::string out;
    out.reserve(s.size());
    if (ascii) {
        for (char c : s) out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
        return out;
    }
    while (!s.empty()) {
        const DecodedRune d = DecodeRune(s);
        AppendUtf8(out, SimpleLower(d.rune));
        s.remove_prefix(d.width);
    }
    return out;
}

namespace {
bool IsGoSpace(char32_t r) {
    switch (r) {
        case '\t':
        case '\n':
        case '\v':
        case '\f':
        case '\r':
        case ' ':
        case 0x85:
        case 0xA0:
        case 0x1680:
        case 0x2028:
        case 0x2029:
        case 0x202F:
        case 0x205F:
        case 0x3000:
            return true;
        default:
            return r >= 0x2000 && r <= 0x200A;
    }
}
}  // namespace

std::string_view GoTrimSpace(std::string_view s) {
    while (!s.empty()) {
        const DecodedRune d = DecodeRune(s);
        if (!IsGoSpace(d.rune)) break;
        s.remove_prefix(d.width);
    }
    while (!s.empty()) {
        // Walk back to the start of the last rune.
        size_t start = s.size() - 1;
        while (start > 0 && s.size() - start < 4 && (static_cast<uint8_t>(s[start]) & 0xC0) == 0x80) --start;
        const DecodedRune d = DecodeRune(s.substr(start));
        if (start + d.width != s.size() || !IsGoSpace(d.rune)) break;
        s.remove_suffix(d.width);
    }
    return s;
}

}  // namespace bia::schema
