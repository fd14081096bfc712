// CSRF tokens in Kratos's format (settings-flow.md §12.2): a 32-byte secret in a cookie whose
// name derives from the public base URL, and per-form tokens that mask it with a one-time key
// so the value rendered into pages differs every time (no BREACH-style compression oracle).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/random.hpp"
#include "core/result.hpp"

namespace bia::crypto {

inline constexpr size_t kCsrfTokenBytes = 32;

// base64 (standard alphabet, padded) of 32 random bytes.
std::string GenerateCsrfCookieValue(core::Random& random);

// base64 (standard, padded) of the 64 bytes key ‖ (real XOR key) for a fresh random key.
// Fails with a 400 when `real_token_b64` does not decode to 32 bytes.
core::Result<std::string> MaskCsrfToken(std::string_view real_token_b64, core::Random& random);

// True only when the cookie decodes to 32 bytes, the form token to 64 bytes, and unmasking the
// latter yields the former (compared in constant time). Any other shape fails.
bool VerifyCsrfToken(std::string_view cookie_value, std::string_view form_token);

// "csrf_token_" + lower-hex SHA-256 of the configured public base URL, byte for byte.
std::string CsrfCookieName(std::string_view public_base_url);

}  // namespace bia::crypto
