#include "crypto/argon2id_hasher.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <regex>

#include "crypto/password_verifier.hpp"

namespace bia::crypto {
namespace {

// Repeats a fixed byte string, so a test can choose the salt.
class FixedRandom final : public core::Random {
  public:
    explicit FixedRandom(std::string bytes) : bytes_(std::move(bytes)) {}
    void Fill(uint8_t* out, size_t n) override {
        for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(bytes_[i % bytes_.size()]);
    }

  private:
    std::string bytes_;
};

constexpr Argon2Params kSmall{.memory_kib = 64, .iterations = 2, .parallelism = 2, .salt_length = 16, .key_length = 32};

TEST(Argon2idHasher, ProducesThePhcStringOfSpec15) {
    core::SecureRandom random;
    Argon2idHasher hasher(kSmall, random);
    auto h = hasher.Hash("correct horse battery staple");
    ASSERT_TRUE(h) << h.error().reason;
    // 16-byte salt → 22 chars, 32-byte key → 43 chars of unpadded standard base64.
    EXPECT_TRUE(
        std::regex_match(*h, std::regex(R"(\$argon2id\$v=19\$m=64,t=2,p=2\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43})")))
        << *h;
    PasswordVerifier v;
    EXPECT_TRUE(*v.Verify("correct horse battery staple", *h));
    EXPECT_FALSE(*v.Verify("correct horse battery stapler", *h));
    EXPECT_TRUE(hasher.Understands(*h));
    EXPECT_TRUE(hasher.MatchesParameters(*h));
    EXPECT_EQ(hasher.Algorithm(), "argon2");
    EXPECT_EQ(hasher.MemoryKibPerHash(), 64u);
}

// With the salt fixed to "somesalt", the output must be the Argon2 reference implementation's
// published argon2id vector (m=256, t=2, p=1, 32-byte key).
TEST(Argon2idHasher, MatchesReferenceVectorForAFixedSalt) {
    FixedRandom salt("somesalt");
    Argon2idHasher hasher({.memory_kib = 256, .iterations = 2, .parallelism = 1, .salt_length = 8, .key_length = 32},
                          salt);
    auto h = hasher.Hash("password");
    ASSERT_TRUE(h) << h.error().reason;
    EXPECT_EQ(*h, "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4");
}

TEST(Argon2idHasher, ThreadCountDoesNotChangeTheHash) {
    FixedRandom s1("0123456789abcdef"), s2("0123456789abcdef");
    Argon2Params one = kSmall;
    one.threads = 1;
    Argon2Params two = kSmall;
    two.threads = 2;
    EXPECT_EQ(*Argon2idHasher(one, s1).Hash("pw"), *Argon2idHasher(two, s2).Hash("pw"));
}

TEST(Argon2idHasher, HandlesEmptyAndLongPasswords) {
    core::SecureRandom random;
    Argon2idHasher hasher(kSmall, random);
    PasswordVerifier v;
    const std::string long_pw(1000, 'q');
    for (const std::string& pw : {std::string(), long_pw, std::string("nul\0inside", 10)}) {
        auto h = hasher.Hash(pw);
        ASSERT_TRUE(h);
        EXPECT_TRUE(*v.Verify(pw, *h));
    }
    auto h = hasher.Hash(std::string("nul\0inside", 10));
    EXPECT_FALSE(*v.Verify("nul", *h));
}

TEST(Argon2idHasher, ValidatesParameters) {
    EXPECT_TRUE(Argon2idHasher::Validate(kSmall));
    auto with = [](auto change) {
        Argon2Params p = kSmall;
        change(p);
        return Argon2idHasher::Validate(p).ok();
    };
    EXPECT_FALSE(with([](Argon2Params& p) { p.iterations = 0; }));
    EXPECT_FALSE(with([](Argon2Params& p) { p.parallelism = 0; }));
    EXPECT_FALSE(with([](Argon2Params& p) {
        p.parallelism = 256;
        p.memory_kib = 1 << 20;
    }));
    EXPECT_FALSE(with([](Argon2Params& p) { p.memory_kib = 15; }));  // < 8 KiB × 2 lanes
    EXPECT_FALSE(with([](Argon2Params& p) { p.salt_length = 7; }));
    EXPECT_FALSE(with([](Argon2Params& p) { p.key_length = 3; }));
    core::SecureRandom random;
    Argon2Params bad = kSmall;
    bad.salt_length = 4;
    auto r = Argon2idHasher(bad, random).Hash("pw");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, 500);
}

TEST(Argon2idHasher, MatchesOnlyItsOwnParameters) {
    core::SecureRandom random;
    Argon2idHasher hasher(kSmall, random);
    EXPECT_FALSE(
        hasher.Understands("$argon2i$v=19$m=64,t=2,p=2$c29tZXNhbHQ$iekCn0Y3spW+sCcFanM2xBT63UP2sghkUoHLIUpWRS8"));
    EXPECT_FALSE(hasher.Understands("$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"));
    EXPECT_TRUE(
        hasher.Understands("$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4"));
    EXPECT_FALSE(hasher.MatchesParameters(
        "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4"));
}

}  // namespace
}  // namespace bia::crypto
