// TOTP algorithms against the RFCs' own vectors, independent of any OTP library.
#include "strategy/totp/totp.hpp"

#include <gtest/gtest.h>

#include "core/encoding.hpp"
#include "core/random.hpp"

namespace bia::strategy::totp {
namespace {

// RFC 6238 appendix B, SHA1: the 20-byte ASCII seed and its 8-digit values.
constexpr std::string_view kRfcSeed = "12345678901234567890";

TEST(Totp, Rfc6238AppendixBSha1Vectors) {
    const std::pair<int64_t, std::string_view> vectors[] = {
        {59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
        {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"},
    };
    for (const auto& [t, code] : vectors) {
        EXPECT_EQ(TotpCode(kRfcSeed, t, 8), code) << "T=" << t;
        EXPECT_EQ(TotpCode(kRfcSeed, t), code.substr(2)) << "six digits are the low digits, T=" << t;
    }
}

TEST(Totp, Rfc4226AppendixDHotpVectors) {
    const std::string_view expected[] = {"755224", "287082", "359152", "969429", "338314",
                                         "254676", "287922", "162583", "399871", "520489"};
    for (uint64_t counter = 0; counter < 10; ++counter) EXPECT_EQ(HotpCode(kRfcSeed, counter), expected[counter]);
}

TEST(Totp, AcceptsTheCurrentStepAndOneEitherSideOnly) {
    const int64_t t = 1111111111;
    const core::TimePoint now{std::chrono::seconds(t)};
    EXPECT_TRUE(VerifyTotp(kRfcSeed, TotpCode(kRfcSeed, t), now));
    EXPECT_TRUE(VerifyTotp(kRfcSeed, TotpCode(kRfcSeed, t - 30), now));
    EXPECT_TRUE(VerifyTotp(kRfcSeed, TotpCode(kRfcSeed, t + 30), now));
    EXPECT_FALSE(VerifyTotp(kRfcSeed, TotpCode(kRfcSeed, t - 60), now));
    EXPECT_FALSE(VerifyTotp(kRfcSeed, TotpCode(kRfcSeed, t + 60), now));
    EXPECT_FALSE(VerifyTotp(kRfcSeed, "", now));
    EXPECT_FALSE(VerifyTotp(kRfcSeed, TotpCode(kRfcSeed, t) + "0", now));
    EXPECT_FALSE(VerifyTotp(kRfcSeed, TotpCode(kRfcSeed, t, 8), now));
}

TEST(Totp, Base32FollowsRfc4648WithoutPadding) {
    const std::pair<std::string_view, std::string_view> vectors[] = {
        {"", ""},
        {"f", "MY"},
        {"fo", "MZXQ"},
        {"foo", "MZXW6"},
        {"foob", "MZXW6YQ"},
        {"fooba", "MZXW6YTB"},
        {"foobar", "MZXW6YTBOI"},
    };
    for (const auto& [plain, encoded] : vectors) {
        EXPECT_EQ(Base32Encode(plain), encoded);
        EXPECT_EQ(Base32Decode(encoded), std::string(plain));
    }
    EXPECT_EQ(Base32Decode("mzxw6ytboi======"), std::string("foobar"));
    EXPECT_FALSE(Base32Decode("MZXW6YTB0I")) << "0 is not in the alphabet";
}

TEST(Totp, KeyUrlRoundTripsItsSecret) {
    core::SeededRandom random(7);
    const std::string secret = NewSecret(random);
    ASSERT_EQ(secret.size(), kSecretBytes);
    const std::string url = KeyUrl("auth.example.com", "a b@example.com", secret);
    EXPECT_EQ(url,
              "otpauth://totp/auth.example.com:a%20b@example.com?algorithm=SHA1&digits=6&issuer=auth.example.com"
              "&period=30&secret=" +
                  Base32Encode(secret));
    EXPECT_EQ(SecretOfKeyUrl(url), secret);
    EXPECT_FALSE(SecretOfKeyUrl("otpauth://totp/x"));
}

TEST(Totp, QrCodeIsA256PixelPngDataUrl) {
    auto url = QrPngDataUrl("otpauth://totp/auth.example.com:alice?secret=JBSWY3DPEHPK3PXP&issuer=auth.example.com");
    ASSERT_TRUE(url);
    constexpr std::string_view kPrefix = "data:image/png;base64,";
    ASSERT_EQ(url->rfind(kPrefix, 0), 0u);
    auto png = core::Base64Decode(std::string_view(*url).substr(kPrefix.size()));
    ASSERT_TRUE(png);
    ASSERT_GT(png->size(), 33u);
    EXPECT_EQ(png->substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
    EXPECT_EQ(png->substr(12, 4), "IHDR");
    auto be32 = [&](size_t at) {
        return (static_cast<uint32_t>(static_cast<unsigned char>((*png)[at])) << 24) |
               (static_cast<uint32_t>(static_cast<unsigned char>((*png)[at + 1])) << 16) |
               (static_cast<uint32_t>(static_cast<unsigned char>((*png)[at + 2])) << 8) |
               static_cast<uint32_t>(static_cast<unsigned char>((*png)[at + 3]));
    };
    EXPECT_EQ(be32(16), 256u);
    EXPECT_EQ(be32(20), 256u);
    EXPECT_FALSE(QrPngDataUrl(std::string(8000, 'x'))) << "more than a QR code holds";
}

}  // namespace
}  // namespace bia::strategy::totp
