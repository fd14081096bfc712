#include "schema/regex.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace bia::schema {
namespace {

bool Matches(std::string_view pattern, std::string_view text) {
    auto re = Regex::Compile(pattern);
    EXPECT_TRUE(re.ok()) << pattern << ": " << (re.ok() ? "" : re.error().reason);
    return re.ok() && re->Search(text);
}

std::string RegexCompileError(std::string_view pattern) {
    auto re = Regex::Compile(pattern);
    return re.ok() ? "" : re.error().reason;
}

TEST(Regex, AnchorsAndClasses) {
    EXPECT_TRUE(Matches("^[a-z]+$", "abc"));
    EXPECT_FALSE(Matches("^[a-z]+$", "abC"));
    EXPECT_FALSE(Matches("^[a-z]+$", ""));
    EXPECT_TRUE(Matches("b", "abc"));  // unanchored, like Go's MatchString
    EXPECT_TRUE(Matches("^\\d{3}-\\d{4}$", "555-1234"));
    EXPECT_FALSE(Matches("^\\d{3}-\\d{4}$", "555-12345"));
    EXPECT_TRUE(Matches("^\\w+\\s\\w+$", "hello world"));
    EXPECT_TRUE(Matches("^[^0-9]+$", "abc"));
    EXPECT_FALSE(Matches("^[^0-9]+$", "ab1"));
    EXPECT_TRUE(Matches("^[[:alpha:]]+$", "Abc"));
    EXPECT_FALSE(Matches("^[[:^alpha:]]+$", "Abc"));
    EXPECT_TRUE(Matches("^[a-]+$", "a-a"));
    EXPECT_TRUE(Matches("^[]a]+$", "]a"));
    EXPECT_TRUE(Matches("^\\.\\+$", ".+"));
    EXPECT_TRUE(Matches("^\\x41\\x{1F600}\\101$",
                        "A\xf0\x9f\x98\x80"
                        "A"));
    EXPECT_TRUE(Matches("^\\Qa.b\\E$", "a.b"));
    EXPECT_FALSE(Matches("^\\Qa.b\\E$", "axb"));
}

TEST(Regex, RepetitionAndAlternation) {
    EXPECT_TRUE(Matches("^(ab|cd){2,3}$", "abcd"));
    EXPECT_TRUE(Matches("^(ab|cd){2,3}$", "abcdab"));
    EXPECT_FALSE(Matches("^(ab|cd){2,3}$", "ab"));
    EXPECT_FALSE(Matches("^(ab|cd){2,3}$", "abcdabcd"));
    EXPECT_TRUE(Matches("^a{2}$", "aa"));
    EXPECT_TRUE(Matches("^a{2,}$", "aaaa"));
    EXPECT_TRUE(Matches("^colou?r$", "color"));
    EXPECT_TRUE(Matches("^a+?b*?$", "aab"));   // lazy forms accepted
    EXPECT_TRUE(Matches("^a{,2}$", "a{,2}"));  // not a repeat: literal, as in Go
    EXPECT_TRUE(Matches("^(?:x|)$", ""));
}

TEST(Regex, FlagsAndAssertions) {
    EXPECT_TRUE(Matches("(?i)^hello$", "HeLLo"));
    EXPECT_TRUE(Matches("^(?i:h)ello$", "Hello"));
    EXPECT_FALSE(Matches("^(?i:h)ello$", "HELLO"));
    EXPECT_TRUE(Matches("(?i)^stra\\x{DF}e$",
                        "STRA\xc3\x9f"
                        "E"));
    EXPECT_TRUE(Matches("(?i)k", "\xe2\x84\xaa"));  // Kelvin sign folds to k
    EXPECT_FALSE(Matches("^a.b$", "a\nb"));
    EXPECT_TRUE(Matches("(?s)^a.b$", "a\nb"));
    EXPECT_FALSE(Matches("^b$", "a\nb"));
    EXPECT_TRUE(Matches("(?m)^b$", "a\nb"));
    EXPECT_TRUE(Matches("\\bfoo\\b", "a foo b"));
    EXPECT_FALSE(Matches("\\bfoo\\b", "afoob"));
    EXPECT_TRUE(Matches("\\Bfoo\\B", "afoob"));
    EXPECT_TRUE(Matches("\\Aab\\z", "ab"));
    EXPECT_TRUE(Matches("^(?P<first>\\w+) (?<last>\\w+)$", "Ada Lovelace"));
}

TEST(Regex, UnicodeClassesAndInvalidUtf8Input) {
    EXPECT_TRUE(Matches("^\\p{L}+$", "Zo\xc3\xab"));
    EXPECT_TRUE(Matches("^\\pL+$", "\xd0\x96\xce\xb1"));
    EXPECT_FALSE(Matches("^\\p{L}+$", "abc1"));
    EXPECT_TRUE(Matches("^\\P{L}+$", "123"));
    EXPECT_TRUE(Matches("^[\\p{Lu}][\\p{Ll}]+$", "\xc3\x89milie"));
    EXPECT_TRUE(Matches("^\\p{Greek}+$", "\xce\xb1\xce\xb2"));
    EXPECT_TRUE(Matches("^.$", "\xff"));  // an invalid byte is one rune (U+FFFD)
    EXPECT_TRUE(Matches("^\\x{FFFD}$", "\xff"));
    EXPECT_TRUE(Matches("^...$", "a\xc3\xa9z"));  // runes, not bytes
}

TEST(Regex, RejectsWhatGoRejectsWithGoMessages) {
    EXPECT_EQ(RegexCompileError("(abc"), "error parsing regexp: missing closing ): `(abc`");
    EXPECT_EQ(RegexCompileError("abc)"), "error parsing regexp: unexpected ): `abc)`");
    EXPECT_EQ(RegexCompileError("[a-"), "error parsing regexp: missing closing ]: `[a-`");
    EXPECT_EQ(RegexCompileError("a**"), "error parsing regexp: invalid nested repetition operator: `**`");
    EXPECT_EQ(RegexCompileError("*a"), "error parsing regexp: missing argument to repetition operator: `*`");
    EXPECT_EQ(RegexCompileError("(?=a)"), "error parsing regexp: invalid or unsupported Perl syntax: `(?=`");
    EXPECT_EQ(RegexCompileError("(a)\\1"), "error parsing regexp: invalid escape sequence: `\\1`");
    EXPECT_EQ(RegexCompileError("a{1001}"), "error parsing regexp: invalid repeat count: `{1001}`");
    EXPECT_EQ(RegexCompileError("a{2,1}"), "error parsing regexp: invalid repeat count: `{2,1}`");
    EXPECT_EQ(RegexCompileError("[z-a]"), "error parsing regexp: invalid character class range: `z-a`");
    EXPECT_EQ(RegexCompileError("\\p{Klingon}"), "error parsing regexp: invalid character class range: `\\p{Klingon}`");
    EXPECT_EQ(RegexCompileError("a\\"), "error parsing regexp: trailing backslash at end of expression: ``");
    EXPECT_EQ(RegexCompileError("\\Z"), "error parsing regexp: invalid escape sequence: `\\Z`");
    EXPECT_EQ(RegexCompileError("(?P<a>x)(?P<a>y)"), "error parsing regexp: duplicate capture group name: `(?P<a>`");
    EXPECT_EQ(RegexCompileError("\xff"), "error parsing regexp: invalid UTF-8: `\xff`");
    EXPECT_NE(RegexCompileError("(a{1000}){1000}").find("expression too large"), std::string::npos);
    EXPECT_NE(RegexCompileError(std::string(5000, '(') + std::string(5000, ')')).find("nests too deeply"),
              std::string::npos);
}

// What Go and Debian 12's RE2 read differently, bridged in regex.cpp.
TEST(Regex, GoSyntaxThatRe2ReadsOtherwise) {
    EXPECT_TRUE(Matches("^(?<first>a)(?P<second>b)$", "ab"));
    EXPECT_EQ(RegexCompileError("(?<a>x)(?P<a>y)"), "error parsing regexp: duplicate capture group name: `(?P<a>`");
    EXPECT_EQ(RegexCompileError("(?<=a)b"), "error parsing regexp: invalid or unsupported Perl syntax: `(?<`");
    EXPECT_EQ(RegexCompileError("(?!a)"), "error parsing regexp: invalid or unsupported Perl syntax: `(?!`");
    EXPECT_TRUE(Matches("^a\\\\C$", "a\\C"));  // an escaped backslash, then a literal C
    EXPECT_EQ(RegexCompileError("a\\C"), "error parsing regexp: invalid escape sequence: `\\C`");
    EXPECT_TRUE(Matches("^[(?<]+$", "(?<"));     // inside a class nothing is a group
    EXPECT_TRUE(Matches("^\\Q(?<\\E$", "(?<"));  // nor inside \Q...\E
    EXPECT_EQ(RegexCompileError("(?P<a-b>x)"), "error parsing regexp: invalid named capture: `(?P<a-b>`");
    EXPECT_TRUE(Matches("^(a{10}){100}$", std::string(1000, 'a')));  // a product of 1000 is fine
}

TEST(Regex, HostilePatternsRunInLinearTime) {
    const auto start = std::chrono::steady_clock::now();
    const std::string as(100000, 'a');
    EXPECT_FALSE(Matches("(a*)*b", as));
    EXPECT_FALSE(Matches("^(a|aa)+$", as + "b"));
    EXPECT_FALSE(Matches("(x+x+)+y", std::string(50000, 'x')));
    EXPECT_TRUE(Matches("a$", std::string(1 << 20, 'a')));
    EXPECT_FALSE(Matches("^b", std::string(1 << 20, 'a')));  // anchored: gives up after one rune
    const auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_LT(elapsed, std::chrono::seconds(20));
}

}  // namespace
}  // namespace bia::schema
