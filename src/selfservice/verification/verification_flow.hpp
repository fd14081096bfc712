// The verification flow object (surrounding-api.md §9): its JSON shape and how it is stored.
#pragma once

#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>

#include "selfservice/flow/flow.hpp"
#include "selfservice/flow/flow_store.hpp"

namespace bia::selfservice::verification {

inline constexpr std::string_view kStateChooseMethod = "choose_method";
inline constexpr std::string_view kStateSentEmail = "sent_email";
inline constexpr std::string_view kStatePassedChallenge = "passed_challenge";

struct VerificationFlow : FlowBase {
    VerificationFlow() { state = std::string(kStateChooseMethod); }

    std::string active;      // the method that sent the message; omitted when empty
    std::string csrf_token;  // server-only: masked token the browser flow was created with

    // id, type, expires_at, issued_at, request_url, return_to (omitempty), active (omitempty),
    // ui, state.
    nlohmann::json ToJson() const;

    static constexpr std::string_view kKind = "verification";
    static constexpr std::string_view kTable = "selfservice_verification_flows";
    static std::span<const FlowField<VerificationFlow>> Fields();
};

using VerificationFlowRepository = FlowRepository<VerificationFlow>;

}  // namespace bia::selfservice::verification
