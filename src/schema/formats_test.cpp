#include "schema/formats.hpp"

#include <gtest/gtest.h>

#include <string>

namespace bia::schema {
namespace {

TEST(Formats, EmailFollowsGoNetMail) {
    EXPECT_TRUE(IsEmail("a@b.co"));
    EXPECT_TRUE(IsEmail("first.last+tag@example.com"));
    EXPECT_TRUE(IsEmail("\"john doe\"@example.com"));
    EXPECT_TRUE(IsEmail("j\xc3\xb6rg@example.com"));  // RFC 6532 UTF-8 local part
    EXPECT_TRUE(IsEmail("  a@b.co"));                 // net/mail skips leading space
    EXPECT_FALSE(IsEmail("foo"));
    EXPECT_FALSE(IsEmail("a@b.co "));
    EXPECT_FALSE(IsEmail("a..b@c.de"));
    EXPECT_FALSE(IsEmail(".a@c.de"));
    EXPECT_FALSE(IsEmail("a@b.co."));
    EXPECT_FALSE(IsEmail("a@-b.co"));
    EXPECT_FALSE(IsEmail("a@b_c.co"));
    EXPECT_FALSE(IsEmail("\"\"@b.co"));
    EXPECT_FALSE(IsEmail("John <john@example.com>"));
    EXPECT_FALSE(IsEmail(std::string(65, 'a') + "@b.co"));
    EXPECT_TRUE(IsEmail(std::string(64, 'a') + "@b.co"));
    EXPECT_FALSE(IsEmail("a@" + std::string(250, 'b') + ".co"));
    EXPECT_FALSE(IsEmail("a\xff@b.co"));
}

TEST(Formats, DateTimeFollowsGoTimeParse) {
    EXPECT_TRUE(IsDateTime("2020-01-01T00:00:00Z"));
    EXPECT_TRUE(IsDateTime("2020-01-01T12:34:56.789+02:00"));
    EXPECT_TRUE(IsDateTime("2020-02-29T23:59:59-08:00"));
    EXPECT_TRUE(IsDateTime("2020-01-01T1:02:03Z"));  // Go accepts a one-digit hour
    EXPECT_FALSE(IsDateTime("2021-02-29T00:00:00Z"));
    EXPECT_FALSE(IsDateTime("2020-01-01 00:00:00Z"));
    EXPECT_FALSE(IsDateTime("2020-01-01t00:00:00z"));
    EXPECT_FALSE(IsDateTime("2020-01-01T24:00:00Z"));
    EXPECT_FALSE(IsDateTime("2020-01-01T00:60:00Z"));
    EXPECT_FALSE(IsDateTime("2020-01-01T00:00:00"));
    EXPECT_FALSE(IsDateTime("2020-01-01T00:00:00Zjunk"));
    EXPECT_TRUE(IsDate("2020-02-29"));
    EXPECT_FALSE(IsDate("2021-02-29"));
    EXPECT_FALSE(IsDate("2020-1-01"));
    EXPECT_FALSE(IsDate("2020-13-01"));
    EXPECT_TRUE(IsTime("08:30:00+01:00"));
    EXPECT_FALSE(IsTime("08:30"));
}

TEST(Formats, UriFollowsGoUrlParse) {
    EXPECT_TRUE(IsUri("https://example.com"));
    EXPECT_TRUE(IsUri("https://user:pw@example.com:8443/a/b?c=d#e"));
    EXPECT_TRUE(IsUri("mailto:a@b.co"));
    EXPECT_TRUE(IsUri("http://[::1]:80/"));
    EXPECT_FALSE(IsUri("example.com"));
    EXPECT_FALSE(IsUri("/relative/path"));
    EXPECT_FALSE(IsUri("http://exa mple.com"));
    EXPECT_FALSE(IsUri("http://example.com:port/"));
    EXPECT_FALSE(IsUri("https://example.com/%zz"));
    EXPECT_FALSE(IsUri(":foo"));
    EXPECT_FALSE(
        IsUri("http://a\x01"
              "b"));
    EXPECT_TRUE(IsUriReference("/relative/path"));
    EXPECT_FALSE(IsUriReference("/d%zz"));
    EXPECT_TRUE(IsUriReference("a:b:c/d%"));  // opaque: Go does not look at it
    EXPECT_TRUE(IsUriTemplate("https://example.com/{id}/x"));
    EXPECT_FALSE(IsUriTemplate("https://example.com/{{id}}"));
}

TEST(Formats, HostsAndAddresses) {
    EXPECT_TRUE(IsHostname("example.com"));
    EXPECT_TRUE(IsHostname("example.com."));
    EXPECT_FALSE(IsHostname("-a.com"));
    EXPECT_FALSE(IsHostname("a-.com"));
    EXPECT_FALSE(IsHostname("a_b.com"));
    EXPECT_FALSE(IsHostname(std::string(64, 'a') + ".com"));
    EXPECT_FALSE(IsHostname(""));
    EXPECT_TRUE(IsIpv4("192.168.0.1"));
    EXPECT_TRUE(IsIpv4("010.0.0.1"));  // strconv.Atoi accepts leading zeros
    EXPECT_FALSE(IsIpv4("256.1.1.1"));
    EXPECT_FALSE(IsIpv4("1.2.3"));
    EXPECT_FALSE(IsIpv4("1.2.3.4.5"));
    EXPECT_FALSE(IsIpv4("a.b.c.d"));
    EXPECT_TRUE(IsIpv6("::1"));
    EXPECT_TRUE(IsIpv6("::"));
    EXPECT_TRUE(IsIpv6("2001:db8::1"));
    EXPECT_TRUE(IsIpv6("1:2:3:4:5:6:7:8"));
    EXPECT_TRUE(IsIpv6("::ffff:192.168.1.1"));
    EXPECT_FALSE(IsIpv6("1:2:3:4:5:6:7:8:9"));
    EXPECT_FALSE(IsIpv6("1:2:3:4:5:6:7::8"));  // :: must stand for at least one group
    EXPECT_FALSE(IsIpv6("1::2::3"));
    EXPECT_FALSE(IsIpv6("12345::"));
    EXPECT_FALSE(IsIpv6("1.2.3.4"));
    EXPECT_FALSE(IsIpv6("fe80::1%eth0"));
    EXPECT_FALSE(IsIpv6("::ffff:192.168.01.1"));
}

TEST(Formats, OtherFormats) {
    EXPECT_TRUE(IsUuid("6f5c0a2e-1b2c-4d3e-8f40-123456789ABC"));
    EXPECT_FALSE(IsUuid("6f5c0a2e1b2c4d3e8f40123456789abc"));
    EXPECT_TRUE(IsRegex("^[a-z]+$"));
    EXPECT_FALSE(IsRegex("(a"));
    // libphonenumber, as Kratos (nyaruka/phonenumbers): a country code and a valid number.
    EXPECT_TRUE(IsTel("+49 30 1234567"));
    EXPECT_TRUE(IsTel("+4915112345678"));
    EXPECT_TRUE(IsTel("+1 650 253 0000"));
    EXPECT_TRUE(IsTel("tel:+49-30-12345678"));
    EXPECT_FALSE(IsTel("+1 (555) 123-4567")) << "555 is no North American area code";
    EXPECT_FALSE(IsTel("+491234")) << "too short for Germany";
    EXPECT_FALSE(IsTel("030 1234567")) << "no country code";
    EXPECT_FALSE(IsTel("+1"));
    EXPECT_FALSE(IsTel("+0 123 456 789"));
    EXPECT_FALSE(IsTel("+4930" + std::string(300, '1')));
    EXPECT_TRUE(IsJsonPointer("/a~0b/c~1d"));
    EXPECT_FALSE(IsJsonPointer("a/b"));
    EXPECT_FALSE(IsJsonPointer("/a~2"));
    EXPECT_TRUE(IsRelativeJsonPointer("1/a"));
    EXPECT_TRUE(IsRelativeJsonPointer("0#"));
    EXPECT_FALSE(IsRelativeJsonPointer("01/a"));
}

// The start-up check behind the "phone library not installed" warning.
TEST(Formats, FindsTelFormatsAndThePluginBesideTheBinary) {
    EXPECT_TRUE(UsesTelFormat(nlohmann::json::parse(
        R"({"properties":{"traits":{"properties":{"contact":{"anyOf":[{"type":"string","format":"tel"}]}}}}})")));
    EXPECT_FALSE(UsesTelFormat(nlohmann::json::parse(
        R"({"properties":{"traits":{"properties":{"email":{"format":"email"},"tel":{"const":"tel"}}}}})")));
    nlohmann::json deep = {{"format", "tel"}};
    for (int i = 0; i < 5000; ++i) deep = nlohmann::json::array({std::move(deep)});
    EXPECT_TRUE(UsesTelFormat(deep)) << "deep documents are walked without recursion";
    // The test binary sits beside libbia-phone.so (build*/bin/), as the server does.
    EXPECT_EQ(MissingPhoneLibrary(), std::nullopt);
}

TEST(Formats, LookupAppliesGoTypeRules) {
    ASSERT_NE(FindFormat("email"), nullptr);
    EXPECT_FALSE(FindFormat("email")(nlohmann::json(5)));  // Go's checks reject non-strings
    EXPECT_TRUE(FindFormat("email")(nlohmann::json("a@b.co")));
    EXPECT_TRUE(FindFormat("uuid")(nlohmann::json(5)));
    EXPECT_EQ(FindFormat("no-such-format"), nullptr);
    EXPECT_NE(FindFormat("ip-address"), nullptr);
    EXPECT_NE(FindFormat("tel"), nullptr);
}

}  // namespace
}  // namespace bia::schema
