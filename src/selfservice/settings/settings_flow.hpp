// The settings flow object (settings-flow.md §7): what a signed-in client fetches and submits
// against to change its own identity, its JSON shape, and the storage contract flows are kept in
// between requests.
#pragma once

#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/uuid.hpp"
#include "identity/identity.hpp"
#include "selfservice/flow/flow.hpp"
#include "selfservice/flow/flow_store.hpp"
#include "ui/container.hpp"

namespace bia::selfservice::settings {

inline constexpr std::string_view kStateShowForm = "show_form";
inline constexpr std::string_view kStateSuccess = "success";

struct SettingsFlow : FlowBase {
    SettingsFlow() { state = std::string(kStateShowForm); }

    core::Uuid identity_id;  // server-only: the owner (§13)

    // The wire shape of §7.1: id, type, expires_at, issued_at, request_url, return_to (omitempty),
    // ui, identity (public view of `owner`), state; `continue_with` only when non-empty (it is a
    // property of a success response, never stored).
    nlohmann::json ToJson(const identity::Identity& owner, std::string_view public_base_url,
                          const nlohmann::json& continue_with = nlohmann::json()) const;
    // The same document written as text, with the kind's `extra` members (the settings view's).
    std::string ToJsonText(const identity::Identity& owner, std::string_view public_base_url,
                           const nlohmann::json& continue_with, std::vector<JsonMemberWriter> extra = {}) const;

    // Storage (flow_store.hpp).
    static constexpr std::string_view kKind = "settings";
    static constexpr std::string_view kTable = "selfservice_settings_flows";
    static std::span<const FlowField<SettingsFlow>> Fields();
};

using SettingsFlowRepository = FlowRepository<SettingsFlow>;

}  // namespace bia::selfservice::settings
