// The login flow object (surrounding-api.md §7): what a client fetches and submits against, its
// JSON shape, and the storage contract flows are kept in between requests.
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

namespace bia::selfservice::login {

inline constexpr std::string_view kStateChooseMethod = "choose_method";
inline constexpr std::string_view kStatePassedChallenge = "passed_challenge";

struct LoginFlow : FlowBase {
    LoginFlow() { state = std::string(kStateChooseMethod); }

    std::string active;  // the method used last; omitted when empty
    bool refresh = false;
    std::string requested_aal = "aal1";
    // Server-only: the masked CSRF token the flow was created with (fetch check, §7 of
    // surrounding-api.md).
    std::string csrf_token;

    // G1 fields plus G2's `state`: id, type, expires_at, issued_at, request_url, return_to
    // (omitempty), active (omitempty), ui, created_at, updated_at, refresh, requested_aal, state.
    nlohmann::json ToJson() const;

    // Storage (flow_store.hpp).
    static constexpr std::string_view kKind = "login";
    static constexpr std::string_view kTable = "selfservice_login_flows";
    static std::span<const FlowField<LoginFlow>> Fields();
};

using LoginFlowRepository = FlowRepository<LoginFlow>;

}  // namespace bia::selfservice::login
