#include <gtest/gtest.h>

#include <cstdio>
#include <ctime>

#include "core/clock.hpp"
#include "core/crypto_util.hpp"
#include "core/encoding.hpp"
#include "core/error.hpp"
#include "core/random.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "core/url.hpp"
#include "core/uuid.hpp"

namespace bia::core {
namespace {

TEST(Error, EnvelopeOmitsEmptyFieldsAndDefaultsMessage) {
    auto env = Unauthorized("No valid session cookie found.").ToEnvelope();
    EXPECT_EQ(
        env.dump(),
        R"({"error":{"code":401,"message":"The request could not be authorized","reason":"No valid session cookie found.","status":"Unauthorized"}})");
}

TEST(Error, EnhancedErrorPutsExtrasAtTopLevel) {
    auto e = Forbidden("x").WithId("session_refresh_required").WithExtra("redirect_browser_to", "http://a/b");
    auto env = e.ToEnvelope("req-1");
    EXPECT_EQ(env["redirect_browser_to"], "http://a/b");
    EXPECT_EQ(env["error"]["id"], "session_refresh_required");
    EXPECT_EQ(env["error"]["request"], "req-1");
    EXPECT_EQ(env["error"]["message"], "The requested action was forbidden");
}

Result<int> Half(int x) {
    if (x % 2) return BadRequest("odd");
    return x / 2;
}
Result<int> Quarter(int x) {
    BIA_TRY_ASSIGN(int h, Half(x));
    return Half(h);
}

TEST(Result, PropagatesErrors) {
    EXPECT_EQ(*Quarter(8), 2);
    auto r = Quarter(6);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().reason, "odd");
}

TEST(Uuid, ParsesAndFormatsCanonicalForm) {
    auto u = Uuid::Parse("6F5C0A2E-1B2C-4D3E-8F40-123456789ABC");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->ToString(), "6f5c0a2e-1b2c-4d3e-8f40-123456789abc");
    EXPECT_FALSE(Uuid::Parse("6f5c0a2e1b2c4d3e8f40123456789abc"));
    EXPECT_FALSE(Uuid::Parse("6f5c0a2e-1b2c-4d3e-8f40-123456789abg"));
    SecureRandom r;
    auto v = Uuid::V4(r);
    EXPECT_EQ(v.ToString()[14], '4');
    EXPECT_NE(v, Uuid::V4(r));
}

TEST(Uuid, V7CarriesItsMillisecondAndSortsByIt) {
    SecureRandom r;
    const int64_t ms = 0x0123456789AB;  // 48 bits, big-endian in the first six bytes
    const Uuid a = Uuid::V7(r, ms);
    const std::string text = a.ToString();
    EXPECT_EQ(text.substr(0, 13), "01234567-89ab");
    EXPECT_EQ(text[14], '7');                                          // version
    EXPECT_NE(std::string("89ab").find(text[19]), std::string::npos);  // RFC variant
    EXPECT_EQ(Uuid::Parse(text), a);
    EXPECT_NE(a, Uuid::V7(r, ms)) << "74 random bits within one millisecond";
    for (int i = 0; i < 50; ++i) EXPECT_LT(Uuid::V7(r, ms + i), Uuid::V7(r, ms + i + 1));
    EXPECT_EQ(Uuid::V7(r, -5).ToString().substr(0, 13), "00000000-0000") << "before 1970: clamped to 0";
}

TEST(Time, Rfc3339FormatMatchesGmtimeAcrossDates) {
    // The std::chrono calendar against gmtime_r: leap days, century rules, the epoch, fractions.
    // (TimePoint counts nanoseconds in an int64: 1677–2262.)
    const int64_t samples[] = {0,          -1,         59,          86399,      86400,      951782400,
                               951868799,  4107542400, -2208988800, 1709164800, 1234567890, 1609459199,
                               1735689600, 4102444800, -5364662400, 9000000000};
    for (int64_t secs : samples) {
        for (int64_t frac : {int64_t{0}, int64_t{1}, int64_t{500'000'000}, int64_t{123'456'789}, int64_t{120'000}}) {
            const TimePoint t{std::chrono::duration_cast<TimePoint::duration>(std::chrono::seconds(secs) +
                                                                              std::chrono::nanoseconds(frac))};
            std::time_t tt = static_cast<std::time_t>(secs);
            std::tm tm{};
            gmtime_r(&tt, &tm);
            char buf[64];
            std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                          tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
            std::string want = buf;
            if (frac != 0) {
                std::snprintf(buf, sizeof buf, "%09lld", static_cast<long long>(frac));
                std::string f = buf;
                while (f.back() == '0') f.pop_back();
                want += "." + f;
            }
            want += "Z";
            EXPECT_EQ(FormatRfc3339(t), want) << secs << " " << frac;
        }
    }
    for (int64_t day = -106000; day < 106000; day += 97) {
        const TimePoint t{std::chrono::duration_cast<TimePoint::duration>(std::chrono::seconds(day * 86400 + 3723))};
        auto back = ParseRfc3339(FormatRfc3339(t));
        ASSERT_TRUE(back) << day;
        EXPECT_EQ(*back, t) << FormatRfc3339(t);
    }
}

TEST(Time, Rfc3339RoundTripsWithFraction) {
    auto t = ParseRfc3339("2022-06-01T10:00:00.123456Z");
    ASSERT_TRUE(t);
    EXPECT_EQ(FormatRfc3339(*t), "2022-06-01T10:00:00.123456Z");
    EXPECT_EQ(FormatRfc3339(*ParseRfc3339("2022-06-01T12:00:00+02:00")), "2022-06-01T10:00:00Z");
    EXPECT_FALSE(ParseRfc3339("2022-06-01 garbage"));
}

TEST(Time, GoTimeStringOfUtcInstants) {
    EXPECT_EQ(FormatGoTime(*ParseRfc3339("2022-06-01T10:00:00Z")), "2022-06-01 10:00:00 +0000 UTC");
    EXPECT_EQ(FormatGoTime(*ParseRfc3339("2022-06-01T12:00:00.5+02:00")), "2022-06-01 10:00:00.5 +0000 UTC");
}

TEST(Random, LowerAlphaNumericUsesOnlyItsAlphabet) {
    SeededRandom r(7);
    const std::string s = r.LowerAlphaNumeric(2000);
    ASSERT_EQ(s.size(), 2000u);
    EXPECT_EQ(s.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789"), std::string::npos);
    // Both ends of both ranges show up in 2000 draws.
    for (char c : std::string_view("az09")) EXPECT_NE(s.find(c), std::string::npos) << c;
}

TEST(Time, GoDurations) {
    using namespace std::chrono;
    EXPECT_EQ(*ParseGoDuration("15m"), minutes(15));
    EXPECT_EQ(*ParseGoDuration("1h30m"), minutes(90));
    EXPECT_EQ(*ParseGoDuration("1.5s"), milliseconds(1500));
    EXPECT_EQ(*ParseGoDuration("100ms"), milliseconds(100));
    EXPECT_FALSE(ParseGoDuration("15"));
    EXPECT_FALSE(ParseGoDuration("abc"));
    EXPECT_FALSE(ParseGoDuration("1x"));
    EXPECT_EQ(FormatGoDuration(hours(1)), "1h0m0s");
    EXPECT_EQ(FormatGoDuration(minutes(15)), "15m0s");
    EXPECT_EQ(FormatGoDuration(milliseconds(1500)), "1.5s");
}

TEST(Encoding, Base64BothAlphabets) {
    EXPECT_EQ(Base64Encode("default"), "ZGVmYXVsdA==");
    EXPECT_EQ(Base64UrlEncode("default"), "ZGVmYXVsdA");
    EXPECT_EQ(*Base64UrlDecode("ZGVmYXVsdA"), "default");
    EXPECT_EQ(*Base64Decode("ZGVmYXVsdA=="), "default");
    EXPECT_FALSE(Base64Decode("Z!!"));
}

TEST(Encoding, PercentAndUtf8) {
    EXPECT_EQ(PercentEncode("https://a.b/?x=1 2"), "https%3A%2F%2Fa.b%2F%3Fx%3D1+2");
    EXPECT_EQ(*PercentDecode("a%20b+c"), "a b c");
    EXPECT_FALSE(PercentDecode("%zz"));
    EXPECT_FALSE(PercentDecode("%2"));
    EXPECT_TRUE(IsValidUtf8("héllo"));
    EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));
    EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));
}

TEST(Url, ParsesAbsoluteAndRelative) {
    auto u = Url::Parse("https://User@Auth.example.com:4433/self-service/x?flow=1&a=b#frag");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->scheme, "https");
    EXPECT_EQ(u->host, "Auth.example.com:4433");
    EXPECT_EQ(u->Hostname(), "Auth.example.com");
    EXPECT_EQ(u->Port(), "4433");
    EXPECT_EQ(u->path, "/self-service/x");
    const Query q = u->query();
    EXPECT_EQ(*q.Get("flow"), "1");
    auto r = Url::Parse("/dashboard?x=1");
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->IsAbsolute());
    EXPECT_EQ(r->path, "/dashboard");
    EXPECT_FALSE(Url::Parse("http://a b/"));
}

TEST(Url, QuerySetAndEncode) {
    auto q = Query::Parse("b=2&a=1&b=3");
    q.Set("b", "x y");
    EXPECT_EQ(q.Encode(), "b=x+y&a=1");
    EXPECT_EQ(q.Encode(true), "a=1&b=x+y");
    EXPECT_EQ(JoinUrl("http://127.0.0.1:4433/", "/self-service/login"), "http://127.0.0.1:4433/self-service/login");
    EXPECT_EQ(JoinUrl("http://h/prefix", "x"), "http://h/prefix/x");
}

TEST(CryptoUtil, ConstantTimeEqualsAndDigests) {
    EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
    EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
    EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
    EXPECT_EQ(HexEncode(Sha256("http://127.0.0.1:4433/")),
              "806060ca5bf70dff3caa0e5c860002aade9d470a5a4dce73bcfa7ba10778f481");
}

// Known answers: FIPS 180-2 appendix B.1 ("abc") and the empty message for SHA-256; RFC 4231
// test cases 1 (short key) and 6 (a 131-byte key, hashed first) for HMAC-SHA-256, and an empty
// key and message.
TEST(CryptoUtil, Sha256KnownAnswers) {
    EXPECT_EQ(HexEncode(Sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(HexEncode(Sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(CryptoUtil, HmacSha256KnownAnswers) {
    EXPECT_EQ(HexEncode(HmacSha256(std::string(20, '\x0b'), "Hi There")),
              "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    EXPECT_EQ(HexEncode(HmacSha256(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First")),
              "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    EXPECT_EQ(HexEncode(HmacSha256("", "")), "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(FakeClock, Advances) {
    FakeClock c;
    auto t0 = c.Now();
    c.Advance(std::chrono::minutes(5));
    EXPECT_EQ(c.Now() - t0, std::chrono::minutes(5));
}

}  // namespace
}  // namespace bia::core
