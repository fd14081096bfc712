#include "crypto/csrf_token.hpp"

#include <gtest/gtest.h>

#include "core/encoding.hpp"

namespace bia::crypto {
namespace {

class RepeatedByteRandom final : public core::Random {
  public:
    explicit RepeatedByteRandom(uint8_t byte) : byte_(byte) {}
    void Fill(uint8_t* out, size_t n) override {
        for (size_t i = 0; i < n; ++i) out[i] = byte_;
    }

  private:
    uint8_t byte_;
};

TEST(CsrfToken, CookieNameIsSha256OfTheConfiguredBaseUrl) {
    // settings-flow.md §12.2 example.
    EXPECT_EQ(CsrfCookieName("http://127.0.0.1:4433/"),
              "csrf_token_806060ca5bf70dff3caa0e5c860002aade9d470a5a4dce73bcfa7ba10778f481");
    // Exactly as configured: a missing trailing slash is another name.
    EXPECT_NE(CsrfCookieName("http://127.0.0.1:4433"), CsrfCookieName("http://127.0.0.1:4433/"));
}

TEST(CsrfToken, CookieValueIsPaddedBase64Of32RandomBytes) {
    core::SecureRandom random;
    const std::string value = GenerateCsrfCookieValue(random);
    EXPECT_EQ(value.size(), 44u);
    EXPECT_EQ(value.back(), '=');
    EXPECT_EQ(core::Base64Decode(value)->size(), 32u);
    EXPECT_NE(value, GenerateCsrfCookieValue(random));
}

TEST(CsrfToken, MaskIsKeyFollowedByXor) {
    RepeatedByteRandom ones(0x01);
    const std::string real = GenerateCsrfCookieValue(ones);  // 32 × 0x01
    RepeatedByteRandom key(0xFF);
    auto masked = MaskCsrfToken(real, key);
    ASSERT_TRUE(masked);
    const std::string expected = std::string(32, '\xff') + std::string(32, '\xfe');
    EXPECT_EQ(*masked, core::Base64Encode(expected));
    EXPECT_EQ(masked->size(), 88u);
    EXPECT_TRUE(VerifyCsrfToken(real, *masked));
}

TEST(CsrfToken, MaskedTokensDifferButAllVerify) {
    core::SecureRandom random;
    const std::string cookie = GenerateCsrfCookieValue(random);
    auto a = MaskCsrfToken(cookie, random);
    auto b = MaskCsrfToken(cookie, random);
    ASSERT_TRUE(a && b);
    EXPECT_NE(*a, *b);
    EXPECT_TRUE(VerifyCsrfToken(cookie, *a));
    EXPECT_TRUE(VerifyCsrfToken(cookie, *b));
}

TEST(CsrfToken, RejectsEveryOtherShape) {
    core::SecureRandom random;
    const std::string cookie = GenerateCsrfCookieValue(random);
    const std::string other = GenerateCsrfCookieValue(random);
    const std::string masked = *MaskCsrfToken(cookie, random);

    EXPECT_FALSE(VerifyCsrfToken(other, masked));   // another browser's cookie
    EXPECT_FALSE(VerifyCsrfToken(cookie, cookie));  // unmasked 32-byte token
    EXPECT_FALSE(VerifyCsrfToken(cookie, ""));
    EXPECT_FALSE(VerifyCsrfToken("", masked));
    EXPECT_FALSE(VerifyCsrfToken(cookie, "not base64 !!"));
    EXPECT_FALSE(VerifyCsrfToken(masked, masked));  // 64-byte "cookie"
    // Flip one bit in each half of the masked token.
    auto raw = *core::Base64Decode(masked);
    for (size_t pos : {size_t{0}, size_t{40}}) {
        std::string tampered = raw;
        tampered[pos] = static_cast<char>(tampered[pos] ^ 0x01);
        EXPECT_FALSE(VerifyCsrfToken(cookie, core::Base64Encode(tampered))) << pos;
    }
    // 96 bytes: not a masked token even if its first 64 bytes are.
    EXPECT_FALSE(VerifyCsrfToken(cookie, core::Base64Encode(raw + std::string(32, '\0'))));
}

TEST(CsrfToken, MaskingNeedsA32ByteToken) {
    core::SecureRandom random;
    EXPECT_EQ(MaskCsrfToken("c2hvcnQ=", random).error().code, 400);
    EXPECT_FALSE(MaskCsrfToken("%%%", random));
}

}  // namespace
}  // namespace bia::crypto
