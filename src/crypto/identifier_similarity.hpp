// The "password too similar to the identifier" rule of the password policy
// (settings-flow.md §8.2.1): case-insensitive edit distance and longest common substring,
// measured exactly as Kratos measures them so both accept and refuse the same passwords.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace bia::crypto {

// Lower-cases UTF-8 text: ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic (the scripts of
// nearly all identifiers in practice); other characters pass unchanged. Invalid bytes become
// U+FFFD, as Go's strings.ToLower does.
std::string LowerUtf8(std::string_view text);

// Levenshtein distance over bytes (Kratos's library compares bytes, so "é" vs "e" is 2 edits).
size_t LevenshteinDistance(std::string_view a, std::string_view b);

// Longest common contiguous substring, in characters, as Kratos computes it: a run of equal
// characters only continues after a one-byte (ASCII) character, because Kratos indexes its
// table by byte offset while stepping through characters. For ASCII text this is the plain
// longest common substring; "ña" vs "ña" gives 1.
size_t LongestCommonSubstring(std::string_view a, std::string_view b);

// Kratos's rule: after lower-casing both, distance < 5, or longest common substring divided by
// the lower-cased password's length in bytes > 0.5.
// Identifiers longer than kMaxSimilarityIdentifierBytes are compared by that many leading bytes,
// so one check costs at most kMaxSimilarityIdentifierBytes × the password's length.
inline constexpr size_t kMaxSimilarityIdentifierBytes = 1024;
bool IsTooSimilarToIdentifier(std::string_view identifier, std::string_view password);

}  // namespace bia::crypto
