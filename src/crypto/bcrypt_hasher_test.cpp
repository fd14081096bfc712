#include "crypto/bcrypt_hasher.hpp"

#include <gtest/gtest.h>

#include <regex>

#include "crypto/password_verifier.hpp"

namespace bia::crypto {
namespace {

TEST(BcryptHasher, HashesInModularCryptFormatAndVerifies) {
    core::SecureRandom random;
    BcryptHasher hasher(4, random);
    auto h = hasher.Hash("correct horse battery staple");
    ASSERT_TRUE(h) << h.error().reason;
    EXPECT_TRUE(std::regex_match(*h, std::regex(R"(\$2b\$04\$[./A-Za-z0-9]{53})"))) << *h;
    PasswordVerifier v;
    EXPECT_TRUE(*v.Verify("correct horse battery staple", *h));
    EXPECT_FALSE(*v.Verify("correct horse battery stapl", *h));
    EXPECT_TRUE(hasher.Understands(*h));
    EXPECT_TRUE(hasher.MatchesParameters(*h));
}

TEST(BcryptHasher, SaltComesFromTheInjectedRandom) {
    core::SeededRandom a1(42), a2(42), b(43);
    auto h1 = BcryptHasher(4, a1).Hash("pw");
    auto h2 = BcryptHasher(4, a2).Hash("pw");
    auto h3 = BcryptHasher(4, b).Hash("pw");
    ASSERT_TRUE(h1 && h2 && h3);
    EXPECT_EQ(*h1, *h2);
    EXPECT_NE(*h1, *h3);
    core::SecureRandom random;
    BcryptHasher hasher(4, random);
    EXPECT_NE(*hasher.Hash("pw"), *hasher.Hash("pw"));
}

TEST(BcryptHasher, RefusesPasswordsOver72BytesWithADistinctError) {
    core::SecureRandom random;
    BcryptHasher hasher(4, random);
    const std::string pw72(72, 'x');
    auto ok = hasher.Hash(pw72);
    ASSERT_TRUE(ok);
    EXPECT_TRUE(*PasswordVerifier().Verify(pw72, *ok));

    auto r = hasher.Hash(pw72 + "y");
    ASSERT_FALSE(r);
    EXPECT_TRUE(IsPasswordTooLongError(r.error()));
    EXPECT_EQ(r.error().code, 400);
    EXPECT_EQ(r.error().reason, "passwords are limited to a maximum length of 72 characters");
    EXPECT_FALSE(IsPasswordTooLongError(core::BadRequest("something else")));
}

TEST(BcryptHasher, RefusesNulBytesInsteadOfTruncating) {
    core::SecureRandom random;
    auto r = BcryptHasher(4, random).Hash(std::string("abc\0def", 7));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, 400);
    EXPECT_FALSE(IsPasswordTooLongError(r.error()));
}

TEST(BcryptHasher, RejectsCostOutsideBcryptRange) {
    core::SecureRandom random;
    EXPECT_EQ(BcryptHasher(3, random).Hash("pw").error().code, 500);
    EXPECT_EQ(BcryptHasher(32, random).Hash("pw").error().code, 500);
}

TEST(BcryptHasher, UnderstandsEveryBcryptMinorButOnlyItsCostMatches) {
    core::SecureRandom random;
    BcryptHasher hasher(5, random);
    EXPECT_TRUE(hasher.Understands("$2a$12$o6hx.Wog/wvFSkT/Bp/6DOxCtLRTDj7lm9on9suF/WaCGNVHbkfL6"));
    EXPECT_FALSE(hasher.MatchesParameters("$2a$12$o6hx.Wog/wvFSkT/Bp/6DOxCtLRTDj7lm9on9suF/WaCGNVHbkfL6"));
    EXPECT_TRUE(hasher.MatchesParameters("$2y$05$/OK.fbVrR/bpIqNJ5ianF.Sa7shbm4.OzKpvFnX1pQLmQW96oUlCq"));
    EXPECT_FALSE(hasher.Understands("$argon2id$v=19$m=32,t=2,p=4$cm94YnRVOW5jZzFzcVE4bQ$MNzk5BtR2vUhrp6qQEjRNw"));
    EXPECT_EQ(hasher.Algorithm(), "bcrypt");
}

}  // namespace
}  // namespace bia::crypto
