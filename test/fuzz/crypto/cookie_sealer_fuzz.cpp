// libFuzzer target: CookieSealer::Open, the decoder of the sealed session and continuity cookies
// (base64url, version byte, nonce, AES-256-GCM ciphertext and tag). The first byte picks a mode:
//   0  the rest is a cookie value as a client sends it (arbitrary bytes), opened under both names;
//   1  a valid seal of a plaintext taken from the input, whose raw bytes are XORed with the
//      remaining input — Open must fail whenever a byte changed and give the plaintext otherwise;
//   2  the same seal truncated or extended at a length taken from the input — only the exact
//      length opens;
//   3  the same seal with characters of its base64url text overwritten — whatever opens must be
//      the original plaintext (and must not open under the other cookie's name).
// Seals also come from a second sealer with a rotated-out secret, which must still open.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/encoding.hpp"
#include "crypto/cookie_sealer.hpp"

namespace {

using bia::crypto::CookieSealer;

constexpr std::string_view kSession = "ory_kratos_session";
constexpr std::string_view kContinuity = "ory_kratos_continuity";

bia::core::SeededRandom& Rng() {
    static bia::core::SeededRandom random(42);
    return random;
}

// Opens with "new" (seals) and "old" (rotated out, still accepted).
const CookieSealer& Current() {
    static CookieSealer s = CookieSealer::Create({"new-secret-0123456789abcdef", "old-secret"}, Rng()).value();
    return s;
}
// Seals with the rotated-out secret only.
const CookieSealer& Previous() {
    static CookieSealer s = CookieSealer::Create({"old-secret"}, Rng()).value();
    return s;
}

void Check(bool ok) {
    if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const uint8_t mode = data[0] % 4;
    const bool rotated = (data[0] / 4) % 2 == 1;
    std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);

    if (mode == 0) {
        auto a = Current().Open(kSession, rest);
        auto b = Current().Open(kContinuity, rest);
        // A value opens under at most one name (the name is bound as associated data).
        Check(!(a.ok() && b.ok()));
        return 0;
    }

    // Plaintext: a length byte, then that many bytes (capped by what is there).
    if (rest.empty()) return 0;
    const size_t len = std::min<size_t>(static_cast<uint8_t>(rest[0]), rest.size() - 1);
    const std::string plaintext(rest.substr(1, len));
    const std::string_view tail = rest.substr(1 + len);
    auto sealed = (rotated ? Previous() : Current()).Seal(kSession, plaintext);
    Check(sealed.ok());
    auto opened = Current().Open(kSession, *sealed);
    Check(opened.ok() && *opened == plaintext);
    auto raw = bia::core::Base64UrlDecode(*sealed);
    Check(raw.has_value());

    if (mode == 1) {
        std::string mutated = *raw;
        bool changed = false;
        for (size_t i = 0; i < tail.size() && i < mutated.size(); ++i) {
            mutated[i] = static_cast<char>(mutated[i] ^ tail[i]);
            changed = changed || tail[i] != 0;
        }
        auto r = Current().Open(kSession, bia::core::Base64UrlEncode(mutated, /*pad=*/false));
        if (changed) {
            Check(!r.ok());
        } else {
            Check(r.ok() && *r == plaintext);
        }
    } else if (mode == 2) {
        size_t cut = 0;
        for (char c : tail.substr(0, 2)) cut = cut * 256 + static_cast<uint8_t>(c);
        cut %= raw->size() + 8;
        std::string resized = raw->substr(0, cut);
        if (cut > raw->size()) resized.append(cut - raw->size(), 'A');
        auto r = Current().Open(kSession, bia::core::Base64UrlEncode(resized, /*pad=*/false));
        Check(cut == raw->size() ? (r.ok() && *r == plaintext) : !r.ok());
    } else {
        std::string text = *sealed;
        // Pairs (position, replacement character).
        for (size_t i = 0; i + 1 < tail.size(); i += 2) {
            if (text.empty()) break;
            text[static_cast<uint8_t>(tail[i]) % text.size()] = tail[i + 1];
        }
        if (tail.size() % 2 == 1) text += tail.back();
        auto r = Current().Open(kSession, text);
        if (r.ok()) Check(*r == plaintext);
        Check(!Current().Open(kContinuity, text).ok());
    }
    return 0;
}
