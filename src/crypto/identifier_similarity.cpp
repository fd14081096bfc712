#include "crypto/identifier_similarity.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace bia::crypto {

namespace {

constexpr char32_t kReplacement = 0xFFFD;
constexpr size_t kMinDistance = 5;
constexpr double kMaxSubstringRatio = 0.5;

struct Char {
    char32_t cp;
    uint8_t width;  // bytes it occupied in the input
};

std::vector<Char> DecodeUtf8(std::string_view s) {
    std::vector<Char> out;
    out.reserve(s.size());
    size_t i = 0;
    while (i < s.size()) {
        const auto b0 = static_cast<unsigned char>(s[i]);
        size_t len = 0;
        char32_t cp = 0;
        char32_t min = 0;
        if (b0 < 0x80) {
            out.push_back({b0, 1});
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
            out.push_back({cp, static_cast<uint8_t>(len)});
            i += len;
        } else {
            // Like Go: each invalid byte is one U+FFFD of width one.
            out.push_back({kReplacement, 1});
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
    if (c >= 0x100 && c <= 0x17F) {                // Latin Extended-A: mostly case pairs
        if (c == 0x130) return 'i';                // İ → i, as Go maps it
        if (c == 0x178) return 0xFF;               // Ÿ → ÿ
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

size_t Levenshtein(std::string_view a, std::string_view b) {
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

// Kratos's walk: characters compared as code points, a match extending the run that ended at
// the previous *byte* offsets — which holds a run only when the previous character in both
// strings was a single byte (and matched).
size_t Lcs(const std::vector<Char>& a, const std::vector<Char>& b) {
    std::vector<size_t> prev(b.size() + 1, 0);
    std::vector<size_t> cur(b.size() + 1, 0);
    size_t best = 0;
    for (size_t i = 1; i <= a.size(); ++i) {
        for (size_t j = 1; j <= b.size(); ++j) {
            if (a[i - 1].cp != b[j - 1].cp) {
                cur[j] = 0;
                continue;
            }
            const bool chains = i > 1 && j > 1 && a[i - 2].width == 1 && b[j - 2].width == 1;
            cur[j] = chains ? prev[j - 1] + 1 : 1;
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
    for (const Char& c : DecodeUtf8(text)) AppendUtf8(out, ToLower(c.cp));
    return out;
}

size_t LevenshteinDistance(std::string_view a, std::string_view b) { return Levenshtein(a, b); }

size_t LongestCommonSubstring(std::string_view a, std::string_view b) { return Lcs(DecodeUtf8(a), DecodeUtf8(b)); }

bool IsTooSimilarToIdentifier(std::string_view identifier, std::string_view password) {
    // Both tables cost identifier × password length: compare at most the first
    // kMaxSimilarityIdentifierBytes of an identifier (passwords are capped by the policy).
    const std::string id = LowerUtf8(identifier.substr(0, kMaxSimilarityIdentifierBytes));
    const std::string pw = LowerUtf8(password);
    // The edit distance is at least the length difference: only compute it when it can be small.
    const size_t diff = id.size() > pw.size() ? id.size() - pw.size() : pw.size() - id.size();
    if (diff < kMinDistance && Levenshtein(id, pw) < kMinDistance) return true;
    if (pw.empty()) return false;
    const double ratio = static_cast<double>(Lcs(DecodeUtf8(id), DecodeUtf8(pw))) / static_cast<double>(pw.size());
    return ratio > kMaxSubstringRatio;
}

}  // namespace bia::crypto
