// libFuzzer target: the CSRF token primitives (settings-flow.md §12.2) on attacker-controlled
// text — VerifyCsrfToken(cookie value, submitted form token), MaskCsrfToken of a cookie value and
// CsrfCookieName. The input is split at the first newline: cookie value before it, form token
// after it. Invariants checked: a value MaskCsrfToken accepts verifies against its own masking,
// and a token that verifies came from a cookie that decodes to 32 bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/encoding.hpp"
#include "crypto/csrf_token.hpp"

namespace {

// Deterministic, so replays are reproducible; the masking key does not matter for the checks.
class CountingRandom final : public bia::core::Random {
  public:
    void Fill(uint8_t* out, size_t n) override {
        for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(next_++ * 131 + 7);
    }

  private:
    uint8_t next_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view in(reinterpret_cast<const char*>(data), size);
    const size_t nl = in.find('\n');
    const std::string_view cookie = in.substr(0, nl);
    const std::string_view form = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);

    const bool verified = bia::crypto::VerifyCsrfToken(cookie, form);
    if (verified) {
        auto real = bia::core::Base64Decode(cookie);
        if (!real || real->size() != bia::crypto::kCsrfTokenBytes) std::abort();
    }
    // Both halves are tried as cookie values and as form tokens.
    (void)bia::crypto::VerifyCsrfToken(form, cookie);
    (void)bia::crypto::VerifyCsrfToken(cookie, cookie);

    CountingRandom random;
    for (std::string_view value : {cookie, form}) {
        auto masked = bia::crypto::MaskCsrfToken(value, random);
        if (masked && !bia::crypto::VerifyCsrfToken(value, *masked)) std::abort();
        if (masked && masked->size() != 88) std::abort();  // base64 of 64 bytes, padded
    }
    if (bia::crypto::CsrfCookieName(in).size() != 11 + 64) std::abort();
    return 0;
}
