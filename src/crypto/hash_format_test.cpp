#include "crypto/hash_format.hpp"

#include <gtest/gtest.h>

namespace bia::crypto {
namespace {

TEST(HashFormat, DetectsByPrefixLikeKratos) {
    EXPECT_EQ(DetectHashFormat("$2a$12$x"), HashFormat::kBcrypt);
    EXPECT_EQ(DetectHashFormat("$2b$12$x"), HashFormat::kBcrypt);
    EXPECT_EQ(DetectHashFormat("$2y$12$x"), HashFormat::kBcrypt);
    EXPECT_EQ(DetectHashFormat("$2x$12$x"), HashFormat::kUnknown);
    EXPECT_EQ(DetectHashFormat("$argon2id$v=19"), HashFormat::kArgon2id);
    EXPECT_EQ(DetectHashFormat("$argon2i$v=19"), HashFormat::kArgon2i);
    EXPECT_EQ(DetectHashFormat("$argon2d$v=19"), HashFormat::kUnknown);
    EXPECT_EQ(DetectHashFormat("$pbkdf2-sha256$i=1"), HashFormat::kPbkdf2);
    EXPECT_EQ(DetectHashFormat("$pbkdf2-sha1$i=1"), HashFormat::kPbkdf2);
    EXPECT_EQ(DetectHashFormat("$pbkdf2-sha1234$i=1"), HashFormat::kUnknown);
    EXPECT_EQ(DetectHashFormat("$pbkdf2-sha$i=1"), HashFormat::kUnknown);
    EXPECT_EQ(DetectHashFormat("$pbkdf2-md5$i=1"), HashFormat::kUnknown);
    EXPECT_EQ(DetectHashFormat("plaintext"), HashFormat::kUnknown);
    EXPECT_EQ(DetectHashFormat(""), HashFormat::kUnknown);
}

TEST(HashFormat, ParsesBcryptPieces) {
    auto h = ParseBcrypt("$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW");
    ASSERT_TRUE(h);
    EXPECT_EQ(h->minor, 'a');
    EXPECT_EQ(h->cost, 5);
    EXPECT_EQ(h->salt, "CCCCCCCCCCCCCCCCCCCCC.");
    EXPECT_EQ(h->checksum, "E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW");
    // Wrong length, cost out of range, characters outside bcrypt's alphabet.
    EXPECT_FALSE(ParseBcrypt("$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOe"));
    EXPECT_FALSE(ParseBcrypt("$2a$03$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"));
    EXPECT_FALSE(ParseBcrypt("$2a$32$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"));
    EXPECT_FALSE(ParseBcrypt("$2a$0x$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"));
    EXPECT_FALSE(ParseBcrypt("$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOe+"));
    EXPECT_FALSE(ParseBcrypt("$2a$05XCCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOe"));
}

TEST(HashFormat, ParsesArgon2PhcString) {
    auto h = ParseArgon2("$argon2id$v=19$m=32,t=2,p=4$cm94YnRVOW5jZzFzcVE4bQ$MNzk5BtR2vUhrp6qQEjRNw");
    ASSERT_TRUE(h);
    EXPECT_EQ(h->variant, Argon2Variant::kArgon2id);
    EXPECT_EQ(h->memory_kib, 32u);
    EXPECT_EQ(h->iterations, 2u);
    EXPECT_EQ(h->parallelism, 4u);
    EXPECT_EQ(h->salt, "roxbtU9ncg1sqQ8m");
    EXPECT_EQ(h->key.size(), 16u);
    EXPECT_EQ(FormatArgon2(*h), "$argon2id$v=19$m=32,t=2,p=4$cm94YnRVOW5jZzFzcVE4bQ$MNzk5BtR2vUhrp6qQEjRNw");

    auto i =
        ParseArgon2("$argon2i$v=19$m=65536,t=3,p=4$kk51rW/vxIVCYn+EG4kTSg$NyT88uraJ6im6dyha/M5jhXvpqlEdlS/9fEm7ScMb8c");
    ASSERT_TRUE(i);
    EXPECT_EQ(i->variant, Argon2Variant::kArgon2i);
}

TEST(HashFormat, RejectsMalformedArgon2) {
    const char* bad[] = {
        "$argon2id$v=16$m=32,t=2,p=4$cm94YnRVOW5jZzFzcVE4bQ$MNzk5BtR2vUhrp6qQEjRNw",      // old version
        "$argon2id$m=32,t=2,p=4$cm94YnRVOW5jZzFzcVE4bQ$MNzk5BtR2vUhrp6qQEjRNw",           // no version
        "$argon2id$v=19$m=32,t=0,p=4$cm94YnRVOW5jZzFzcVE4bQ$MNzk5BtR2vUhrp6qQEjRNw",      // t = 0
        "$argon2id$v=19$m=16,t=2,p=4$cm94YnRVOW5jZzFzcVE4bQ$MNzk5BtR2vUhrp6qQEjRNw",      // m < 8p
        "$argon2id$v=19$m=32,t=2,p=0$cm94YnRVOW5jZzFzcVE4bQ$MNzk5BtR2vUhrp6qQEjRNw",      // p = 0
        "$argon2id$v=19$m=9000,t=2,p=256$cm94YnRVOW5jZzFzcVE4bQ$MNzk5BtR2vUhrp6qQEjRNw",  // p > 255
        "$argon2id$v=19$t=2,m=32,p=4$cm94YnRVOW5jZzFzcVE4bQ$MNzk5BtR2vUhrp6qQEjRNw",      // order
        "$argon2id$v=19$m=-32,t=2,p=4$cm94YnRVOW5jZzFzcVE4bQ$MNzk5BtR2vUhrp6qQEjRNw",     // sign
        "$argon2id$v=19$m=32,t=2,p=4$cm94YnRVOW5jZzFzcVE4bQ==$MNzk5BtR2vUhrp6qQEjRNw",    // padding
        "$argon2id$v=19$m=32,t=2,p=4$c29tZQ$MNzk5BtR2vUhrp6qQEjRNw",                      // salt < 8
        "$argon2id$v=19$m=32,t=2,p=4$cm94YnRVOW5jZzFzcVE4bQ$MNzk",                        // key < 4
        "$argon2id$v=19$m=32,t=2,p=4$cm94YnRVOW5jZzFzcVE4bQ",                             // no key
        "$argon2id$v=19$m=32,t=2,p=4$cm94YnRVOW5jZzFzcVE4bQ$MNzk5BtR2vUhrp6qQEjRNw$x",    // extra
        "$argon2id$v=19$m=99999999999,t=2,p=4$cm94YnRVOW5jZzFzcVE4bQ$MNzk5BtR2vUhrp6qQEjRNw",
    };
    for (const char* s : bad) EXPECT_FALSE(ParseArgon2(s)) << s;
}

TEST(HashFormat, ParsesPbkdf2WithKratosDigestNames) {
    auto h = ParsePbkdf2(
        "$pbkdf2-sha256$i=100000,l=32$1jP+5Zxpxgtee/iPxGgOz0RfE9/"
        "KJuDElP1ley4VxXc$QJxzfvdbHYBpydCbHoFg3GJEqMFULwskiuqiJctoYpI");
    ASSERT_TRUE(h);
    EXPECT_EQ(h->digest, Pbkdf2Digest::kSha256);
    EXPECT_EQ(h->iterations, 100000u);
    EXPECT_EQ(h->salt.size(), 32u);
    EXPECT_EQ(h->key.size(), 32u);

    const std::string tail = "$i=1,l=4$c2FsdA$AAAAAA";
    EXPECT_EQ(ParsePbkdf2("$pbkdf2-sha1" + tail)->digest, Pbkdf2Digest::kSha1);
    EXPECT_EQ(ParsePbkdf2("$pbkdf2-sha224" + tail)->digest, Pbkdf2Digest::kSha3_224);
    EXPECT_EQ(ParsePbkdf2("$pbkdf2-sha384" + tail)->digest, Pbkdf2Digest::kSha3_384);
    EXPECT_EQ(ParsePbkdf2("$pbkdf2-sha512" + tail)->digest, Pbkdf2Digest::kSha512);
    EXPECT_EQ(ParsePbkdf2("$pbkdf2-sha999" + tail)->digest, Pbkdf2Digest::kSha256);
    // The declared length is not trusted: the key's own length is used.
    EXPECT_EQ(ParsePbkdf2("$pbkdf2-sha256$i=1,l=64$c2FsdA$AAAAAA")->key.size(), 4u);
}

TEST(HashFormat, RejectsMalformedPbkdf2) {
    const char* bad[] = {
        "$pbkdf2-sha256$1jP+5Zxpxgtee/iPxGgOz0RfE9/KJuDElP1ley4VxXc$QJxzfvdbHYBpydCbHoFg3GJEqMFULwskiuqiJctoYpI",
        "$pbkdf2-sha256$aaaa$1jP+5Zxpxgtee/iPxGgOz0RfE9/KJuDElP1ley4VxXc$QJxzfvdbHYBpydCbHoFg3GJEqMFULwskiuqiJctoYpI",
        "$pbkdf2-sha512$I=100000,l=32$bdHBpn7OWOivJMVJypy2UqR0UnaD5prQXRZevj/05YU$+wArTfv1a+bNGO1iZrmEdVjhA+lL11wF4/"
        "IxpgYfPwc",
        "$pbkdf2-sha256$i=0,l=4$c2FsdA$AAAAAA",    // zero iterations
        "$pbkdf2-sha256$i=1,l=0$c2FsdA$",          // empty key would match anything
        "$pbkdf2-sha256$i=1,l=4$c2FsdA$AAAAAA==",  // padding
        "$pbkdf2-sha256$i=1,l=4$c2FsdA$AAAAAB",    // non-canonical trailing bits
        "$pbkdf2-sha256$i=1,l=4$c2FsdA",           // missing key
    };
    for (const char* s : bad) EXPECT_FALSE(ParsePbkdf2(s)) << s;
}

TEST(HashFormat, RawStdBase64IsStrict) {
    EXPECT_EQ(*DecodeRawStdBase64("c29tZXNhbHQ"), "somesalt");
    EXPECT_EQ(*DecodeRawStdBase64(""), "");
    EXPECT_FALSE(DecodeRawStdBase64("c29tZXNhbHQ="));
    EXPECT_FALSE(DecodeRawStdBase64("c29tZXNhbHR"));  // trailing bits set
    EXPECT_FALSE(DecodeRawStdBase64("c29-ZXNhbHQ"));  // url alphabet
    EXPECT_FALSE(DecodeRawStdBase64("c"));
}

}  // namespace
}  // namespace bia::crypto
