// Sealed cookie values (session and continuity cookies, `secrets.cookie`): authenticated
// encryption so a client can neither read nor forge them, with secret rotation — the first
// secret seals, every configured secret is tried when opening.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/random.hpp"
#include "core/result.hpp"

namespace bia::crypto {

inline constexpr std::string_view kCookieSealerKeyLabel = "bia cookie sealer v1: aes-256-gcm key";

// Format: base64url without padding (cookie-safe) of
//   version (1 byte, 0x01) ‖ nonce (12 random bytes) ‖ AES-256-GCM ciphertext ‖ tag (16 bytes).
// The key of each secret is HMAC-SHA256(secret, kCookieSealerKeyLabel): secrets are operator-
// chosen strings, so they are never used as AES keys directly. The cookie name is bound as
// associated data, so a value sealed for one cookie does not open as another.
class CookieSealer {
  public:
    // Fails with a 500 when `secrets` is empty or contains an empty secret. `random` supplies
    // nonces, must outlive the sealer, and must be safe for concurrent use (SecureRandom is).
    static core::Result<CookieSealer> Create(std::vector<std::string> secrets, core::Random& random);

    // Fails with a 500 when the sealed value would be longer than Open accepts (16 KiB of text,
    // i.e. a plaintext over 12,259 bytes; browsers keep cookies of about 4 KiB anyway).
    core::Result<std::string> Seal(std::string_view name, std::string_view plaintext) const;

    // Fails with a 400 for anything not sealed under `name` by one of the secrets (tampered,
    // truncated, foreign, or sealed with a secret since removed); callers treat that as "no
    // cookie".
    core::Result<std::string> Open(std::string_view name, std::string_view sealed) const;

  private:
    using Key = std::array<uint8_t, 32>;
    CookieSealer(std::vector<Key> keys, core::Random& random) : keys_(std::move(keys)), random_(&random) {}

    std::vector<Key> keys_;
    core::Random* random_;
};

}  // namespace bia::crypto
