// The recovery flow object (surrounding-api.md §10): its JSON shape and how it is stored.
#pragma once

#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>

#include "selfservice/flow/flow.hpp"
#include "selfservice/flow/flow_store.hpp"

namespace bia::selfservice::recovery {

inline constexpr std::string_view kStateChooseMethod = "choose_method";
inline constexpr std::string_view kStateSentEmail = "sent_email";
inline constexpr std::string_view kStatePassedChallenge = "passed_challenge";

struct RecoveryFlow : FlowBase {
    RecoveryFlow() { state = std::string(kStateChooseMethod); }

    std::string active;      // the method that sent the message; omitted when empty
    std::string csrf_token;  // server-only: masked token the browser flow was created with

    // id, type, expires_at, issued_at, request_url, return_to (omitempty), active (omitempty),
    // ui, state.
    nlohmann::json ToJson() const;

    // Flows an admin created (POST /admin/recovery/…) are opened from a link by a browser that
    // never had their CSRF cookie: their fetch and submissions skip the CSRF check, as Kratos's
    // do. Only CreateForAdmin sets this.
    static constexpr std::string_view kSkipCsrfKey = "dangerous_skip_csrf_check";
    bool SkipsCsrfCheck() const {
        auto it = internal_context.find(kSkipCsrfKey);
        return it != internal_context.end() && it->is_boolean() && it->get<bool>();
    }

    static constexpr std::string_view kKind = "recovery";
    static constexpr std::string_view kTable = "selfservice_recovery_flows";
    static std::span<const FlowField<RecoveryFlow>> Fields();
};

using RecoveryFlowRepository = FlowRepository<RecoveryFlow>;

}  // namespace bia::selfservice::recovery
