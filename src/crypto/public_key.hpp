// Public keys from their raw parts, as signature formats carry them (WebAuthn's COSE keys, OIDC
// providers' JWKs): an RSA key from its big-endian modulus and exponent, a P-256 key from its
// coordinates, each checked by OpenSSL before use. Errors are 400s saying what is wrong with the
// key (callers prefix whose key it was); OpenSSL failures unrelated to the key are 500s.
#pragma once

#include <openssl/evp.h>

#include <memory>
#include <string_view>

#include "core/result.hpp"

namespace bia::crypto {

struct EvpPkeyDeleter {
    void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyDeleter>;

// An RSA public key of `min_bits`..`max_bits` bits; `e` at most 8 bytes.
core::Result<EvpPkeyPtr> RsaPublicKey(std::string_view n, std::string_view e, int min_bits, int max_bits);
// A P-256 public key from its 32-byte x and y coordinates.
core::Result<EvpPkeyPtr> P256PublicKey(std::string_view x, std::string_view y);

}  // namespace bia::crypto
