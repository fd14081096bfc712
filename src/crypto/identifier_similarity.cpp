#include "crypto/identifier_similarity.hpp"

#include <algorithm>
#include <vector>

namespace bia::crypto {

namespace {

constexpr char32_t kReplacement = 0xFFFD;
constexpr size_t kMinDistance = 5;
constexpr double kMaxSubstringRatio = 0.5;

std::u32string DecodeUtf8(std::string_view s) {
    std::u32string out;
    out.reserve(s.size());
    size_t i = 0;
    while (i < s.size()) {
        const auto b0 = static_cast<unsigned char>(s[i]);
        size_t len = 0;
        char32_t cp = 0;
        char32_t min = 0;
        if (b0 < 0x80) {
            out.push_back(b0);
            ++i;
            continue;
        } else if ((b0 & 0xE0) == 0xC0) {
            len = 2, cp = b0 & 0x1F, min = 0x80;
        } else if ((b0 & 0xF0) == 0xE0) {
            len = 3, cp = b0 & 0x0F, min = 0x800;
        } else if ((b0 & 0xF8) == 0xF0) {
            len = 4, cp = b0 & 0x07, min = 0x10000;
        }
        bool ok = len != 0 && i + len <= s.size();
        for (size_t k = 1; ok && k < len; ++k) {
            const auto b = static_cast<unsigned char>(s[i + k]);
            if ((b & 0xC0) != 0x80) ok = false;
            cp = cp << 6 | (b & 0x3F);
        }
        if (ok && (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))) ok = false;
        if (ok) {
            out.push_back(cp);
            i += len;
        } else {
            // Like Go: one replacement character per invalid byte.
            out.push_back(kReplacement);
            ++i;
        }
    }
    return out;
}

void AppendUtf8(std::string& out, char32_t cp) {
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

char32_t ToLower(char32_t c) {
    if (c >= 'A' && c <= 'Z') return c + 32;
    if (c < 0xC0) return c;
    if (c <= 0xDE) return c == 0xD7 ? c : c + 32;  // Latin-1, except the multiplication sign
    if (c >= 0x100 && c <= 0x17F) {                 // Latin Extended-A: mostly case pairs
        if (c == 0x130) return 'i';                 // İ → i, as Go maps it
        if (c == 0x178) return 0xFF;                // Ÿ → ÿ
        if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) return (c & 1) ? c + 1 : c;
        if (c == 0x138 || c == 0x149 || c == 0x17F) return c;
        return (c & 1) ? c : c + 1;
    }
    if (c == 0x386) return 0x3AC;  // Greek with tonos
    if (c >= 0x388 && c <= 0x38A) return c + 37;
    if (c == 0x38C) return 0x3CC;
    if (c == 0x38E || c == 0x38F) return c + 63;
    if (c >= 0x391 && c <= 0x3AB && c != 0x3A2) return c + 32;
    if (c >= 0x400 && c <= 0x40F) return c + 80;  // Cyrillic
    if (c >= 0x410 && c <= 0x42F) return c + 32;
    return c;
}

std::u32string LowerCodePoints(std::string_view s) {
    std::u32string cps = DecodeUtf8(s);
    for (char32_t& c : cps) c = ToLower(c);
    return cps;
}

size_t Levenshtein(const std::u32string& a, const std::u32string& b) {
    // Two rows of the classic table; memory is O(|b|) whatever the password length.
    std::vector<size_t> prev(b.size() + 1);
    std::vector<size_t> cur(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            const size_t subst = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, subst});
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

size_t Lcs(const std::u32string& a, const std::u32string& b) {
    std::vector<size_t> prev(b.size() + 1, 0);
    std::vector<size_t> cur(b.size() + 1, 0);
    size_t best = 0;
    for (size_t i = 1; i <= a.size(); ++i) {
        for (size_t j = 1; j <= b.size(); ++j) {
            cur[j] = a[i - 1] == b[j - 1] ? prev[j - 1] + 1 : 0;
            best = std::max(best, cur[j]);
        }
        std::swap(prev, cur);
    }
    return best;
}

}  // namespace

std::string LowerUtf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char32_t c : LowerCodePoints(text)) AppendUtf8(out, c);
    return out;
}

size_t LevenshteinDistance(std::string_view a, std::string_view b) {
    return Levenshtein(DecodeUtf8(a), DecodeUtf8(b));
}

size_t LongestCommonSubstring(std::string_view a, std::string_view b) {
    return Lcs(DecodeUtf8(a), DecodeUtf8(b));
}

bool IsTooSimilarToIdentifier(std::string_view identifier, std::string_view password) {
    const std::u32string id = LowerCodePoints(identifier);
    const std::u32string pw = LowerCodePoints(password);
    if (Levenshtein(id, pw) < kMinDistance) return true;
    std::string pw_utf8;
    for (char32_t c : pw) AppendUtf8(pw_utf8, c);
    if (pw_utf8.empty()) return false;
    const double ratio = static_cast<double>(Lcs(id, pw)) / static_cast<double>(pw_utf8.size());
    return ratio > kMaxSubstringRatio;
}

}  // namespace bia::crypto
