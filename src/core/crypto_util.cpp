#include "core/crypto_util.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <sodium.h>

#include <stdexcept>

namespace bia::core {

namespace {

// SHA-256 and HMAC-SHA-256 run on libsodium: OpenSSL 3 initialises itself (providers, about
// 2 MiB resident) on the first digest, and the cookie sealer and CSRF settings hash at start-up.
// sodium_init is thread-safe and idempotent; the hashes need it only to pick implementations.
void EnsureSodium() {
    static const bool ready = sodium_init() >= 0;
    if (!ready) throw std::runtime_error("libsodium failed to initialise");
}

}  // namespace

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    if (a.empty()) return true;
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string Sha256(std::string_view data) {
    EnsureSodium();
    std::string out(crypto_hash_sha256_BYTES, '\0');
    crypto_hash_sha256(reinterpret_cast<unsigned char*>(out.data()),
                       reinterpret_cast<const unsigned char*>(data.data()), data.size());
    return out;
}

std::string Sha1(std::string_view data) {
    std::string out(SHA_DIGEST_LENGTH, '\0');
    SHA1(reinterpret_cast<const unsigned char*>(data.data()), data.size(),
         reinterpret_cast<unsigned char*>(out.data()));
    return out;
}

std::string HmacSha256(std::string_view key, std::string_view data) {
    // crypto_auth_hmacsha256_init takes a key of any length (hashing one over 64 bytes first),
    // as RFC 2104 and OpenSSL's HMAC do.
    EnsureSodium();
    crypto_auth_hmacsha256_state state;
    crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()), key.size());
    crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(data.data()), data.size());
    std::string out(crypto_auth_hmacsha256_BYTES, '\0');
    crypto_auth_hmacsha256_final(&state, reinterpret_cast<unsigned char*>(out.data()));
    sodium_memzero(&state, sizeof state);
    return out;
}

}  // namespace bia::core
