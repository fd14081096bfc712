// TOTP (RFC 6238 over RFC 4226 HOTP) as Kratos configures it: HMAC-SHA1, 6 digits, 30 s steps,
// a 160-bit secret shown in base32 (RFC 4648, no padding), an otpauth:// key URL and its QR code
// as a 256×256 PNG data URL (settings-flow.md §8.3).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/random.hpp"

namespace bia::strategy::totp {

inline constexpr int kDigits = 6;
inline constexpr int64_t kPeriodSeconds = 30;
inline constexpr size_t kSecretBytes = 20;
inline constexpr int kQrSize = 256;

std::string Base32Encode(std::string_view bytes);
// Upper or lower case, padding optional; nullopt on anything else.
std::optional<std::string> Base32Decode(std::string_view text);

// The HOTP value of `counter` truncated to `digits` decimal digits, zero-padded.
std::string HotpCode(std::string_view secret, uint64_t counter, int digits = kDigits);
// The TOTP value at `unix_seconds`.
std::string TotpCode(std::string_view secret, int64_t unix_seconds, int digits = kDigits);
// Whether `code` is the TOTP value of the step at `now` or of one step either side (clock skew),
// compared in constant time.
bool VerifyTotp(std::string_view secret, std::string_view code, core::TimePoint now);

// otpauth://totp/<issuer>:<account>?algorithm=SHA1&digits=6&issuer=<issuer>&period=30&secret=<b32>
std::string KeyUrl(std::string_view issuer, std::string_view account, std::string_view secret);
// The raw secret of a key URL made by KeyUrl (or any otpauth URL with a base32 `secret`).
std::optional<std::string> SecretOfKeyUrl(std::string_view url);

// A new random secret of kSecretBytes.
std::string NewSecret(core::Random& random);

// "data:image/png;base64,…": the QR code of `text`, kQrSize × kQrSize pixels; nullopt when the
// text does not fit a QR code.
std::optional<std::string> QrPngDataUrl(std::string_view text);

}  // namespace bia::strategy::totp
