#include "crypto/cookie_sealer.hpp"

#include <gtest/gtest.h>

#include "core/encoding.hpp"

namespace bia::crypto {
namespace {

CookieSealer Make(std::vector<std::string> secrets, core::Random& random) {
    auto s = CookieSealer::Create(std::move(secrets), random);
    EXPECT_TRUE(s);
    return std::move(s).value();
}

TEST(CookieSealer, RoundTripsAndIsCookieSafe) {
    core::SecureRandom random;
    auto sealer = Make({"a-long-cookie-secret-0123456789"}, random);
    const std::string plain = R"({"session_token":"ory_st_abc","identity":"1234"})";
    auto sealed = sealer.Seal("ory_kratos_session", plain);
    ASSERT_TRUE(sealed);
    EXPECT_EQ(sealed->find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string::npos);
    EXPECT_EQ(sealed->find(plain.substr(2, 12)), std::string::npos);
    auto opened = sealer.Open("ory_kratos_session", *sealed);
    ASSERT_TRUE(opened);
    EXPECT_EQ(*opened, plain);
    // 1 version + 12 nonce + plaintext + 16 tag bytes.
    EXPECT_EQ(core::Base64UrlDecode(*sealed)->size(), 1 + 12 + plain.size() + 16);
}

TEST(CookieSealer, FreshNonceEveryTime) {
    core::SecureRandom random;
    auto sealer = Make({"secret"}, random);
    EXPECT_NE(*sealer.Seal("c", "same"), *sealer.Seal("c", "same"));
}

TEST(CookieSealer, EmptyPlaintextRoundTrips) {
    core::SecureRandom random;
    auto sealer = Make({"secret"}, random);
    EXPECT_EQ(*sealer.Open("c", *sealer.Seal("c", "")), "");
}

TEST(CookieSealer, NameIsBoundAsAssociatedData) {
    core::SecureRandom random;
    auto sealer = Make({"secret"}, random);
    auto sealed = sealer.Seal("ory_kratos_continuity", "payload");
    ASSERT_TRUE(sealed);
    auto r = sealer.Open("ory_kratos_session", *sealed);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, 400);
}

TEST(CookieSealer, AnyTamperingFails) {
    core::SecureRandom random;
    auto sealer = Make({"secret"}, random);
    const std::string raw = *core::Base64UrlDecode(*sealer.Seal("c", "payload"));
    for (size_t i = 0; i < raw.size(); ++i) {
        std::string t = raw;
        t[i] = static_cast<char>(t[i] ^ 0x80);
        EXPECT_FALSE(sealer.Open("c", core::Base64UrlEncode(t))) << "byte " << i;
    }
    EXPECT_FALSE(sealer.Open("c", core::Base64UrlEncode(raw.substr(0, raw.size() - 1))));
    EXPECT_FALSE(sealer.Open("c", ""));
    EXPECT_FALSE(sealer.Open("c", "!!not-base64!!"));
    EXPECT_FALSE(sealer.Open("c", std::string(20000, 'A')));
}

TEST(CookieSealer, RotationOpensWithAnyConfiguredSecret) {
    core::SecureRandom random;
    auto old_sealer = Make({"old-secret"}, random);
    auto rotated = Make({"new-secret", "old-secret"}, random);
    auto only_new = Make({"new-secret"}, random);

    auto by_old = old_sealer.Seal("c", "v");
    EXPECT_EQ(*rotated.Open("c", *by_old), "v");
    EXPECT_FALSE(only_new.Open("c", *by_old));
    // The first secret seals.
    auto by_rotated = rotated.Seal("c", "w");
    EXPECT_EQ(*only_new.Open("c", *by_rotated), "w");
    EXPECT_FALSE(old_sealer.Open("c", *by_rotated));
}

TEST(CookieSealer, NeedsNonEmptySecrets) {
    core::SecureRandom random;
    EXPECT_EQ(CookieSealer::Create({}, random).error().code, 500);
    EXPECT_FALSE(CookieSealer::Create({"ok", ""}, random));
}

// Found by continuity_fuzz: a 12,469-byte payload sealed fine, but its 16,664 characters were
// over the size Open accepts, so the server could not read back a cookie it had just written.
TEST(CookieSealer, SealsOnlyWhatOpenAccepts) {
    core::SeededRandom random(3);
    auto sealer = Make({"s"}, random);
    const size_t largest = 16 * 1024 * 3 / 4 - 1 - 12 - 16;  // 12,259 bytes → 16,384 characters
    auto fits = sealer.Seal("c", std::string(largest, 'x'));
    ASSERT_TRUE(fits);
    EXPECT_EQ(fits->size(), 16u * 1024);
    EXPECT_EQ(*sealer.Open("c", *fits), std::string(largest, 'x'));
    auto too_large = sealer.Seal("c", std::string(largest + 1, 'x'));
    ASSERT_FALSE(too_large);
    EXPECT_EQ(too_large.error().code, 500);
}

}  // namespace
}  // namespace bia::crypto
