// Small cryptographic primitives every module needs: constant-time comparison (OpenSSL's
// CRYPTO_memcmp), SHA-256 and HMAC-SHA256 (libsodium), SHA-1 (OpenSSL, used only on demand).
// Password hashing lives in crypto/.
#pragma once

#include <string>
#include <string_view>

namespace bia::core {

// Compares in time independent of where the inputs differ (length leaks, content doesn't).
bool ConstantTimeEquals(std::string_view a, std::string_view b);
std::string Sha256(std::string_view data);                            // raw 32 bytes
std::string Sha1(std::string_view data);                              // raw 20 bytes
std::string HmacSha256(std::string_view key, std::string_view data);  // raw 32 bytes

}  // namespace bia::core
