#include "crypto/cookie_sealer.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <climits>
#include <cstring>
#include <memory>

#include "core/crypto_util.hpp"
#include "core/encoding.hpp"

namespace bia::crypto {

namespace {

constexpr uint8_t kVersion = 1;
constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;
// Browsers cap a cookie at about 4 KiB; anything far larger is not ours and not worth decoding.
constexpr size_t kMaxSealedChars = 16 * 1024;

struct CtxDeleter {
    void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using Ctx = std::unique_ptr<EVP_CIPHER_CTX, CtxDeleter>;

const unsigned char* U(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }
unsigned char* U(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

// Associated data: the version byte followed by the cookie name.
std::string Aad(std::string_view name) {
    std::string aad(1, static_cast<char>(kVersion));
    aad += name;
    return aad;
}

core::Error NotOpenable() { return core::BadRequest("The sealed value could not be opened."); }

}  // namespace

core::Result<CookieSealer> CookieSealer::Create(std::vector<std::string> secrets, core::Random& random) {
    if (secrets.empty()) return core::Internal("cookie sealer: at least one secret is required");
    std::vector<Key> keys;
    for (std::string& secret : secrets) {
        if (secret.empty()) return core::Internal("cookie sealer: secrets must not be empty");
        const std::string derived = core::HmacSha256(secret, kCookieSealerKeyLabel);
        Key key{};
        std::memcpy(key.data(), derived.data(), key.size());
        keys.push_back(key);
        OPENSSL_cleanse(secret.data(), secret.size());
    }
    return CookieSealer(std::move(keys), random);
}

core::Result<std::string> CookieSealer::Seal(std::string_view name, std::string_view plaintext) const {
    // Open refuses anything longer than kMaxSealedChars, so such a value is not sealed either.
    const size_t raw_len = 1 + kNonceBytes + plaintext.size() + kTagBytes;
    if (plaintext.size() > kMaxSealedChars || (raw_len * 4 + 2) / 3 > kMaxSealedChars)
        return core::Internal("cookie sealer: value too large");
    const std::string aad = Aad(name);
    std::string out(1 + kNonceBytes + plaintext.size() + kTagBytes, '\0');
    out[0] = static_cast<char>(kVersion);
    random_->Fill(reinterpret_cast<uint8_t*>(out.data() + 1), kNonceBytes);
    unsigned char* nonce = U(out) + 1;
    unsigned char* body = nonce + kNonceBytes;

    Ctx ctx(EVP_CIPHER_CTX_new());
    int len = 0;
    static constexpr unsigned char kEmpty[1] = {0};
    const unsigned char* pt = plaintext.empty() ? kEmpty : U(plaintext);
    if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) != 1 ||
        EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, keys_.front().data(), nonce) != 1 ||
        EVP_EncryptUpdate(ctx.get(), nullptr, &len, U(aad), static_cast<int>(aad.size())) != 1 ||
        EVP_EncryptUpdate(ctx.get(), body, &len, pt, static_cast<int>(plaintext.size())) != 1 ||
        EVP_EncryptFinal_ex(ctx.get(), body + len, &len) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, body + plaintext.size()) != 1) {
        return core::Internal("cookie sealer: encryption failed");
    }
    return core::Base64UrlEncode(out, /*pad=*/false);
}

core::Result<std::string> CookieSealer::Open(std::string_view name, std::string_view sealed) const {
    if (sealed.size() > kMaxSealedChars) return NotOpenable();
    auto raw = core::Base64UrlDecode(sealed);
    if (!raw || raw->size() < 1 + kNonceBytes + kTagBytes || static_cast<uint8_t>((*raw)[0]) != kVersion) {
        return NotOpenable();
    }
    const std::string aad = Aad(name);
    const auto* nonce = U(*raw) + 1;
    const auto* body = nonce + kNonceBytes;
    const size_t body_len = raw->size() - 1 - kNonceBytes - kTagBytes;
    std::string tag = raw->substr(1 + kNonceBytes + body_len);

    for (const Key& key : keys_) {
        std::string plain(body_len, '\0');
        Ctx ctx(EVP_CIPHER_CTX_new());
        int len = 0;
        int final_len = 0;
        unsigned char scratch[1];
        unsigned char* out = body_len == 0 ? scratch : U(plain);
        if (ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) == 1 &&
            EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, key.data(), nonce) == 1 &&
            EVP_DecryptUpdate(ctx.get(), nullptr, &len, U(aad), static_cast<int>(aad.size())) == 1 &&
            EVP_DecryptUpdate(ctx.get(), out, &len, body, static_cast<int>(body_len)) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, U(tag)) == 1 &&
            EVP_DecryptFinal_ex(ctx.get(), out + len, &final_len) == 1) {
            return plain;
        }
        // GCM verifies the tag in DecryptFinal; on failure `plain` holds unauthenticated bytes.
        OPENSSL_cleanse(plain.data(), plain.size());
    }
    return NotOpenable();
}

}  // namespace bia::crypto
