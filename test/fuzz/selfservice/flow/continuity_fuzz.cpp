// libFuzzer target: the continuity cookie (settings-flow.md §10.4) — `ory_kratos_continuity`
// holds a sealed {"<container name>":"<container id>"} map. The first byte picks a mode:
//   0  ContinuityRefs::Decode of arbitrary text (what a sealed payload could hold);
//   1  the rest is the cookie value a browser sends: CookieSealer::Open, then Decode, as the
//      settings routes read it;
//   2  the rest is a payload sealed by the server, opened and decoded again (and refused under the
//      session cookie's name);
//   3  the rest drives Put/Remove on a ContinuityRefs; Encode → Decode must give the same map.
// Whatever decodes must encode and decode to the same map.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "crypto/cookie_sealer.hpp"
#include "selfservice/flow/continuity.hpp"

namespace {

using bia::selfservice::ContinuityRefs;

const bia::crypto::CookieSealer& Sealer() {
    static bia::core::SeededRandom random(7);
    static bia::crypto::CookieSealer s = bia::crypto::CookieSealer::Create({"continuity-fuzz-secret"}, random).value();
    return s;
}

void Check(bool ok) {
    if (!ok) std::abort();
}

// Any 16 bytes as an id (canonical text form, then parsed).
bia::core::Uuid IdOf(std::string_view bytes) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string text;
    for (size_t i = 0; i < bytes.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) text += '-';
        const auto b = static_cast<uint8_t>(bytes[i]);
        text += kHex[b >> 4];
        text += kHex[b & 15];
    }
    auto id = bia::core::Uuid::Parse(text);
    Check(id.has_value());
    return *id;
}

void RoundTrips(const ContinuityRefs& refs) {
    const ContinuityRefs again = ContinuityRefs::Decode(refs.Encode());
    Check(again.containers == refs.containers);
    Check(!again.changed);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
    const std::string_view name = bia::selfservice::kContinuityCookieName;
    switch (data[0] % 4) {
        case 0:
            RoundTrips(ContinuityRefs::Decode(rest));
            break;
        case 1:
            if (auto opened = Sealer().Open(name, rest)) RoundTrips(ContinuityRefs::Decode(*opened));
            break;
        case 2: {
            auto sealed = Sealer().Seal(name, rest);
            if (!sealed) {
                // Only values whose seal would be longer than Open accepts (16 KiB) are refused.
                Check(rest.size() > 16 * 1024 * 3 / 4 - 1 - 12 - 16);
                break;
            }
            auto opened = Sealer().Open(name, *sealed);
            Check(opened.ok() && *opened == rest);
            Check(!Sealer().Open("ory_kratos_session", *sealed).ok());
            RoundTrips(ContinuityRefs::Decode(*opened));
            break;
        }
        default: {
            static const char* const kNames[] = {"ory_kratos_settings_password",
                                                 "ory_kratos_settings_profile",
                                                 "ory_kratos_settings_totp",
                                                 "",
                                                 "\xc3\xa9t\xc3\xa9",
                                                 "a\"b\\c"};
            ContinuityRefs refs;
            // Ops of 17 bytes: name index (even: Put, odd: Remove) and 16 id bytes.
            for (size_t i = 0; i + 17 <= rest.size(); i += 17) {
                const uint8_t op = static_cast<uint8_t>(rest[i]);
                const char* n = kNames[(op / 2) % (sizeof kNames / sizeof kNames[0])];
                if (op % 2 == 0) {
                    refs.Put(n, IdOf(rest.substr(i + 1, 16)));
                } else {
                    refs.Remove(n);
                }
            }
            RoundTrips(refs);
            break;
        }
    }
    return 0;
}
