// The settings flow (settings-flow.md §3–§6, §9–§14): create API/browser flows for the signed-in
// caller, fetch them, and run submissions through the pipeline of §5.1 — AAL, expiry, owner,
// strategy dispatch (§5.2), privilege and continuity (§10), hooks and persistence (§14). Knows
// nothing about HTTP: every use case returns a selfservice::Outcome that http/ maps per client kind.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/random.hpp"
#include "core/result.hpp"
#include "core/unit_of_work.hpp"
#include "identity/identity_repository.hpp"
#include "schema/schema.hpp"
#include "selfservice/flow/continuity.hpp"
#include "selfservice/flow/flow.hpp"
#include "selfservice/flow/flow_engine.hpp"
#include "selfservice/flow/outcome.hpp"
#include "selfservice/flow/return_to.hpp"
#include "selfservice/flow/verification_sender.hpp"
#include "selfservice/settings/settings_flow.hpp"
#include "selfservice/settings/settings_hook.hpp"
#include "selfservice/settings/settings_strategy.hpp"
#include "session/session_service.hpp"

namespace bia::selfservice::settings {

inline constexpr std::string_view kRouteInitApi = "/self-service/settings/api";
inline constexpr std::string_view kRouteInitBrowser = "/self-service/settings/browser";
inline constexpr std::string_view kRouteFetch = "/self-service/settings/flows";
inline constexpr std::string_view kRouteSubmit = "/self-service/settings";
inline constexpr std::string_view kLoginBrowserRoute = "/self-service/login/browser";
// Continuity container names are this prefix plus the method id (§10.4).
inline constexpr std::string_view kContinuityPrefix = "ory_kratos_settings_";

// 403 enhanced session_refresh_required with redirect_browser_to (§10.3).
core::Error RefreshRequired(std::string redirect_browser_to);
// 403 security_identity_mismatch: fetch (§6 step 3) and submit (§13, G2) reasons.
core::Error FetchIdentityMismatch();
core::Error SubmitIdentityMismatch();
// 401 without id of the fetch/submit auth wrapper (§5.1 step 0, §6 step 1).
core::Error SessionCredentialsMissing();

// §10.1: authenticated_at + max_age is still in the future.
bool IsPrivileged(const session::Session& s, core::TimePoint now, core::Duration max_age);

// Tells the previous address about a change of an address or of the password, with a way to
// undo it (a Bia addition, selfservice.flows.settings.notify_previous_address); selfservice/undo
// implements it.
class ChangeNotice {
  public:
    virtual ~ChangeNotice() = default;
    // After `before` became `after` (stored) by the settings method `method`.
    virtual core::Status Notify(const identity::Identity& before, const identity::Identity& after,
                                std::string_view method) = 0;
};

class SettingsService {
  public:
    // `strategies` in dispatch order (G2: profile, password, …); all references must outlive
    // the service.
    SettingsService(const config::Config& config, SettingsFlowRepository& flows, ContinuityRepository& continuity,
                    std::vector<SettingsStrategy*> strategies, const SettingsHooks& hooks,
                    identity::IdentityRepository& identities, session::SessionService& sessions,
                    const schema::SchemaRegistry& schemas, const ReturnToValidator& return_to, const core::Clock& clock,
                    core::Random& random, core::UnitOfWork& units);

    // GET /self-service/settings/{api,browser} (§3, §4). A new flow aborts paused submissions.
    Outcome Init(FlowType type, const RequestContext& ctx, ContinuityRefs& continuity);
    // GET /self-service/settings/flows?id= (§6) for a caller with a session (the route answers
    // the no-session case): the flow's JSON text, or 403/404/410.
    core::Result<std::string> Fetch(const RequestContext& ctx, std::string_view id);
    // The stamps of flow `id` and of the session `token` names, in one statement: together they
    // prove a fetch answer built earlier still current. `session` is set only for a session that
    // is valid now (active, unexpired, active identity); 404 for an unknown or malformed id.
    core::Result<FlowSessionStamp> FetchStamps(std::string_view id, std::string_view token);
    // FetchStamps for a flow id already parsed and a caller that must not wait for the read
    // (FlowStore::StampWithSessionAsync): `done` gets what FetchStamps would answer, once, maybe on
    // another thread. `id` and what `token` views must stay valid until then.
    void FetchStampsAsync(const core::Uuid& id, std::string_view token,
                          std::function<void(core::Result<FlowSessionStamp>)> done);
    // Whether FetchStampsAsync leaves the calling thread free while it reads (PostgreSQL).
    bool StampReadsAsync();
    // POST (and continuity GET) /self-service/settings?flow= (§5.1). `body` is the decoded
    // submission (a 400 decode error is shown on the flow as 4000001); `request` is what hooks may
    // forward; `continuity` is read (resume, browser forms only) and written (pause).
    Outcome Submit(const RequestContext& ctx, std::string_view flow_id, const core::Result<nlohmann::json>& body,
                   const HookRequestFacts& request, ContinuityRefs& continuity);

    // A stored flow for an identity that just recovered its account (surrounding-api.md §10
    // step 3): its only message is 1060001 (minutes left of the new, privileged `session`), its
    // request URL `request_url` (carrying the recovery flow's return_to).
    core::Result<SettingsFlow> CreateAfterRecovery(FlowType type, const RequestContext& ctx,
                                                   const std::string& request_url, const session::Session& session);
    // Sends the verification message for a changed address after a successful submission
    // (§14 step 5); not set when verification is off.
    void set_verification_sender(VerificationSender* sender) { verification_ = sender; }
    void set_change_notice(ChangeNotice* notice) { change_notice_ = notice; }

    // The schema an identity's traits are decoded against (the identity's own schema_id).
    const schema::Schema* SchemaFor(const identity::Identity& identity) const;

  private:
    core::Result<SettingsFlow> NewFlow(FlowType type, const RequestContext& ctx, const std::string& request_url,
                                       const identity::Identity& identity);
    Outcome Reject(const RequestContext& ctx, SettingsFlow& flow, const identity::Identity& identity,
                   const Rejection& rejection);
    // The flow as `session` sees it: the wire shape plus when its privilege ends and what a
    // re-authentication asks for (View), written as text.
    FlowEngine<SettingsFlow>::ToJson JsonFor(const session::Session& session, const identity::Identity& identity) const;
    std::string View(const SettingsFlow& flow, const session::Session& session, const identity::Identity& identity,
                     const nlohmann::json& continue_with = nlohmann::json()) const;
    // The re-authentication login URL of §10.3, asking for aal2 when the identity has a second
    // factor (a Bia extension: Kratos refreshes with the first factor alone).
    std::string ReauthenticationUrl(const RequestContext& ctx) const;
    Outcome Pause(const RequestContext& ctx, const SettingsFlow& flow, std::string_view method,
                  const nlohmann::json& body, ContinuityRefs& continuity);
    // `restore_form` readies the submitted flow's own form for showing again (parses it if it was
    // left unparsed and echoes the submission): called before a hook sees the flow or a failure
    // shows it.
    Outcome Finish(const RequestContext& ctx, SettingsFlow& flow, std::string_view method, SettingsAttempt attempt,
                   const HookRequestFacts& request, const std::function<core::Status()>& restore_form);
    bool AalSatisfied(const session::Session& s) const;
    std::string AalLoginUrl(std::string_view return_to) const;

    const config::Config& config_;
    FlowEngine<SettingsFlow> engine_;
    ContinuityRepository& continuity_;
    std::vector<SettingsStrategy*> strategies_;
    const SettingsHooks& hooks_;
    identity::IdentityRepository& identities_;
    // The store's units of work: a successful submit's writes commit together (Finish).
    core::UnitOfWork& units_;
    session::SessionService& sessions_;
    const schema::SchemaRegistry& schemas_;
    const ReturnToValidator& return_to_;
    const core::Clock& clock_;
    core::Random& random_;
    std::vector<std::string> method_node_order_;  // every strategy's NodeOrder, in strategy order
    VerificationSender* verification_ = nullptr;
    ChangeNotice* change_notice_ = nullptr;
};

}  // namespace bia::selfservice::settings
