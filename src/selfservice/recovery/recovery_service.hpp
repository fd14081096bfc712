// The recovery flow (surrounding-api.md §10): create API/browser flows, fetch them, run
// submissions through the configured method (an address to send a link or code to, then the
// answer), and on success sign the identity in with a privileged session and hand it a settings
// flow to set a new password. Admins create recovery links and codes for an identity directly.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/random.hpp"
#include "core/url.hpp"
#include "identity/identity_repository.hpp"
#include "selfservice/flow/flow_engine.hpp"
#include "selfservice/flow/outcome.hpp"
#include "selfservice/flow/return_to.hpp"
#include "selfservice/recovery/recovery_flow.hpp"
#include "selfservice/recovery/recovery_strategy.hpp"
#include "selfservice/settings/settings_service.hpp"
#include "session/session_service.hpp"

namespace bia::selfservice::recovery {

inline constexpr std::string_view kRouteInitApi = "/self-service/recovery/api";
inline constexpr std::string_view kRouteInitBrowser = "/self-service/recovery/browser";
inline constexpr std::string_view kRouteFetch = "/self-service/recovery/flows";
inline constexpr std::string_view kRouteSubmit = "/self-service/recovery";
inline constexpr std::string_view kHookRevokeActiveSessions = "revoke_active_sessions";

core::Error RecoveryDisabled();
core::Error AlreadyLoggedInRecovery();

// POST /admin/recovery/{link,code} input.
struct AdminRecoveryRequest {
    core::Uuid identity_id;
    std::optional<core::Duration> expires_in;  // default: the flow lifespan
    std::string return_to;
    FlowType flow_type = FlowType::kBrowser;  // code only: an API flow for a native app
};

class RecoveryService {
  public:
    RecoveryService(const config::Config& config, RecoveryFlowRepository& flows,
                    std::vector<RecoveryStrategy*> strategies, identity::IdentityRepository& identities,
                    session::SessionService& sessions, settings::SettingsService& settings,
                    const ReturnToValidator& return_to, const core::Clock& clock, core::Random& random);

    Outcome Init(FlowType type, const RequestContext& ctx);
    core::Result<nlohmann::json> Fetch(const RequestContext& ctx, std::string_view id);
    Outcome Submit(const RequestContext& ctx, std::string_view flow_id, const core::Result<nlohmann::json>& body);
    // GET /self-service/recovery?flow=&token= (the link of a recovery email).
    Outcome SubmitLink(const RequestContext& ctx, std::string_view flow_id, const core::Query& query);

    // POST /admin/recovery/link (`method` "link": {recovery_link, expires_at}) and
    // /admin/recovery/code ("code": {recovery_link, recovery_code, expires_at}).
    core::Result<nlohmann::json> CreateForAdmin(std::string_view method, const AdminRecoveryRequest& request);

  private:
    core::Result<RecoveryFlow> NewFlow(FlowType type, const RequestContext& ctx, const std::string& request_url);
    Outcome Run(const RequestContext& ctx, std::string_view flow_id, const core::Result<nlohmann::json>& body,
                bool from_link);
    Outcome Finish(const RequestContext& ctx, RecoveryFlow& flow, RecoveryAttempt& attempt);
    RecoveryStrategy* Used() const;
    RecoveryStrategy* Named(std::string_view id) const;

    const config::Config& config_;
    FlowEngine<RecoveryFlow> engine_;
    std::vector<RecoveryStrategy*> strategies_;
    std::vector<std::string> method_node_order_;
    identity::IdentityRepository& identities_;
    session::SessionService& sessions_;
    settings::SettingsService& settings_;
    const ReturnToValidator& return_to_;
    const core::Clock& clock_;
    FlowEngine<RecoveryFlow>::ToJson to_json_;
};

}  // namespace bia::selfservice::recovery
