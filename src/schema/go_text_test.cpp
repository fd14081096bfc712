#include "schema/go_text.hpp"

#include <gtest/gtest.h>

namespace bia::schema {
namespace {

TEST(GoText, QuoteEscapesLikeStrconvQuote) {
    EXPECT_EQ(GoQuote("foo"), "\"foo\"");
    EXPECT_EQ(GoQuote("a\"b\\c"), "\"a\\\"b\\\\c\"");
    EXPECT_EQ(GoQuote("^\\d+$"), "\"^\\\\d+$\"");
    EXPECT_EQ(GoQuote("tab\there\nnl"), "\"tab\\there\\nnl\"");
    EXPECT_EQ(GoQuote(std::string("\x01\x7f", 2)), "\"\\x01\\x7f\"");
    EXPECT_EQ(GoQuote("\xff"), "\"\\xff\"");               // invalid UTF-8 byte
    EXPECT_EQ(GoQuote("caf\xc3\xa9"), "\"caf\xc3\xa9\"");  // printable stays as is
    EXPECT_EQ(GoQuote("\xc2\xa0"), "\"\\u00a0\"");         // no-break space is not printable
    EXPECT_EQ(GoQuote("\xf0\x9f\x98\x80"), "\"\xf0\x9f\x98\x80\"");
    EXPECT_EQ(GoQuote("\xf3\xa0\x80\x81"), "\"\\U000e0001\"");  // language tag
}

TEST(GoText, FormatFloatMatchesPercentV) {
    EXPECT_EQ(GoFormatFloat(1200), "1200");
    EXPECT_EQ(GoFormatFloat(1), "1");
    EXPECT_EQ(GoFormatFloat(-2.5), "-2.5");
    EXPECT_EQ(GoFormatFloat(0.5), "0.5");
    EXPECT_EQ(GoFormatFloat(999999), "999999");
    EXPECT_EQ(GoFormatFloat(1e6), "1e+06");
    EXPECT_EQ(GoFormatFloat(1234567), "1.234567e+06");
    EXPECT_EQ(GoFormatFloat(0.0001), "0.0001");
    EXPECT_EQ(GoFormatFloat(0.00001), "1e-05");
    EXPECT_EQ(GoFormatFloat(1e21), "1e+21");
    EXPECT_EQ(GoFormatFloat(1e100), "1e+100");
    EXPECT_EQ(GoFormatFloat(0.1), "0.1");
    EXPECT_EQ(GoFormatFloat(0), "0");
}

TEST(GoText, PathEscapeKeepsSegmentSafeCharacters) {
    EXPECT_EQ(GoPathEscape("email"), "email");
    EXPECT_EQ(GoPathEscape("first name"), "first%20name");
    EXPECT_EQ(GoPathEscape("a/b;c,d?e"), "a%2Fb%3Bc%2Cd%3Fe");
    EXPECT_EQ(GoPathEscape("a$b&c+d:e=f@g~h"), "a$b&c+d:e=f@g~h");
    EXPECT_EQ(GoPathEscape("\xc3\xa9"), "%C3%A9");
}

TEST(GoText, ToLowerHandlesUnicodeAndInvalidBytes) {
    EXPECT_EQ(GoToLower("Foo@Example.COM"), "foo@example.com");
    EXPECT_EQ(GoToLower("\xc3\x84\xc3\x96\xc3\x9c"), "\xc3\xa4\xc3\xb6\xc3\xbc");  // ÄÖÜ → äöü
    EXPECT_EQ(GoToLower("\xce\xa3\xce\x91"), "\xcf\x83\xce\xb1");                  // ΣΑ → σα
    EXPECT_EQ(GoToLower("\xd0\x96"), "\xd0\xb6");                                  // Ж → ж
    EXPECT_EQ(GoToLower("\xc4\xb0"), "i");                                         // İ → i
    EXPECT_EQ(GoToLower("A\xff\xc3\x84"), "a\xef\xbf\xbd\xc3\xa4");                // invalid byte → U+FFFD
    EXPECT_EQ(SimpleUpper(U'\u00e9'), U'\u00c9');
    EXPECT_EQ(SimpleLower(U'\u0178'), U'\u00ff');
    EXPECT_EQ(SimpleUpper(U'\u017e'), U'\u017d');
}

TEST(GoText, RuneCountCountsInvalidBytesOnce) {
    EXPECT_EQ(RuneCount("h\xc3\xa9llo"), 5u);
    EXPECT_EQ(RuneCount("\xff\xfe"), 2u);
    EXPECT_EQ(RuneCount("\xe2\x82"), 2u);      // truncated sequence
    EXPECT_EQ(RuneCount("\xed\xa0\x80"), 3u);  // encoded surrogate is invalid
    EXPECT_EQ(RuneCount(""), 0u);
}

TEST(GoText, TrimSpaceTrimsUnicodeSpace) {
    EXPECT_EQ(GoTrimSpace("  a b \t\n"), "a b");
    EXPECT_EQ(GoTrimSpace("\xe3\x80\x80x\xc2\xa0"), "x");
    EXPECT_EQ(GoTrimSpace("   "), "");
}

}  // namespace
}  // namespace bia::schema
