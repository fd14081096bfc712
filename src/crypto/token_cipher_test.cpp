// The token cipher: round trips for each algorithm, key rotation, tampering, wrong keys, bad
// input, configuration errors, and known-answer vectors computed outside Bia (python3
// `cryptography`: AESGCM, and XChaCha20-Poly1305 built from its ChaCha20 and ChaCha20Poly1305
// with HChaCha20 checked against draft-irtf-cfrg-xchacha-03 §2.2.1), plus the AES fixture from
// Kratos's own cipher tests, so what Kratos stored opens here.
#include "crypto/token_cipher.hpp"

#include <gtest/gtest.h>

#include <set>

namespace bia::crypto {
namespace {

const std::string kKey1 = "0123456789abcdef0123456789abcdef";
const std::string kKey2 = "another-thirty-two-byte-long-key";
const std::string kPlain = "ya29.a0-access-token/with+symbols==";

std::unique_ptr<TokenCipher> Make(std::string_view algorithm, std::vector<std::string> keys) {
    auto c = MakeTokenCipher(algorithm, keys);
    EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().reason);
    return c.ok() ? std::move(c).value() : nullptr;
}

bool IsLowerHex(const std::string& s) { return s.find_first_not_of("0123456789abcdef") == std::string::npos; }

class AeadTest : public ::testing::TestWithParam<std::pair<const char*, size_t>> {
  protected:
    std::string_view algorithm() const { return GetParam().first; }
    size_t nonce_bytes() const { return GetParam().second; }
};

TEST_P(AeadTest, RoundTripsAsHexOfNonceCiphertextAndTag) {
    auto c = Make(algorithm(), {kKey1});
    auto sealed = c->Encrypt(kPlain);
    ASSERT_TRUE(sealed.ok());
    EXPECT_TRUE(IsLowerHex(*sealed));
    EXPECT_EQ(sealed->size(), 2 * (nonce_bytes() + kPlain.size() + 16));
    EXPECT_EQ(sealed->find(kPlain), std::string::npos);
    auto opened = c->Decrypt(*sealed);
    ASSERT_TRUE(opened.ok());
    EXPECT_EQ(*opened, kPlain);
}

TEST_P(AeadTest, EveryEncryptionHasAFreshNonce) {
    auto c = Make(algorithm(), {kKey1});
    std::set<std::string> seen;
    for (int i = 0; i < 50; ++i) seen.insert(c->Encrypt(kPlain).value());
    EXPECT_EQ(seen.size(), 50u);
}

TEST_P(AeadTest, BinaryAndLongPlaintextsRoundTrip) {
    auto c = Make(algorithm(), {kKey1});
    std::string binary("\0\x01\xff\x80tok", 7);
    EXPECT_EQ(c->Decrypt(c->Encrypt(binary).value()).value(), binary);
    std::string long_token(100000, 'x');
    EXPECT_EQ(c->Decrypt(c->Encrypt(long_token).value()).value(), long_token);
}

TEST_P(AeadTest, EmptyStaysEmptyBothWays) {
    auto c = Make(algorithm(), {kKey1});
    EXPECT_EQ(c->Encrypt("").value(), "");
    EXPECT_EQ(c->Decrypt("").value(), "");
}

TEST_P(AeadTest, RotatedKeysStillOpenWhatTheOldKeySealed) {
    auto old_cipher = Make(algorithm(), {kKey1});
    const std::string sealed = old_cipher->Encrypt(kPlain).value();
    auto rotated = Make(algorithm(), {kKey2, kKey1});
    EXPECT_EQ(rotated->Decrypt(sealed).value(), kPlain);
    // The new first key seals: a cipher with only the old key cannot open it.
    const std::string resealed = rotated->Encrypt(kPlain).value();
    EXPECT_FALSE(old_cipher->Decrypt(resealed).ok());
    EXPECT_EQ(Make(algorithm(), {kKey2})->Decrypt(resealed).value(), kPlain);
}

TEST_P(AeadTest, WrongKeyIsAnInternalErrorWithoutSecrets) {
    const std::string sealed = Make(algorithm(), {kKey1})->Encrypt(kPlain).value();
    auto r = Make(algorithm(), {kKey2})->Decrypt(sealed);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, 500);
    for (const std::string* secret : {&kKey1, &kKey2, &kPlain, &sealed}) {
        EXPECT_EQ(r.error().reason.find(*secret), std::string::npos);
        EXPECT_EQ(r.error().message.find(*secret), std::string::npos);
    }
}

TEST_P(AeadTest, AnyTamperedByteIsRefused) {
    auto c = Make(algorithm(), {kKey1});
    const std::string sealed = c->Encrypt(kPlain).value();
    // Every byte: nonce, ciphertext and tag.
    for (size_t i = 0; i < sealed.size(); i += 2) {
        std::string t = sealed;
        t[i] = t[i] == '0' ? '1' : '0';
        EXPECT_FALSE(c->Decrypt(t).ok()) << "byte " << i / 2;
    }
    EXPECT_FALSE(c->Decrypt(sealed.substr(0, sealed.size() - 2)).ok());
    EXPECT_FALSE(c->Decrypt(sealed + "00").ok());
}

TEST_P(AeadTest, BadHexAndShortInputsAreErrors) {
    auto c = Make(algorithm(), {kKey1});
    const std::vector<std::string> bad_inputs = {"not-hex", "abc", "zz", std::string(2 * (nonce_bytes() + 15), 'a'),
                                                 std::string(2 * (nonce_bytes() + 16) - 1, 'a')};
    for (const std::string& bad : bad_inputs) {
        auto r = c->Decrypt(bad);
        ASSERT_FALSE(r.ok()) << bad;
        EXPECT_EQ(r.error().code, 500);
    }
    // Upper-case hex is hex (Go's decoder accepts it).
    std::string sealed = c->Encrypt(kPlain).value();
    for (char& ch : sealed) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    EXPECT_EQ(c->Decrypt(sealed).value(), kPlain);
}

INSTANTIATE_TEST_SUITE_P(Algorithms, AeadTest,
                         ::testing::Values(std::pair<const char*, size_t>{"aes", 12},
                                           std::pair<const char*, size_t>{"xchacha20-poly1305", 24}),
                         [](const auto& info) {
                             return std::string(info.param.first == std::string("aes") ? "Aes" : "XChaCha");
                         });

TEST(TokenCipher, AesOpensAnIndependentlyComputedVector) {
    // AESGCM(key).encrypt(nonce 10..1b, kPlain, None), nonce prepended, hex.
    const std::string v =
        "101112131415161718191a1b546d446a29fd54cba2005c3b53f23d77ff5065f0514d52a31d6534fda462d190d668"
        "4768cd40041f6e6986e0ca95ea49220c63";
    EXPECT_EQ(Make("aes", {kKey1})->Decrypt(v).value(), kPlain);
    EXPECT_FALSE(Make("xchacha20-poly1305", {kKey1})->Decrypt(v).ok());
}

TEST(TokenCipher, AesOpensKratosFixture) {
    // Kratos cipher/cipher_test.go TestAESBackwardsCompatibility.
    const std::string v =
        "74756223e46170ef0579f207af41b7ed435d649ae94f22bd57934398e9861870e58feba1e949d28f18dfdda6395eabf4d2d3"
        "1fdeb2b07c4c428e9829509470f6d8e23c17708f1368b6";
    EXPECT_EQ(Make("aes", {"change this password to a secret"})->Decrypt(v).value(),
              "fixture: encrypted with caller-supplied nonce");
}

TEST(TokenCipher, XChaChaOpensAnIndependentlyComputedVector) {
    // nonce 40..57 ‖ ChaCha20Poly1305(HChaCha20(key, nonce[0:16])).encrypt(0000‖nonce[16:24], kPlain).
    const std::string v =
        "404142434445464748494a4b4c4d4e4f5051525354555657183946ff77c7df91fe7028e98f8b9632fa3a07d13095b907"
        "101111700c444e582d37d5bb3f2f41f029c224d003225da99b896f";
    EXPECT_EQ(Make("xchacha20-poly1305", {kKey1})->Decrypt(v).value(), kPlain);
    EXPECT_FALSE(Make("aes", {kKey1})->Decrypt(v).ok());
}

TEST(TokenCipher, NoopKeepsThePlaintext) {
    auto c = Make("noop", {});
    EXPECT_EQ(c->Encrypt(kPlain).value(), kPlain);
    EXPECT_EQ(c->Decrypt(kPlain).value(), kPlain);
    EXPECT_EQ(c->Encrypt("").value(), "");
    EXPECT_EQ(c->Decrypt("").value(), "");
    EXPECT_EQ(Make("noop", {kKey1})->Decrypt("not hex at all").value(), "not hex at all");
}

TEST(TokenCipher, ConfigurationErrorsNameTheKeyAndNoSecret) {
    auto unknown = MakeTokenCipher("rot13", {kKey1});
    ASSERT_FALSE(unknown.ok());
    EXPECT_NE(unknown.error().reason.find("ciphers.algorithm"), std::string::npos);

    const std::string short_key = "sixteen-byte-key";
    for (const char* algorithm : {"aes", "xchacha20-poly1305", "noop"}) {
        auto r = MakeTokenCipher(algorithm, {kKey1, short_key});
        ASSERT_FALSE(r.ok()) << algorithm;
        EXPECT_EQ(r.error().reason, "secrets.cipher[1]: must be exactly 32 bytes long, got 16");
        EXPECT_EQ(r.error().reason.find(short_key), std::string::npos);
        EXPECT_FALSE(MakeTokenCipher(algorithm, {kKey1 + "x"}).ok());
    }
    for (const char* algorithm : {"aes", "xchacha20-poly1305"}) {
        auto none = MakeTokenCipher(algorithm, {});
        ASSERT_FALSE(none.ok());
        EXPECT_NE(none.error().reason.find("secrets.cipher"), std::string::npos);
    }
}

}  // namespace
}  // namespace bia::crypto
