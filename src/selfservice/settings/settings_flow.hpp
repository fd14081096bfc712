// The settings flow object (settings-flow.md §7): what a signed-in client fetches and submits
// against to change its own identity, its JSON shape, and the storage contract flows are kept in
// between requests.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/uuid.hpp"
#include "identity/identity.hpp"
#include "selfservice/flow/flow.hpp"
#include "ui/container.hpp"

namespace bia::selfservice::settings {

inline constexpr std::string_view kStateShowForm = "show_form";
inline constexpr std::string_view kStateSuccess = "success";

struct SettingsFlow {
    core::Uuid id;
    FlowType type = FlowType::kBrowser;
    core::TimePoint expires_at{};
    core::TimePoint issued_at{};
    std::string request_url;
    ui::Container ui;
    core::Uuid identity_id;  // server-only: the owner (§13)
    std::string state{kStateShowForm};
    // Server-only per-method scratch data (§7.1), e.g. a TOTP secret awaiting confirmation.
    nlohmann::json internal_context = nlohmann::json::object();
    core::TimePoint created_at{};
    core::TimePoint updated_at{};

    // Kratos compares with "expires_at before now" (§9.3).
    bool IsExpiredAt(core::TimePoint now) const { return expires_at < now; }
    std::string ReturnTo() const { return ReturnToOf(request_url); }

    // The wire shape of §7.1: id, type, expires_at, issued_at, request_url, return_to (omitempty),
    // ui, identity (public view of `owner`), state; `continue_with` only when non-empty (it is a
    // property of a success response, never stored).
    nlohmann::json ToJson(const identity::Identity& owner, std::string_view public_base_url,
                          const nlohmann::json& continue_with = nlohmann::json()) const;
};

class SettingsFlowRepository {
  public:
    virtual ~SettingsFlowRepository() = default;
    virtual core::Status Create(const SettingsFlow& flow) = 0;
    // Rewrites everything but id and created_at; 404 when absent.
    virtual core::Status Update(const SettingsFlow& flow) = 0;
    // 404 "Unable to locate the resource" when absent.
    virtual core::Result<SettingsFlow> Get(const core::Uuid& id) = 0;
};

}  // namespace bia::selfservice::settings
