// The registration flow object (surrounding-api.md §8): its JSON shape and the storage contract
// flows are kept in between requests.
#pragma once

#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/uuid.hpp"
#include "selfservice/flow/flow.hpp"
#include "selfservice/flow/flow_store.hpp"
#include "ui/container.hpp"

namespace bia::selfservice::registration {

inline constexpr std::string_view kStateChooseMethod = "choose_method";
inline constexpr std::string_view kStatePassedChallenge = "passed_challenge";

struct RegistrationFlow : FlowBase {
    RegistrationFlow() { state = std::string(kStateChooseMethod); }

    std::string active;      // omitted when empty
    std::string csrf_token;  // server-only: masked token the browser flow was created with
    // created_at and updated_at are server-only here (not part of the G1/G2 registration flow JSON).

    // id, type, expires_at, issued_at, request_url, return_to (omitempty), active (omitempty),
    // ui, and G2's state.
    nlohmann::json ToJson() const;

    // Storage (flow_store.hpp).
    static constexpr std::string_view kKind = "registration";
    static constexpr std::string_view kTable = "selfservice_registration_flows";
    static std::span<const FlowField<RegistrationFlow>> Fields();
};

using RegistrationFlowRepository = FlowRepository<RegistrationFlow>;

}  // namespace bia::selfservice::registration
