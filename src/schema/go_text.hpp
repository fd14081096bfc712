// Text helpers that spell values exactly the way Go's fmt/strconv/strings/net/url do. Kratos
// builds its schema validation messages with %q, %v and url.PathEscape, so matching its wire
// text means matching those spellings (internal to the schema module).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace bia::schema {

inline constexpr char32_t kRuneError = 0xFFFD;

struct DecodedRune {
    char32_t rune = kRuneError;
    size_t width = 0;  // 0 only for empty input
};

// Like Go's utf8.DecodeRuneInString: an invalid or truncated sequence (overlong, surrogate,
// > U+10FFFF) yields U+FFFD with width 1, so callers always make progress.
DecodedRune DecodeRune(std::string_view s);
void AppendUtf8(std::string& out, char32_t rune);
// utf8.RuneCountInString: every invalid byte counts as one rune.
size_t RuneCount(std::string_view s);
// `s` with every invalid byte replaced by U+FFFD (what Go's encoding/json writes), so text taken
// from a document can always be serialised again.
std::string ToValidUtf8(std::string_view s);

// unicode.IsPrint, approximated without the full Unicode tables: control, format, separator
// (other than ASCII space), private-use and non-character code points are not printable.
bool IsGoPrint(char32_t rune);
// strconv.Quote (also what %q and %#v print for strings).
std::string GoQuote(std::string_view s);
// fmt's %v for a float64 (and math/big.Float): shortest digits, exponent form when the
// decimal exponent is < -4 or >= 6, e.g. 1200 → "1200", 1e6 → "1e+06", 0.5 → "0.5".
std::string GoFormatFloat(double value);
// url.PathEscape.
std::string GoPathEscape(std::string_view s);

// Simple (one-to-one) case mappings of unicode.ToLower/ToUpper for the scripts identity
// traits realistically use (Latin, Greek, Cyrillic, Armenian, Georgian, fullwidth, ...).
char32_t SimpleLower(char32_t rune);
char32_t SimpleUpper(char32_t rune);
// strings.ToLower: ASCII fast path; otherwise rune-wise, invalid bytes become U+FFFD.
std::string GoToLower(std::string_view s);
// strings.TrimSpace (ASCII and Unicode white space).
std::string_view GoTrimSpace(std::string_view s);

}  // namespace bia::schema
