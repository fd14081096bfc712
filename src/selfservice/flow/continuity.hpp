// Continuity containers (settings-flow.md §10.4): a paused submission kept server-side while the
// user re-authenticates, so the change is applied when the browser comes back. The browser only
// holds the `ory_kratos_continuity` cookie, which maps container names to container ids.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/uuid.hpp"

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
