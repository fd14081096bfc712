// Encryption of secrets Bia must give back later (the OIDC tokens stored with a social sign-in
// credential, settings-flow.md §8.6): `ciphers.algorithm` picks the cipher, `secrets.cipher` the
// keys (each exactly 32 characters): the first encrypts, every one is tried to decrypt, so keys
// can rotate. Formats follow Kratos so exported identities move between the two: `aes` is
// AES-256-GCM (OpenSSL), `xchacha20-poly1305` is XChaCha20-Poly1305 (libsodium), both written as
// hex of nonce‖ciphertext‖tag; `noop` stores the plaintext (as the spec says; Kratos's noop
// writes hex of it). An empty plaintext stays empty.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace bia::crypto {

class TokenCipher {
  public:
    virtual ~TokenCipher() = default;
    virtual core::Result<std::string> Encrypt(std::string_view plaintext) const = 0;
    // A 400-free error (Internal) for text no configured key opens.
    virtual core::Result<std::string> Decrypt(std::string_view ciphertext) const = 0;
};

// `algorithm`: noop | aes | xchacha20-poly1305; `secrets`: secrets.cipher. An unknown algorithm,
// or a key of another length than 32 bytes, is an error naming the config key.
core::Result<std::unique_ptr<TokenCipher>> MakeTokenCipher(std::string_view algorithm,
                                                           const std::vector<std::string>& secrets);

}  // namespace bia::crypto
