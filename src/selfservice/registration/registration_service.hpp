// The registration flow (surrounding-api.md §8): create API/browser flows, fetch them, and turn a
// submission into a stored identity — plus a session when the `session` after-hook is configured
// for the method. Returns selfservice::Outcome values; http/ writes the responses.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/random.hpp"
#include "core/unit_of_work.hpp"
#include "identity/identity_repository.hpp"
#include "schema/schema.hpp"
#include "selfservice/flow/flow_engine.hpp"
#include "selfservice/flow/outcome.hpp"
#include "selfservice/flow/return_to.hpp"
#include "selfservice/flow/verification_sender.hpp"
#include "selfservice/registration/registration_flow.hpp"
#include "selfservice/registration/registration_strategy.hpp"
#include "session/session_service.hpp"

namespace bia::selfservice::registration {

inline constexpr std::string_view kRouteInitApi = "/self-service/registration/api";
inline constexpr std::string_view kRouteInitBrowser = "/self-service/registration/browser";
inline constexpr std::string_view kRouteFetch = "/self-service/registration/flows";
inline constexpr std::string_view kRouteSubmit = "/self-service/registration";
inline constexpr std::string_view kHookSession = "session";
inline constexpr std::string_view kHookShowVerificationUi = "show_verification_ui";

// Node order of registration forms: csrf_token, the traits in schema order, then the methods'
// node ids (RegistrationStrategy::NodeOrder, e.g. password).
ui::SortOptions RegistrationSortOptions(const std::vector<std::string>& schema_paths,
                                        const std::vector<std::string>& method_node_ids);

class RegistrationService {
  public:
    RegistrationService(const config::Config& config, RegistrationFlowRepository& flows,
                        std::vector<RegistrationStrategy*> strategies, identity::IdentityRepository& identities,
                        session::SessionService& sessions, const schema::SchemaRegistry& schemas,
                        const ReturnToValidator& return_to, const core::Clock& clock, core::Random& random,
                        core::UnitOfWork& units);

    Outcome Init(FlowType type, const RequestContext& ctx);
    core::Result<nlohmann::json> Fetch(const RequestContext& ctx, std::string_view id);
    // `body` is the decoded submission; a body that failed to decode with a 400 is shown on the
    // flow as message 4000001 (settings-flow.md §5.4).
    Outcome Submit(const RequestContext& ctx, std::string_view flow_id, const core::Result<nlohmann::json>& body);
    // Stores a new browser flow for `request_url` (its return_to) without answering the browser:
    // the social sign-in callback continues a registration as a login in it.
    core::Result<core::Uuid> CreateBrowserFlow(const RequestContext& ctx, const std::string& request_url);

    // Sends the verification message for the new identity's address (§8); not set when
    // verification is off.
    void set_verification_sender(VerificationSender* sender) { verification_ = sender; }

  private:
    core::Result<RegistrationFlow> NewFlow(FlowType type, const RequestContext& ctx, const std::string& request_url);
    Outcome Finish(const RequestContext& ctx, RegistrationFlow& flow, const nlohmann::json& body,
                   const RegistrationAttempt& attempt);
    bool SessionHookFor(std::string_view method) const;
    std::string DefaultReturnUrl() const;

    const config::Config& config_;
    FlowEngine<RegistrationFlow> engine_;
    std::vector<RegistrationStrategy*> strategies_;
    std::vector<std::string> method_node_order_;  // every strategy's NodeOrder, in strategy order
    identity::IdentityRepository& identities_;
    session::SessionService& sessions_;
    const schema::SchemaRegistry& schemas_;
    const ReturnToValidator& return_to_;
    const core::Clock& clock_;
    core::UnitOfWork& units_;  // the identity and the flow's passed challenge commit together
    FlowEngine<RegistrationFlow>::ToJson to_json_;
    VerificationSender* verification_ = nullptr;
};

}  // namespace bia::selfservice::registration
