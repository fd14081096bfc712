// The verification flow (surrounding-api.md §9): create API/browser flows, fetch them, and run
// submissions — an address to send a message to, or the answer to it (a code typed in, a link
// opened from the email) — through the configured method. Also the VerificationSender that
// registration and settings call after storing an identity with a pending address.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
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
#include "selfservice/flow/verification_sender.hpp"
#include "selfservice/verification/verification_flow.hpp"
#include "selfservice/verification/verification_strategy.hpp"

namespace bia::selfservice::verification {

inline constexpr std::string_view kRouteInitApi = "/self-service/verification/api";
inline constexpr std::string_view kRouteInitBrowser = "/self-service/verification/browser";
inline constexpr std::string_view kRouteFetch = "/self-service/verification/flows";
inline constexpr std::string_view kRouteSubmit = "/self-service/verification";

// 400 self_service_flow_disabled.
core::Error VerificationDisabled();

class VerificationService final : public VerificationSender {
  public:
    VerificationService(const config::Config& config, VerificationFlowRepository& flows,
                        std::vector<VerificationStrategy*> strategies, identity::IdentityRepository& identities,
                        const ReturnToValidator& return_to, const core::Clock& clock, core::Random& random);

    Outcome Init(FlowType type, const RequestContext& ctx);
    core::Result<nlohmann::json> Fetch(const RequestContext& ctx, std::string_view id);
    // POST /self-service/verification?flow=
    Outcome Submit(const RequestContext& ctx, std::string_view flow_id, const core::Result<nlohmann::json>& body);
    // GET /self-service/verification?flow=&token= (link) or &code= (the link in a code email).
    Outcome SubmitLink(const RequestContext& ctx, std::string_view flow_id, const core::Query& query);

    core::Result<std::optional<VerificationStarted>> SendForPendingAddress(const RequestContext& ctx, FlowType type,
                                                                           identity::Identity& identity) override;

  private:
    core::Result<VerificationFlow> NewFlow(FlowType type, const RequestContext& ctx, const std::string& request_url);
    Outcome Run(const RequestContext& ctx, std::string_view flow_id, const core::Result<nlohmann::json>& body,
                bool from_link);
    Outcome Finish(const RequestContext& ctx, VerificationFlow& flow, VerificationAttempt& attempt, bool from_link);
    // The configured strategy (selfservice.flows.verification.use), when its method is enabled.
    VerificationStrategy* Used() const;
    std::string ReturnUrl(const VerificationFlow& flow) const;

    const config::Config& config_;
    FlowEngine<VerificationFlow> engine_;
    std::vector<VerificationStrategy*> strategies_;
    std::vector<std::string> method_node_order_;
    identity::IdentityRepository& identities_;
    const ReturnToValidator& return_to_;
    const core::Clock& clock_;
    FlowEngine<VerificationFlow>::ToJson to_json_;
};

}  // namespace bia::selfservice::verification
