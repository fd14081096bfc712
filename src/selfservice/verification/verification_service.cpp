#include "selfservice/verification/verification_service.hpp"

#include "selfservice/flow/flow_errors.hpp"
#include "text/message.hpp"

namespace bia::selfservice::verification {

using nlohmann::json;

core::Error VerificationDisabled() {
    return core::BadRequest("Verification is not allowed because it was disabled.")
        .WithId(std::string(kErrorFlowDisabled))
        .WithMessage("verification flow disabled");
}

namespace {

ui::SortOptions VerificationSortOptions(const std::vector<std::string>& method_node_ids) {
    ui::SortOptions o;
    o.groups = {std::string(ui::kGroupDefault), std::string(ui::kGroupCode), std::string(ui::kGroupLink)};
    o.keys.emplace_back(ui::kCsrfTokenName);
    o.keys.insert(o.keys.end(), method_node_ids.begin(), method_node_ids.end());
    return o;
}

}  // namespace

VerificationService::VerificationService(const config::Config& config, VerificationFlowRepository& flows,
                                         std::vector<VerificationStrategy*> strategies,
                                         identity::IdentityRepository& identities, const ReturnToValidator& return_to,
                                         const core::Clock& clock, core::Random& random)
    : config_(config),
      engine_(FlowKind{.name = "verification",
                       .route_init_api = kRouteInitApi,
                       .route_init_browser = kRouteInitBrowser,
                       .route_submit = kRouteSubmit,
                       .ui_url = &config.selfservice.flows.verification.ui_url,
                       .lifespan = &config.selfservice.flows.verification.lifespan,
                       .expired_message = &text::NewErrorValidationVerificationFlowExpired,
                       .no_strategy_message = &text::NewErrorValidationVerificationNoStrategyFound},
              config, flows, clock, random),
      strategies_(std::move(strategies)),
      identities_(identities),
      return_to_(return_to),
      clock_(clock),
      to_json_([](const VerificationFlow& f) { return f.ToJson(); }) {
    for (const auto* st : strategies_) {
        for (auto& id : st->NodeOrder()) method_node_order_.push_back(std::move(id));
    }
}

VerificationStrategy* VerificationService::Used() const {
    const std::string& use = config_.selfservice.flows.verification.use;
    for (auto* s : strategies_) {
        if (s->Id() == use && config_.selfservice.methods.IsEnabled(use)) return s;
    }
    return nullptr;
}

core::Result<VerificationFlow> VerificationService::NewFlow(FlowType type, const RequestContext& ctx,
                                                            const std::string& request_url) {
    VerificationFlow f = engine_.Start(type, ctx, request_url);
    if (auto* s = Used()) BIA_TRY(s->Populate(ctx, f));
    ui::SortNodes(f.ui.nodes, VerificationSortOptions(method_node_order_));
    return f;
}

Outcome VerificationService::Init(FlowType type, const RequestContext& ctx) {
    if (!config_.selfservice.flows.verification.enabled) return Failed{type, VerificationDisabled()};
    const std::string fallback = config_.selfservice.default_browser_return_url.value_or(config_.PublicBaseUrl());
    if (auto rt = return_to_.Resolve(ctx.url, fallback); !rt) return Failed{type, std::move(rt).error()};
    return engine_.Created(type, NewFlow(type, ctx, ctx.url), to_json_);
}

core::Result<json> VerificationService::Fetch(const RequestContext& ctx, std::string_view id) {
    if (!config_.selfservice.flows.verification.enabled) return VerificationDisabled();
    BIA_TRY_ASSIGN(VerificationFlow f, engine_.LoadForFetch(ctx, id));
    return f.ToJson();
}

Outcome VerificationService::Submit(const RequestContext& ctx, std::string_view flow_id,
                                    const core::Result<json>& body) {
    return Run(ctx, flow_id, body, false);
}

Outcome VerificationService::SubmitLink(const RequestContext& ctx, std::string_view flow_id, const core::Query& query) {
    json body = json::object();
    if (auto token = query.Get("token")) {
        body = {{"method", "link"}, {"token", std::string(*token)}};
    } else if (auto code = query.Get("code")) {
        body = {{"method", "code"}, {"code", std::string(*code)}};
    } else {
        // A GET without an answer is a fetch in disguise: show the flow.
        auto loaded = engine_.Load(flow_id);
        if (!loaded) return Failed{std::nullopt, std::move(loaded).error()};
        return ShowFlow{ShowFlow::Kind::kUpdated, loaded->type, loaded->id, loaded->ToJson(), engine_.ui_url()};
    }
    return Run(ctx, flow_id, body, true);
}

Outcome VerificationService::Run(const RequestContext& ctx, std::string_view flow_id, const core::Result<json>& body,
                                 bool from_link) {
    if (!config_.selfservice.flows.verification.enabled) return Failed{std::nullopt, VerificationDisabled()};
    auto loaded = engine_.Load(flow_id);
    if (!loaded) return Failed{std::nullopt, std::move(loaded).error()};
    VerificationFlow& flow = *loaded;
    if (flow.IsExpiredAt(clock_.Now())) return engine_.ReplaceExpired(flow, NewFlow(flow.type, ctx, flow.request_url));
    if (!body) return engine_.RejectOrFail(ctx, flow, body.error(), to_json_);
    if (flow.state == kStatePassedChallenge) {
        return engine_.Reject(ctx, flow, Rejection::OnFlow(text::NewErrorValidationVerificationRetrySuccess()),
                              to_json_);
    }
    Outcome answer;
    auto attempt = engine_.Dispatch<VerificationAttempt>(
        ctx, flow, strategies_, [&](VerificationStrategy& s) { return s.Verify(ctx, flow, *body, from_link); },
        to_json_, &answer);
    if (!attempt) return answer;
    return Finish(ctx, flow, *attempt, from_link);
}

std::string VerificationService::ReturnUrl(const VerificationFlow& flow) const {
    const std::string fallback = config_.selfservice.flows.verification.after.default_browser_return_url.value_or(
        config_.selfservice.default_browser_return_url.value_or(config_.PublicBaseUrl()));
    auto to = return_to_.Resolve(flow.request_url, fallback);
    return to ? std::move(to).value() : fallback;
}

Outcome VerificationService::Finish(const RequestContext& ctx, VerificationFlow& flow, VerificationAttempt& attempt,
                                    bool from_link) {
    identity::Identity& who = attempt.identity;
    const auto now = clock_.Now();
    bool found = false;
    for (auto& a : who.verifiable_addresses) {
        if (a.value != attempt.address) continue;
        found = true;
        if (!a.verified) {
            a.verified = true;
            a.verified_at = now;
        }
        a.status = std::string(identity::kAddressCompleted);
        a.updated_at = now;
    }
    if (found) {
        who.updated_at = now;
        if (auto s = identities_.Update(who); !s) return Failed{flow.type, std::move(s).error()};
    }
    // The address may have left the identity since the message was sent: the challenge still
    // passed, there is just nothing left to mark.

    const std::string return_url = ReturnUrl(flow);
    flow.state = std::string(kStatePassedChallenge);
    std::vector<ui::Node> kept;
    for (auto& n : flow.ui.nodes) {
        if (n.Id() == ui::kCsrfTokenName) kept.push_back(std::move(n));
    }
    ui::Node cont;
    cont.group = std::string(ui::kGroupCode);
    cont.attributes = ui::AnchorAttributes{return_url, text::NewInfoNodeLabelContinue(), "continue"};
    cont.meta.label = text::NewInfoNodeLabelContinue();
    kept.push_back(std::move(cont));
    flow.ui.nodes = std::move(kept);
    flow.ui.ResetMessages();
    flow.ui.AddMessage(text::NewInfoSelfServiceVerificationSuccessful());
    if (!from_link) return engine_.ShowUpdated(ctx, flow, to_json_);

    flow.updated_at = now;
    if (auto s = engine_.flows().Update(flow); !s) return Failed{flow.type, std::move(s).error()};
    // A link opened from the email: the browser goes on to the return URL with the flow.
    Completed done;
    done.type = FlowType::kBrowser;
    done.body = flow.ToJson();
    done.redirect_to = FlowUiUrl(return_url, flow.id);
    return done;
}

core::Result<std::optional<VerificationStarted>> VerificationService::SendForPendingAddress(
    const RequestContext& ctx, FlowType type, identity::Identity& identity) {
    if (!config_.selfservice.flows.verification.enabled) return std::optional<VerificationStarted>();
    VerificationStrategy* s = Used();
    if (!s) return std::optional<VerificationStarted>();
    identity::VerifiableAddress* pending = nullptr;
    for (auto& a : identity.verifiable_addresses) {
        if (a.status == identity::kAddressPending && !a.verified) {
            pending = &a;
            break;
        }
    }
    if (!pending) return std::optional<VerificationStarted>();

    BIA_TRY_ASSIGN(VerificationFlow flow, NewFlow(type, ctx, ctx.url));
    BIA_TRY(s->Send(ctx, flow, identity, pending->value));
    BIA_TRY(engine_.flows().Create(flow));

    const auto now = clock_.Now();
    pending->status = std::string(identity::kAddressSent);
    pending->updated_at = now;
    VerificationStarted started{flow.id, pending->value, FlowUiUrl(engine_.ui_url(), flow.id)};
    identity.stored_updated_at = identity.updated_at;
    identity.updated_at = now;
    BIA_TRY(identities_.Update(identity));
    return std::optional<VerificationStarted>(std::move(started));
}

}  // namespace bia::selfservice::verification
