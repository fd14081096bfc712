// Small cryptographic primitives every module needs: constant-time comparison, SHA-256/1 and
// HMAC-SHA256 (OpenSSL). Password hashing lives in crypto/.
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
