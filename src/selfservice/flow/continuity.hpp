// Continuity containers (settings-flow.md §10.4): a paused submission kept server-side while the
// user re-authenticates, so the change is applied when the browser comes back. The browser only
// holds the `ory_kratos_continuity` cookie, which maps container names to container ids. What the
// user submitted is sealed at rest (SealedContinuityRepository).
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/uuid.hpp"
#include "crypto/cookie_sealer.hpp"

namespace bia::selfservice {

inline constexpr std::string_view kContinuityCookieName = "ory_kratos_continuity";
// Containers live 15 minutes (§10.4); the cookie that names them lasts 30 days.
inline constexpr auto kContinuityLifespan = std::chrono::minutes(15);
inline constexpr long long kContinuityCookieMaxAge = 30LL * 24 * 3600;

struct ContinuityContainer {
    core::Uuid id;
    std::string name;  // e.g. "ory_kratos_settings_password"
    core::Uuid identity_id;
    nlohmann::json payload;
    core::TimePoint expires_at{};
    core::TimePoint created_at{};
    bool IsExpiredAt(core::TimePoint now) const { return expires_at < now; }
};

class ContinuityRepository {
  public:
    virtual ~ContinuityRepository() = default;
    virtual core::Status Create(const ContinuityContainer& container) = 0;
    // 404 when absent.
    virtual core::Result<ContinuityContainer> Get(const core::Uuid& id) = 0;
    // Deleting an absent container is not an error.
    virtual core::Status Delete(const core::Uuid& id) = 0;
};

// The payload as stored: {"sealed":["<chunk>",…]}, the payload's JSON text cut into chunks of at
// most kContinuitySealChunk bytes, each sealed by `sealer` (AES-256-GCM, crypto::CookieSealer)
// under a name that binds the container id, the chunk's position and the chunk count — so a
// sealed payload opens under its own container only, whole and in order.
inline constexpr size_t kContinuitySealChunk = 8 * 1024;
core::Result<nlohmann::json> SealContinuityPayload(const crypto::CookieSealer& sealer, const core::Uuid& id,
                                                   const nlohmann::json& payload);
// The payload back; a 400 for anything that is not such a payload sealed for `id` by one of the
// sealer's secrets (tampered, truncated, reordered, another container's, plaintext, or sealed
// with a secret since removed).
core::Result<nlohmann::json> OpenContinuityPayload(const crypto::CookieSealer& sealer, const core::Uuid& id,
                                                   const nlohmann::json& stored);

// What a user submitted never rests in plaintext: this decorator seals the payload (a paused
// settings submission holds the new password) before it reaches the repository beneath, and opens
// it on Get; the other fields pass through. Keys are the cipher secrets (Config::CipherSecrets):
// the first seals, every one opens, so secrets can rotate. A container that does not open is
// deleted and reported as absent (404), as an expired one is by the settings flow.
class SealedContinuityRepository final : public ContinuityRepository {
  public:
    SealedContinuityRepository(ContinuityRepository& stored, const crypto::CookieSealer& sealer)
        : stored_(stored), sealer_(sealer) {}
    core::Status Create(const ContinuityContainer& container) override;
    core::Result<ContinuityContainer> Get(const core::Uuid& id) override;
    core::Status Delete(const core::Uuid& id) override { return stored_.Delete(id); }

  private:
    ContinuityRepository& stored_;
    const crypto::CookieSealer& sealer_;
};

// The container names and ids the browser's continuity cookie carries. `changed` tells http/ to
// write the cookie again (an empty map deletes it).
struct ContinuityRefs {
    std::map<std::string, core::Uuid, std::less<>> containers;
    bool changed = false;

    void Put(std::string name, const core::Uuid& id) {
        containers[std::move(name)] = id;
        changed = true;
    }
    void Remove(std::string_view name) {
        if (auto it = containers.find(name); it != containers.end()) {
            containers.erase(it);
            changed = true;
        }
    }
    // Cookie payload: {"<name>":"<uuid>",...}; malformed input yields no refs.
    std::string Encode() const;
    static ContinuityRefs Decode(std::string_view text);
};

}  // namespace bia::selfservice
