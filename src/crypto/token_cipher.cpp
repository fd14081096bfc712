#include "crypto/token_cipher.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sodium.h>

#include <array>
#include <climits>
#include <cstring>
#include <optional>

#include "core/encoding.hpp"

namespace bia::crypto {

// Named (not anonymous) so the unity build can merge this file with cookie_sealer.cpp.
namespace token_cipher_internal {

// Keys are the configured strings' bytes, as Kratos uses them (no derivation).
constexpr size_t kKeyBytes = 32;
constexpr size_t kTagBytes = 16;  // both AEADs append a 16-byte tag
// Tokens are a few KiB at most; the cap keeps every length inside the `int` OpenSSL takes.
constexpr size_t kMaxPlaintextBytes = 16 * 1024 * 1024;

using Key = std::array<unsigned char, kKeyBytes>;

const unsigned char* U(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }
unsigned char* U(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

// Error texts name what failed, never a key, a plaintext or the ciphertext.
core::Error NotOpenable() { return core::Internal("token cipher: no key in secrets.cipher opens the encrypted value"); }

// Go's hex.DecodeString: an even number of hex digits, either case.
std::optional<std::string> HexDecode(std::string_view text) {
    auto digit = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    if (text.size() % 2 != 0) return std::nullopt;
    std::string out(text.size() / 2, '\0');
    for (size_t i = 0; i < out.size(); ++i) {
        const int hi = digit(text[2 * i]);
        const int lo = digit(text[2 * i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out[i] = static_cast<char>((hi << 4) | lo);
    }
    return out;
}

class NoopCipher final : public TokenCipher {
  public:
    core::Result<std::string> Encrypt(std::string_view plaintext) const override { return std::string(plaintext); }
    core::Result<std::string> Decrypt(std::string_view ciphertext) const override { return std::string(ciphertext); }
};

// What both AEADs share: the stored form hex(nonce ‖ ciphertext ‖ tag), a random nonce per
// encryption, the first key seals and every key is tried to open, the empty string maps to
// itself both ways (as Kratos: nothing is encrypted, so "" decrypts to "").
class AeadCipher : public TokenCipher {
  public:
    AeadCipher(std::vector<Key> keys, size_t nonce_bytes) : keys_(std::move(keys)), nonce_bytes_(nonce_bytes) {}
    ~AeadCipher() override {
        for (Key& k : keys_) OPENSSL_cleanse(k.data(), k.size());
    }
    AeadCipher(const AeadCipher&) = delete;
    AeadCipher& operator=(const AeadCipher&) = delete;

    core::Result<std::string> Encrypt(std::string_view plaintext) const override {
        if (plaintext.empty()) return std::string();
        if (plaintext.size() > kMaxPlaintextBytes) return core::Internal("token cipher: value too large to encrypt");
        std::string raw(nonce_bytes_ + plaintext.size() + kTagBytes, '\0');
        if (!RandomNonce(U(raw), nonce_bytes_)) return core::Internal("token cipher: no random nonce");
        if (!Seal(keys_.front(), U(raw), plaintext, U(raw) + nonce_bytes_)) {
            OPENSSL_cleanse(raw.data(), raw.size());
            return core::Internal("token cipher: encryption failed");
        }
        return core::HexEncode(raw);
    }

    core::Result<std::string> Decrypt(std::string_view ciphertext) const override {
        if (ciphertext.empty()) return std::string();
        if (ciphertext.size() / 2 > kMaxPlaintextBytes + nonce_bytes_ + kTagBytes) return NotOpenable();
        auto raw = HexDecode(ciphertext);
        if (!raw) return core::Internal("token cipher: the encrypted value is not hexadecimal");
        if (raw->size() < nonce_bytes_ + kTagBytes)
            return core::Internal("token cipher: the encrypted value is too short");
        const unsigned char* nonce = U(*raw);
        const std::string_view sealed = std::string_view(*raw).substr(nonce_bytes_);
        std::string plain(sealed.size() - kTagBytes, '\0');
        for (const Key& key : keys_) {
            if (Open(key, nonce, sealed, U(plain))) return plain;
            // On a failed tag check the buffer may hold unauthenticated bytes: never hand them on.
            OPENSSL_cleanse(plain.data(), plain.size());
        }
        return NotOpenable();
    }

  protected:
    virtual bool RandomNonce(unsigned char* out, size_t n) const = 0;
    // Writes ciphertext ‖ tag (plaintext.size() + kTagBytes bytes) to `out`.
    virtual bool Seal(const Key& key, const unsigned char* nonce, std::string_view plaintext,
                      unsigned char* out) const = 0;
    // `sealed` is ciphertext ‖ tag; writes sealed.size() - kTagBytes bytes to `out` and answers
    // true only when the tag verified (a constant-time comparison in both libraries).
    virtual bool Open(const Key& key, const unsigned char* nonce, std::string_view sealed,
                      unsigned char* out) const = 0;

  private:
    std::vector<Key> keys_;
    size_t nonce_bytes_;
};

struct CtxDeleter {
    void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using Ctx = std::unique_ptr<EVP_CIPHER_CTX, CtxDeleter>;

// AES-256-GCM (OpenSSL EVP), 12-byte nonce, no associated data: Go's cipher.NewGCM layout.
class AesGcmCipher final : public AeadCipher {
  public:
    static constexpr size_t kNonceBytes = 12;
    explicit AesGcmCipher(std::vector<Key> keys) : AeadCipher(std::move(keys), kNonceBytes) {}

  protected:
    bool RandomNonce(unsigned char* out, size_t n) const override { return RAND_bytes(out, static_cast<int>(n)) == 1; }

    bool Seal(const Key& key, const unsigned char* nonce, std::string_view plaintext,
              unsigned char* out) const override {
        Ctx ctx(EVP_CIPHER_CTX_new());
        int len = 0;
        int final_len = 0;
        return ctx && EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
               EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) == 1 &&
               EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, key.data(), nonce) == 1 &&
               EVP_EncryptUpdate(ctx.get(), out, &len, U(plaintext), static_cast<int>(plaintext.size())) == 1 &&
               EVP_EncryptFinal_ex(ctx.get(), out + len, &final_len) == 1 &&
               EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, out + plaintext.size()) == 1;
    }

    bool Open(const Key& key, const unsigned char* nonce, std::string_view sealed, unsigned char* out) const override {
        const size_t body_len = sealed.size() - kTagBytes;
        std::array<unsigned char, kTagBytes> tag{};
        std::memcpy(tag.data(), sealed.data() + body_len, kTagBytes);
        unsigned char scratch[1];
        unsigned char* dst = body_len == 0 ? scratch : out;
        Ctx ctx(EVP_CIPHER_CTX_new());
        int len = 0;
        int final_len = 0;
        return ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
               EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) == 1 &&
               EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, key.data(), nonce) == 1 &&
               EVP_DecryptUpdate(ctx.get(), dst, &len, U(sealed), static_cast<int>(body_len)) == 1 &&
               EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) == 1 &&
               EVP_DecryptFinal_ex(ctx.get(), dst + len, &final_len) == 1;
    }
};

// XChaCha20-Poly1305 (libsodium's IETF construction), 24-byte nonce, no associated data: the
// layout of Go's chacha20poly1305.NewX.
class XChaChaCipher final : public AeadCipher {
  public:
    static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == kKeyBytes);
    static_assert(crypto_aead_xchacha20poly1305_ietf_ABYTES == kTagBytes);
    static constexpr size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
    explicit XChaChaCipher(std::vector<Key> keys) : AeadCipher(std::move(keys), kNonceBytes) {}

  protected:
    bool RandomNonce(unsigned char* out, size_t n) const override {
        randombytes_buf(out, n);
        return true;
    }

    bool Seal(const Key& key, const unsigned char* nonce, std::string_view plaintext,
              unsigned char* out) const override {
        unsigned long long out_len = 0;
        return crypto_aead_xchacha20poly1305_ietf_encrypt(out, &out_len, U(plaintext), plaintext.size(), nullptr, 0,
                                                          nullptr, nonce, key.data()) == 0 &&
               out_len == plaintext.size() + kTagBytes;
    }

    bool Open(const Key& key, const unsigned char* nonce, std::string_view sealed, unsigned char* out) const override {
        unsigned long long out_len = 0;
        return crypto_aead_xchacha20poly1305_ietf_decrypt(out, &out_len, nullptr, U(sealed), sealed.size(), nullptr, 0,
                                                          nonce, key.data()) == 0 &&
               out_len == sealed.size() - kTagBytes;
    }
};

// libsodium must be initialised once before use; sodium_init is itself thread-safe and a
// function-local static runs it exactly once.
bool SodiumReady() {
    static const bool ready = sodium_init() >= 0;
    return ready;
}

}  // namespace token_cipher_internal

core::Result<std::unique_ptr<TokenCipher>> MakeTokenCipher(std::string_view algorithm,
                                                           const std::vector<std::string>& secrets) {
    using namespace token_cipher_internal;
    const bool noop = algorithm == "noop";
    if (!noop && algorithm != "aes" && algorithm != "xchacha20-poly1305") {
        return core::Internal("ciphers.algorithm: unknown cipher \"" + std::string(algorithm) +
                              "\" (expected noop, aes or xchacha20-poly1305)");
    }
    // Wipes what was not handed to a cipher (an error below, or the noop cipher); reserved so
    // no reallocation leaves copies of keys behind.
    struct Keys {
        std::vector<Key> v;
        ~Keys() {
            for (Key& k : v) OPENSSL_cleanse(k.data(), k.size());
        }
    } keys;
    keys.v.reserve(secrets.size());
    for (size_t i = 0; i < secrets.size(); ++i) {
        if (secrets[i].size() != kKeyBytes) {
            return core::Internal("secrets.cipher[" + std::to_string(i) + "]: must be exactly 32 bytes long, got " +
                                  std::to_string(secrets[i].size()));
        }
        Key key{};
        std::memcpy(key.data(), secrets[i].data(), kKeyBytes);
        keys.v.push_back(key);
        OPENSSL_cleanse(key.data(), key.size());
    }
    if (noop) return std::unique_ptr<TokenCipher>(std::make_unique<NoopCipher>());
    if (keys.v.empty()) {
        return core::Internal("secrets.cipher: required when ciphers.algorithm is \"" + std::string(algorithm) + "\"");
    }
    if (algorithm == "aes") return std::unique_ptr<TokenCipher>(std::make_unique<AesGcmCipher>(std::move(keys.v)));
    if (!SodiumReady()) return core::Internal("token cipher: libsodium could not be initialised");
    return std::unique_ptr<TokenCipher>(std::make_unique<XChaChaCipher>(std::move(keys.v)));
}

}  // namespace bia::crypto
