#include "crypto/password_verifier.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "core/random.hpp"
#include "crypto/argon2id_hasher.hpp"
#include "crypto/bcrypt_hasher.hpp"

namespace bia::crypto {
namespace {

// Asserts Verify succeeds and returns `expected`.
void ExpectVerify(std::string_view password, std::string_view encoded, bool expected) {
    PasswordVerifier v;
    auto r = v.Verify(password, encoded);
    ASSERT_TRUE(r) << encoded << ": " << r.error().reason;
    EXPECT_EQ(*r, expected) << "password '" << password << "' against " << encoded;
}

// Known answers published with OpenBSD's bcrypt / Openwall's crypt_blowfish test suite.
TEST(PasswordVerifier, BcryptKnownAnswers) {
    ExpectVerify("U*U", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", true);
    ExpectVerify("U*U*", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.VGOzA784oUp/Z0DY336zx7pLYAy0lwK", true);
    ExpectVerify("U*U*U", "$2a$05$XXXXXXXXXXXXXXXXXXXXXOAcXxm9kjPGEMsLznoKqmqw7tc8WCx4a", true);
    ExpectVerify("", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.7uG0VCzI2bS7j6ymqJi9CdcdxiRTWNy", true);
    ExpectVerify("\xa3", "$2y$05$/OK.fbVrR/bpIqNJ5ianF.Sa7shbm4.OzKpvFnX1pQLmQW96oUlCq", true);
    ExpectVerify("\xa3", "$2b$05$/OK.fbVrR/bpIqNJ5ianF.Sa7shbm4.OzKpvFnX1pQLmQW96oUlCq", true);
    ExpectVerify("U*U", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.VGOzA784oUp/Z0DY336zx7pLYAy0lwK", false);
    ExpectVerify("U*U*", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", false);
}

// A hash Kratos (Go's bcrypt) produced, as used in its own comparator tests.
TEST(PasswordVerifier, BcryptHashFromKratos) {
    ExpectVerify("test", "$2a$12$o6hx.Wog/wvFSkT/Bp/6DOxCtLRTDj7lm9on9suF/WaCGNVHbkfL6", true);
}

TEST(PasswordVerifier, BcryptMinorVersionsComputeLikeGo) {
    // libxcrypt gives "$2a$" an extra tweak for some passwords with 0xFF bytes; Go (Kratos)
    // does not distinguish minors. This "$2b$" hash, relabelled "$2a$", must still verify.
    const std::string pw =
        "\xff\xa3"
        "34"
        "\xff\xff\xff\xa3"
        "345";
    ExpectVerify(pw, "$2b$05$/OK.fbVrR/bpIqNJ5ianF.o./n25XVfn6oAPaUvHe.Csk4zRfsYPi", true);
    ExpectVerify(pw, "$2a$05$/OK.fbVrR/bpIqNJ5ianF.o./n25XVfn6oAPaUvHe.Csk4zRfsYPi", true);
    ExpectVerify(pw, "$2y$05$/OK.fbVrR/bpIqNJ5ianF.o./n25XVfn6oAPaUvHe.Csk4zRfsYPi", true);
}

TEST(PasswordVerifier, BcryptIgnoresUnusedLowBitsOfLastSaltCharacter) {
    // The 22nd salt character carries 2 unused bits; '/' and '.' differ only there.
    ExpectVerify("U*U", "$2b$05$CCCCCCCCCCCCCCCCCCCCC/E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", true);
}

TEST(PasswordVerifier, BcryptRefusesOverlongAndNulPasswords) {
    // The 72-byte vector: bcrypt would accept anything after byte 72; we do not.
    const std::string pw72 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    ASSERT_EQ(pw72.size(), 72u);
    const char* hash = "$2a$05$abcdefghijklmnopqrstuu5s2v8.iXieOjg/.AySBTTZIIVFJeBui";
    ExpectVerify(pw72, hash, true);
    ExpectVerify(pw72 + "chars after 72 are ignored", hash, false);
    ExpectVerify(std::string("U*U\0x", 5), "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", false);
}

// Vectors from the Argon2 reference implementation (README and test suite).
TEST(PasswordVerifier, Argon2ReferenceVectors) {
    ExpectVerify("password", "$argon2i$v=19$m=256,t=2,p=1$c29tZXNhbHQ$iekCn0Y3spW+sCcFanM2xBT63UP2sghkUoHLIUpWRS8",
                 true);
    ExpectVerify("password", "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
                 true);
    ExpectVerify("password", "$argon2i$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG", true);
    ExpectVerify("passwore", "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
                 false);
    // Same key, other variant: must not verify.
    ExpectVerify("password", "$argon2i$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
                 false);
}

// Hashes produced by Go's x/crypto/argon2 as Kratos uses it.
TEST(PasswordVerifier, Argon2HashesFromKratos) {
    ExpectVerify("test", "$argon2id$v=19$m=32,t=2,p=4$cm94YnRVOW5jZzFzcVE4bQ$MNzk5BtR2vUhrp6qQEjRNw", true);
    // A changed last character: here it also leaves non-zero trailing bits, which Go's strict
    // base64 refuses, so Kratos fails it as malformed rather than as a mismatch. So do we.
    EXPECT_FALSE(
        PasswordVerifier().Verify("test", "$argon2id$v=19$m=32,t=2,p=4$cm94YnRVOW5jZzFzcVE4bQ$MNzk5BtR2vUhrp6qQEjRN2"));
    ExpectVerify("test", "$argon2id$v=19$m=32,t=2,p=4$cm94YnRVOW5jZzFzcVE4bQ$MNzk5BtR2vUhrp6qQEjRNA", false);
    ExpectVerify(
        "test", "$argon2id$v=19$m=32,t=5,p=4$cm94YnRVOW5jZzFzcVE4bQ$fBxypOL0nP/zdPE71JtAV71i487LbX3fJI5PoTN6Lp4", true);
    ExpectVerify("test",
                 "$argon2i$v=19$m=65536,t=3,p=4$kk51rW/vxIVCYn+EG4kTSg$NyT88uraJ6im6dyha/M5jhXvpqlEdlS/9fEm7ScMb8c",
                 true);
    ExpectVerify("test",
                 "$argon2i$v=19$m=65536,t=3,p=4$pZ+27D6B0bCi0DwSmANF1w$4RNCUu4Uyu7eTIvzIdSuKz+I9idJlX/ykn6J10/W0EU",
                 false);
}

// Computed with Python's hashlib.pbkdf2_hmac (sha224/sha384 with hashlib's sha3_224/sha3_384,
// the digests Kratos actually uses for those names), salt "saltSALTsaltSALT".
TEST(PasswordVerifier, Pbkdf2KnownAnswers) {
    ExpectVerify("correct horse",
                 "$pbkdf2-sha256$i=1000,l=32$c2FsdFNBTFRzYWx0U0FMVA$ONduBdYXGiIs7ylpawCGi099TDVSLvG/wgo8IyN264Q", true);
    ExpectVerify("correct horse",
                 "$pbkdf2-sha512$i=1000,l=64$c2FsdFNBTFRzYWx0U0FMVA$ayEmuYGafDhyE2PNJI7hyheFVNVP3ZzljP4VQVjIgX0HT6CL+"
                 "d8eV/usDW6Sq//JcBGa9oX9JDLnCxqkczfUWg",
                 true);
    ExpectVerify("correct horse", "$pbkdf2-sha1$i=1000,l=20$c2FsdFNBTFRzYWx0U0FMVA$xIt6qO0s4l9ars0GYF2M0WLFb/w", true);
    ExpectVerify("correct horse",
                 "$pbkdf2-sha224$i=1000,l=28$c2FsdFNBTFRzYWx0U0FMVA$O4j60VEkgPTyKFe/r6NMTz+EqRHKw8ZJfDSglg", true);
    ExpectVerify("correct horse",
                 "$pbkdf2-sha384$i=1000,l=48$c2FsdFNBTFRzYWx0U0FMVA$/8WGSp7VNOvtBm4zWRrp0uFTkXnYPlKytTRKBL8/"
                 "d3u14LTTsRNGUo8zzMXAWXaw",
                 true);
    // Unknown sha<digits> names fall back to SHA-256, as in Kratos.
    ExpectVerify("correct horse",
                 "$pbkdf2-sha999$i=1000,l=32$c2FsdFNBTFRzYWx0U0FMVA$ONduBdYXGiIs7ylpawCGi099TDVSLvG/wgo8IyN264Q", true);
    ExpectVerify("correct horsE",
                 "$pbkdf2-sha256$i=1000,l=32$c2FsdFNBTFRzYWx0U0FMVA$ONduBdYXGiIs7ylpawCGi099TDVSLvG/wgo8IyN264Q",
                 false);
    // RFC 6070: P="password", S="salt", c=4096, dkLen=20 → 4b007901b765489abead49d926f721d065a429c1.
    ExpectVerify("password", "$pbkdf2-sha1$i=4096,l=20$c2FsdA$SwB5AbdlSJq+rUnZJvch0GWkKcE", true);
}

TEST(PasswordVerifier, Pbkdf2HashesFromKratos) {
    ExpectVerify("test",
                 "$pbkdf2-sha256$i=100000,l=32$1jP+5Zxpxgtee/iPxGgOz0RfE9/"
                 "KJuDElP1ley4VxXc$QJxzfvdbHYBpydCbHoFg3GJEqMFULwskiuqiJctoYpI",
                 true);
    ExpectVerify("test",
                 "$pbkdf2-sha512$i=100000,l=32$bdHBpn7OWOivJMVJypy2UqR0UnaD5prQXRZevj/"
                 "05YU$+wArTfv1a+bNGO1iZrmEdVjhA+lL11wF4/IxpgYfPwc",
                 true);
    ExpectVerify("test",
                 "$pbkdf2-sha512$i=100000,l=32$bdHBpn7OWOivJMVJypy2UqR0UnaD5prQXRZevj/"
                 "05YU$+wArTfv1a+bNGO1iZrmEdVjhA+lL11wF4/IxpgYfPww",
                 false);
}

TEST(PasswordVerifier, UnknownOrBrokenFormatsAreTheImportError) {
    PasswordVerifier v;
    for (const char* encoded : {"$unknown$12$o6hx.Wog/wvFSkT/Bp/6DOxCtLRTDj7lm9on9suF/WaCGNVHbkfL6", "plaintext", "",
                                "$2a$12$short", "$argon2id$v=19$garbage", "$pbkdf2-sha256$i=1,l=0$c2FsdA$"}) {
        auto r = v.Verify("test", encoded);
        ASSERT_FALSE(r) << encoded;
        EXPECT_EQ(r.error().code, 400);
        EXPECT_EQ(r.error().reason,
                  "The imported password does not match any known hash format. For more information see "
                  "https://www.ory.sh/dr/2");
        EXPECT_FALSE(v.IsKnownFormat(encoded)) << encoded;
    }
}

TEST(PasswordVerifier, KnownFormatsAreAcceptedForImport) {
    PasswordVerifier v;
    EXPECT_TRUE(v.IsKnownFormat("$2a$12$o6hx.Wog/wvFSkT/Bp/6DOxCtLRTDj7lm9on9suF/WaCGNVHbkfL6"));
    EXPECT_TRUE(v.IsKnownFormat("$2y$05$/OK.fbVrR/bpIqNJ5ianF.Sa7shbm4.OzKpvFnX1pQLmQW96oUlCq"));
    EXPECT_TRUE(v.IsKnownFormat("$argon2id$v=19$m=32,t=2,p=4$cm94YnRVOW5jZzFzcVE4bQ$MNzk5BtR2vUhrp6qQEjRNw"));
    EXPECT_TRUE(v.IsKnownFormat(
        "$argon2i$v=19$m=65536,t=3,p=4$kk51rW/vxIVCYn+EG4kTSg$NyT88uraJ6im6dyha/M5jhXvpqlEdlS/9fEm7ScMb8c"));
    EXPECT_TRUE(
        v.IsKnownFormat("$pbkdf2-sha256$i=100000,l=32$1jP+5Zxpxgtee/iPxGgOz0RfE9/"
                        "KJuDElP1ley4VxXc$QJxzfvdbHYBpydCbHoFg3GJEqMFULwskiuqiJctoYpI"));
    EXPECT_FALSE(v.IsKnownFormat("{SSHA}JFZFs0oHzxbMwkSJmYVeI8MnTDy/276a"));
}

TEST(PasswordVerifier, NeedsRehashWhenAlgorithmOrParametersDiffer) {
    core::SecureRandom random;
    PasswordVerifier v;
    BcryptHasher bcrypt4(4, random);
    BcryptHasher bcrypt5(5, random);
    Argon2idHasher argon({.memory_kib = 64, .iterations = 1, .parallelism = 1, .salt_length = 16, .key_length = 32},
                         random);

    auto b4 = bcrypt4.Hash("secret-password");
    ASSERT_TRUE(b4);
    EXPECT_FALSE(v.NeedsRehash(*b4, bcrypt4));
    EXPECT_TRUE(v.NeedsRehash(*b4, bcrypt5));  // cost raised
    EXPECT_TRUE(v.NeedsRehash(*b4, argon));    // algorithm changed
    // Kratos's own "$2a$" hashes at the configured cost are native, not imports.
    EXPECT_FALSE(v.NeedsRehash("$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", bcrypt5));

    auto a = argon.Hash("secret-password");
    ASSERT_TRUE(a);
    EXPECT_FALSE(v.NeedsRehash(*a, argon));
    EXPECT_TRUE(v.NeedsRehash(*a, bcrypt4));
    Argon2idHasher more_memory(
        {.memory_kib = 128, .iterations = 1, .parallelism = 1, .salt_length = 16, .key_length = 32}, random);
    EXPECT_TRUE(v.NeedsRehash(*a, more_memory));
    Argon2idHasher longer_key(
        {.memory_kib = 64, .iterations = 1, .parallelism = 1, .salt_length = 16, .key_length = 16}, random);
    EXPECT_TRUE(v.NeedsRehash(*a, longer_key));

    // Imports are always re-hashed.
    EXPECT_TRUE(
        v.NeedsRehash("$pbkdf2-sha256$i=100000,l=32$1jP+5Zxpxgtee/iPxGgOz0RfE9/"
                      "KJuDElP1ley4VxXc$QJxzfvdbHYBpydCbHoFg3GJEqMFULwskiuqiJctoYpI",
                      bcrypt4));
    EXPECT_TRUE(
        v.NeedsRehash("$argon2i$v=19$m=64,t=1,p=1$c29tZXNhbHQ$iekCn0Y3spW+sCcFanM2xBT63UP2sghkUoHLIUpWRS8", argon));
}

// Issue 13: imports asking for hours of work per login are refused, naming the limit, and a
// stored hash over the bounds is never run.
TEST(PasswordVerifier, ImportsOverTheWorkBoundsAreRefusedNamingTheLimit) {
    const std::string salt_checksum =
        "abcdefghijklmnopqrstuv"
        "abcdefghijklmnopqrstuvwxyz01234";
    const std::string bcrypt31 = "$2b$31$" + salt_checksum;
    const std::string bcrypt16 = "$2b$16$" + salt_checksum;
    const std::string argon2_memory =
        "$argon2id$v=19$m=4194304,t=1,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4";
    const std::string argon2_time =
        "$argon2id$v=19$m=256,t=11,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4";
    const std::string argon2_lanes =
        "$argon2id$v=19$m=1024,t=2,p=65$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4";
    const std::string pbkdf2 =
        "$pbkdf2-sha256$i=2147483647,l=32$c2FsdFNBTFRzYWx0U0FMVA$ONduBdYXGiIs7ylpawCGi099TDVSLvG/wgo8IyN264Q";
    PasswordVerifier v;
    auto reason = [&](const std::string& encoded) {
        auto s = v.CheckImportable(encoded);
        EXPECT_FALSE(s.ok()) << encoded;
        if (s.ok()) return std::string();
        EXPECT_EQ(s.error().code, 400);
        return s.error().reason;
    };
    EXPECT_EQ(reason(bcrypt31),
              "The imported password hash asks for more work than Bia allows: bcrypt cost 31 exceeds the limit of 16.");
    EXPECT_NE(reason(argon2_memory).find("argon2 memory (KiB) 4194304 exceeds the limit of 1048576"),
              std::string::npos);
    EXPECT_NE(reason(argon2_time).find("argon2 iterations 11 exceeds the limit of 10"), std::string::npos);
    EXPECT_NE(reason(argon2_lanes).find("argon2 parallelism 65 exceeds the limit of 64"), std::string::npos);
    EXPECT_NE(reason(pbkdf2).find("pbkdf2 work (iterations × key blocks) 2147483647 exceeds the limit of 10000000"),
              std::string::npos);
    EXPECT_EQ(reason("$md5$nope"), std::string(kUnknownHashFormatReason));
    EXPECT_TRUE(v.CheckImportable(bcrypt16).ok());
    // A 64-byte key from SHA-1 is four blocks: four times the iterations.
    const std::string pbkdf2_blocks = "$pbkdf2-sha1$i=3000000,l=64$c2FsdFNBTFRzYWx0U0FMVA$" + std::string(86, 'A');
    EXPECT_NE(reason(pbkdf2_blocks).find("12000000 exceeds"), std::string::npos);

    // Stored anyway (written by an older version): a mismatch at once, nothing derived.
    for (const std::string& encoded : {bcrypt31, argon2_memory, argon2_time, argon2_lanes, pbkdf2}) {
        const auto start = std::chrono::steady_clock::now();
        auto r = v.Verify("password", encoded);
        ASSERT_TRUE(r) << encoded;
        EXPECT_FALSE(*r) << encoded;
        EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(100)) << encoded;
    }
    // A password over the cap is a mismatch without hashing.
    auto r = v.Verify(std::string(kMaxPasswordBytes + 1, 'p'),
                      "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4");
    ASSERT_TRUE(r);
    EXPECT_FALSE(*r);
}

}  // namespace
}  // namespace bia::crypto
