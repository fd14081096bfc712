// The login flow object (surrounding-api.md §7): what a client fetches and submits against, its
// JSON shape, and the storage contract flows are kept in between requests.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/uuid.hpp"
#include "selfservice/flow/flow.hpp"
#include "ui/container.hpp"

namespace bia::selfservice::login {

inline constexpr std::string_view kStateChooseMethod = "choose_method";
inline constexpr std::string_view kStatePassedChallenge = "passed_challenge";

struct LoginFlow {
    core::Uuid id;
    FlowType type = FlowType::kBrowser;
    core::TimePoint expires_at{};
    core::TimePoint issued_at{};
    std::string request_url;
    std::string active;  // the method used last; omitted when empty
    ui::Container ui;
    core::TimePoint created_at{};
    core::TimePoint updated_at{};
    bool refresh = false;
    std::string requested_aal = "aal1";
    std::string state{kStateChooseMethod};
    // Server-only: the masked CSRF token the flow was created with (fetch check, §7 of
    // surrounding-api.md) and per-method scratch data.
    std::string csrf_token;
    nlohmann::json internal_context = nlohmann::json::object();

    // Kratos compares with "expires_at before now".
    bool IsExpiredAt(core::TimePoint now) const { return expires_at < now; }
    std::string ReturnTo() const { return ReturnToOf(request_url); }

    // G1 fields plus G2's `state`: id, type, expires_at, issued_at, request_url, return_to
    // (omitempty), active (omitempty), ui, created_at, updated_at, refresh, requested_aal, state.
    nlohmann::json ToJson() const;
};

class LoginFlowRepository {
  public:
    virtual ~LoginFlowRepository() = default;
    virtual core::Status Create(const LoginFlow& flow) = 0;
    // Rewrites everything but id and created_at; 404 when absent.
    virtual core::Status Update(const LoginFlow& flow) = 0;
    // 404 "Unable to locate the resource" when absent.
    virtual core::Result<LoginFlow> Get(const core::Uuid& id) = 0;
};

}  // namespace bia::selfservice::login
