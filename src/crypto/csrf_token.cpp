#include "crypto/csrf_token.hpp"

#include "core/crypto_util.hpp"
#include "core/encoding.hpp"

namespace bia::crypto {

namespace {

std::string Xor(std::string_view a, std::string_view b) {
    std::string out(a.size(), '\0');
    for (size_t i = 0; i < a.size(); ++i) out[i] = static_cast<char>(a[i] ^ b[i]);
    return out;
}

}  // namespace

std::string GenerateCsrfCookieValue(core::Random& random) {
    return core::Base64Encode(core::AsChars(random.Bytes(kCsrfTokenBytes)));
}

core::Result<std::string> MaskCsrfToken(std::string_view real_token_b64, core::Random& random) {
    auto real = core::Base64Decode(real_token_b64);
    if (!real || real->size() != kCsrfTokenBytes) {
        return core::BadRequest("The CSRF token must be 32 bytes of base64.");
    }
    const auto key = random.Bytes(kCsrfTokenBytes);
    const std::string_view key_bytes = core::AsChars(key);
    std::string masked(key_bytes);
    masked += Xor(*real, key_bytes);
    return core::Base64Encode(masked);
}

bool VerifyCsrfToken(std::string_view cookie_value, std::string_view form_token) {
    auto real = core::Base64Decode(cookie_value);
    auto sent = core::Base64Decode(form_token);
    if (!real || !sent || real->size() != kCsrfTokenBytes || sent->size() != 2 * kCsrfTokenBytes) {
        return false;
    }
    const std::string_view s(*sent);
    const std::string unmasked = Xor(s.substr(kCsrfTokenBytes), s.substr(0, kCsrfTokenBytes));
    return core::ConstantTimeEquals(unmasked, *real);
}

std::string CsrfCookieName(std::string_view public_base_url) {
    return "csrf_token_" + core::HexEncode(core::Sha256(public_base_url));
}

}  // namespace bia::crypto
