#include "crypto/identifier_similarity.hpp"

#include <gtest/gtest.h>

namespace bia::crypto {
namespace {

TEST(IdentifierSimilarity, LevenshteinCountsBytesLikeKratos) {
    EXPECT_EQ(LevenshteinDistance("kitten", "sitting"), 3u);
    EXPECT_EQ(LevenshteinDistance("", "abc"), 3u);
    EXPECT_EQ(LevenshteinDistance("abc", "abc"), 0u);
    EXPECT_EQ(LevenshteinDistance("flaw", "lawn"), 2u);
    EXPECT_EQ(LevenshteinDistance("café", "cafe"), 2u);  // é is two bytes: two edits
}

TEST(IdentifierSimilarity, LongestCommonSubstring) {
    EXPECT_EQ(LongestCommonSubstring("john.doe@example.com", "mydoe@exa99"), 7u);  // "doe@exa"
    EXPECT_EQ(LongestCommonSubstring("abc", "xyz"), 0u);
    EXPECT_EQ(LongestCommonSubstring("", "xyz"), 0u);
    EXPECT_EQ(LongestCommonSubstring("ñandú", "xandúx"), 4u);  // counted in characters
    // Kratos's walk only continues a run after a one-byte character.
    EXPECT_EQ(LongestCommonSubstring("ña", "ña"), 1u);
    EXPECT_EQ(LongestCommonSubstring("añb", "añb"), 2u);
}

TEST(IdentifierSimilarity, LowerCasesCommonScripts) {
    EXPECT_EQ(LowerUtf8("John.DOE@Example.COM"), "john.doe@example.com");
    EXPECT_EQ(LowerUtf8("ÄÖÜ×ß"), "äöü×ß");
    EXPECT_EQ(LowerUtf8("ŁÓDŹ Ÿ"), "łódź ÿ");
    EXPECT_EQ(LowerUtf8("ΑΘΗΝΑ Ά"), "αθηνα ά");
    EXPECT_EQ(LowerUtf8("ПРИВЕТ Ё"), "привет ё");
    EXPECT_EQ(LowerUtf8("日本"), "日本");
    EXPECT_EQ(LowerUtf8("a\xff"
                        "b"),
              "a\xEF\xBF\xBD"
              "b");  // invalid byte → U+FFFD
}

TEST(IdentifierSimilarity, KratosRule) {
    // Within edit distance 4.
    EXPECT_TRUE(IsTooSimilarToIdentifier("john.doe@example.com", "john.doe@example.com"));
    EXPECT_TRUE(IsTooSimilarToIdentifier("john.doe@example.com", "JOHN.DOE@EXAMPLE.COM1"));
    EXPECT_TRUE(IsTooSimilarToIdentifier("alice", "alice123"));
    // Far in edit distance, but more than half the password is the identifier.
    EXPECT_TRUE(IsTooSimilarToIdentifier("john.doe@example.com", "john.doe@xx-1"));
    EXPECT_TRUE(IsTooSimilarToIdentifier("supercalifragilistic", "Xcalifragil_12"));  // 10 of 14 bytes
    // Exactly half is allowed (the rule is "> 0.5").
    EXPECT_FALSE(IsTooSimilarToIdentifier("abcdefgh@example.org", "abcdefgh12345678"));
    EXPECT_TRUE(IsTooSimilarToIdentifier("abcdefgh@example.org", "abcdefgh1234567"));
    // The distance counts bytes: 4 character edits, but 8 byte edits, so not "similar".
    EXPECT_FALSE(IsTooSimilarToIdentifier("éééé", "eeee"));
    // ...while shared UTF-8 lead bytes make these 4 byte edits apart.
    EXPECT_TRUE(IsTooSimilarToIdentifier("ääää", "öööö"));
    // Unrelated.
    EXPECT_FALSE(IsTooSimilarToIdentifier("john.doe@example.com", "correct horse battery staple"));
    EXPECT_FALSE(IsTooSimilarToIdentifier("", "correct horse battery staple"));
}

}  // namespace
}  // namespace bia::crypto
