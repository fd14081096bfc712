// libFuzzer target: continuity payloads at rest (SealContinuityPayload / OpenContinuityPayload),
// what the continuity_containers.payload column holds. The first byte picks a mode:
//   0  the rest is a stored column (JSON): opening it must not crash, and whatever opens must
//      seal and open to the same payload again;
//   1  the rest is a payload (JSON): sealed, it opens to itself under its own container id only,
//      and not with a chunk dropped or two chunks swapped;
//   2  a fixed payload is sealed, then the rest flips bytes of the stored text (pairs of
//      position, xor mask): the result either does not open or opens to the very same payload —
//      tampering never yields something else.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "crypto/cookie_sealer.hpp"
#include "selfservice/flow/continuity.hpp"

namespace {

using bia::selfservice::OpenContinuityPayload;
using bia::selfservice::SealContinuityPayload;
using nlohmann::json;

const bia::crypto::CookieSealer& Sealer() {
    static bia::core::SeededRandom random(9);
    static bia::crypto::CookieSealer s =
        bia::crypto::CookieSealer::Create({"continuity-payload-fuzz-secret", "an-older-secret-0123456789"}, random)
            .value();
    return s;
}

const bia::core::Uuid& Id() {
    static const bia::core::Uuid id = *bia::core::Uuid::Parse("7b0c6a3e-2f4d-4a51-9c8e-0d1f2a3b4c5d");
    return id;
}

const bia::core::Uuid& OtherId() {
    static const bia::core::Uuid id = *bia::core::Uuid::Parse("00000000-0000-4000-8000-000000000001");
    return id;
}

void Check(bool ok) {
    if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
    switch (data[0] % 3) {
        case 0: {
            const json stored = json::parse(rest, nullptr, false);
            if (stored.is_discarded()) break;
            auto opened = OpenContinuityPayload(Sealer(), Id(), stored);
            if (!opened) break;
            auto again = SealContinuityPayload(Sealer(), Id(), *opened);
            Check(again.ok());
            auto reopened = OpenContinuityPayload(Sealer(), Id(), *again);
            Check(reopened.ok() && *reopened == *opened);
            break;
        }
        case 1: {
            const json payload = json::parse(rest, nullptr, false);
            if (payload.is_discarded()) break;
            auto sealed = SealContinuityPayload(Sealer(), Id(), payload);
            Check(sealed.ok());
            auto opened = OpenContinuityPayload(Sealer(), Id(), *sealed);
            Check(opened.ok() && *opened == payload);
            Check(!OpenContinuityPayload(Sealer(), OtherId(), *sealed).ok());
            const size_t chunks = sealed->at("sealed").size();
            if (chunks > 1) {
                json dropped = *sealed;
                dropped["sealed"].erase(chunks - 1);
                Check(!OpenContinuityPayload(Sealer(), Id(), dropped).ok());
                json swapped = *sealed;
                std::swap(swapped["sealed"][0], swapped["sealed"][1]);
                Check(!OpenContinuityPayload(Sealer(), Id(), swapped).ok());
            }
            break;
        }
        default: {
            static const json kPayload = {{"flow", "f"}, {"body", {{"method", "password"}, {"password", "p4ss"}}}};
            auto sealed = SealContinuityPayload(Sealer(), Id(), kPayload);
            Check(sealed.ok());
            std::string text = sealed->dump();
            for (size_t i = 0; i + 2 <= rest.size(); i += 2) {
                const auto pos = static_cast<uint8_t>(rest[i]);
                text[pos % text.size()] = static_cast<char>(text[pos % text.size()] ^ rest[i + 1]);
            }
            const json stored = json::parse(text, nullptr, false);
            if (stored.is_discarded()) break;
            auto opened = OpenContinuityPayload(Sealer(), Id(), stored);
            Check(!opened.ok() || *opened == kPayload);
            break;
        }
    }
    return 0;
}
