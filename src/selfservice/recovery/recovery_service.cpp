#include "selfservice/recovery/recovery_service.hpp"

#include "core/time.hpp"
#include "selfservice/flow/flow_errors.hpp"
#include "text/message.hpp"

namespace bia::selfservice::recovery {

using nlohmann::json;

core::Error RecoveryDisabled() {
    return core::BadRequest("Recovery is not allowed because it was disabled.")
        .WithId(std::string(kErrorFlowDisabled))
        .WithMessage("recovery flow disabled");
}

core::Error AlreadyLoggedInRecovery() {
    return core::BadRequest("A valid session was detected and thus recovery is not possible.")
        .WithId(std::string(kErrorSessionAlreadyAvailable));
}

namespace {

inline constexpr std::string_view kFeatureContinueWith = "use_continue_with_transitions";

ui::SortOptions RecoverySortOptions(const std::vector<std::string>& method_node_ids) {
    ui::SortOptions o;
    o.groups = {std::string(ui::kGroupDefault), std::string(ui::kGroupCode), std::string(ui::kGroupLink)};
    o.keys.emplace_back(ui::kCsrfTokenName);
    o.keys.insert(o.keys.end(), method_node_ids.begin(), method_node_ids.end());
    return o;
}

}  // namespace

RecoveryService::RecoveryService(const config::Config& config, RecoveryFlowRepository& flows,
                                 std::vector<RecoveryStrategy*> strategies, identity::IdentityRepository& identities,
                                 session::SessionService& sessions, settings::SettingsService& settings,
                                 const ReturnToValidator& return_to, const core::Clock& clock, core::Random& random)
    : config_(config),
      engine_(FlowKind{.name = "recovery",
                       .route_init_api = kRouteInitApi,
                       .route_init_browser = kRouteInitBrowser,
                       .route_submit = kRouteSubmit,
                       .ui_url = &config.selfservice.flows.recovery.ui_url,
                       .lifespan = &config.selfservice.flows.recovery.lifespan,
                       .expired_message = &text::NewErrorValidationRecoveryFlowExpired,
                       .no_strategy_message = &text::NewErrorValidationRecoveryNoStrategyFound},
              config, flows, clock, random),
      strategies_(std::move(strategies)),
      identities_(identities),
      sessions_(sessions),
      settings_(settings),
      return_to_(return_to),
      clock_(clock),
      to_json_([](const RecoveryFlow& f) { return f.ToJson(); }) {
    for (const auto* st : strategies_) {
        for (auto& id : st->NodeOrder()) method_node_order_.push_back(std::move(id));
    }
}

RecoveryStrategy* RecoveryService::Named(std::string_view id) const {
    if (!config_.selfservice.methods.IsEnabled(id)) return nullptr;
    for (auto* s : strategies_) {
        if (s->Id() == id) return s;
    }
    return nullptr;
}

RecoveryStrategy* RecoveryService::Used() const { return Named(config_.selfservice.flows.recovery.use); }

core::Result<RecoveryFlow> RecoveryService::NewFlow(FlowType type, const RequestContext& ctx,
                                                    const std::string& request_url) {
    RecoveryFlow f = engine_.Start(type, ctx, request_url);
    if (auto* s = Used()) BIA_TRY(s->Populate(ctx, f));
    ui::SortNodes(f.ui.nodes, RecoverySortOptions(method_node_order_));
    return f;
}

Outcome RecoveryService::Init(FlowType type, const RequestContext& ctx) {
    if (!config_.selfservice.flows.recovery.enabled) return Failed{type, RecoveryDisabled()};
    const std::string fallback = config_.selfservice.default_browser_return_url.value_or(config_.PublicBaseUrl());
    if (ctx.session) {
        if (type == FlowType::kApi) return Failed{type, AlreadyLoggedInRecovery()};
        auto to = return_to_.Resolve(ctx.url, fallback);
        if (!to) return Failed{std::nullopt, std::move(to).error()};
        return ErrorOrRedirect{std::nullopt, AlreadyLoggedInRecovery(), std::move(to).value()};
    }
    if (auto rt = return_to_.Resolve(ctx.url, fallback); !rt) return Failed{type, std::move(rt).error()};
    return engine_.Created(type, NewFlow(type, ctx, ctx.url), to_json_);
}

core::Result<json> RecoveryService::Fetch(const RequestContext& ctx, std::string_view id) {
    if (!config_.selfservice.flows.recovery.enabled) return RecoveryDisabled();
    BIA_TRY_ASSIGN(RecoveryFlow f,
                   engine_.LoadForFetch(ctx, id, [](const RecoveryFlow& r) { return r.SkipsCsrfCheck(); }));
    return f.ToJson();
}

Outcome RecoveryService::Submit(const RequestContext& ctx, std::string_view flow_id, const core::Result<json>& body) {
    return Run(ctx, flow_id, body, false);
}

Outcome RecoveryService::SubmitLink(const RequestContext& ctx, std::string_view flow_id, const core::Query& query) {
    json body = json::object();
    if (auto token = query.Get("token")) {
        body = {{"method", "link"}, {"token", std::string(*token)}};
    } else {
        auto loaded = engine_.Load(flow_id);
        if (!loaded) return Failed{std::nullopt, std::move(loaded).error()};
        return ShowFlow{ShowFlow::Kind::kUpdated, loaded->type, loaded->id, loaded->ToJson(), engine_.ui_url()};
    }
    return Run(ctx, flow_id, body, true);
}

Outcome RecoveryService::Run(const RequestContext& ctx, std::string_view flow_id, const core::Result<json>& body,
                             bool from_link) {
    if (!config_.selfservice.flows.recovery.enabled) return Failed{std::nullopt, RecoveryDisabled()};
    auto loaded = engine_.Load(flow_id);
    if (!loaded) return Failed{std::nullopt, std::move(loaded).error()};
    RecoveryFlow& flow = *loaded;
    if (flow.IsExpiredAt(clock_.Now())) return engine_.ReplaceExpired(flow, NewFlow(flow.type, ctx, flow.request_url));
    if (!body) return engine_.RejectOrFail(ctx, flow, body.error(), to_json_);
    if (flow.state == kStatePassedChallenge) {
        return engine_.Reject(ctx, flow, Rejection::OnFlow(text::NewErrorValidationRecoveryRetrySuccess()), to_json_);
    }
    Outcome answer;
    auto attempt = engine_.Dispatch<RecoveryAttempt>(
        ctx, flow, strategies_, [&](RecoveryStrategy& s) { return s.Recover(ctx, flow, *body, from_link); }, to_json_,
        &answer);
    if (!attempt) return answer;
    return Finish(ctx, flow, *attempt);
}

Outcome RecoveryService::Finish(const RequestContext& ctx, RecoveryFlow& flow, RecoveryAttempt& attempt) {
    identity::Identity& who = attempt.identity;
    if (!who.IsActive()) {
        return engine_.Reject(
            ctx, flow,
            Rejection::OnFlow(text::NewValidationErrorGeneric("The account you are trying to recover is disabled.")),
            to_json_);
    }
    const auto now = clock_.Now();
    // Proving control of the address verifies it, when it is also a verifiable address.
    bool changed = false;
    for (auto& a : who.verifiable_addresses) {
        if (attempt.address.empty() || a.value != attempt.address || a.verified) continue;
        a.verified = true;
        a.verified_at = now;
        a.status = std::string(identity::kAddressCompleted);
        a.updated_at = now;
        changed = true;
    }
    if (changed) {
        who.updated_at = now;
        if (auto s = identities_.Update(who); !s) return Failed{flow.type, std::move(s).error()};
    }

    auto issued = sessions_.Issue(who, attempt.method);
    if (!issued) return Failed{flow.type, std::move(issued).error()};
    for (const auto& h : config_.selfservice.flows.recovery.after.hooks) {
        if (h.name != kHookRevokeActiveSessions) continue;
        if (auto r = sessions_.repository().RevokeAllExcept(who.id, issued->id); !r) {
            return Failed{flow.type, std::move(r).error()};
        }
    }

    flow.state = std::string(kStatePassedChallenge);
    flow.updated_at = now;
    if (auto s = engine_.flows().Update(flow); !s) return Failed{flow.type, std::move(s).error()};

    // The settings flow that follows carries the recovery flow's return_to.
    core::Query q;
    if (const std::string rt = flow.ReturnTo(); !rt.empty()) q.Set("return_to", rt);
    const std::string settings_request =
        PublicUrl(config_.PublicBaseUrl(),
                  flow.type == FlowType::kApi ? settings::kRouteInitApi : settings::kRouteInitBrowser, q.Encode());
    RequestContext signed_in = ctx;
    signed_in.session = *issued;
    auto settings_flow = settings_.CreateAfterRecovery(flow.type, signed_in, settings_request, *issued);
    if (!settings_flow) return Failed{flow.type, std::move(settings_flow).error()};
    const std::string settings_url = FlowUiUrl(config_.selfservice.flows.settings.ui_url, settings_flow->id);

    const bool transitions = config_.FeatureFlag(kFeatureContinueWith);
    json show_settings = {{"action", "show_settings_ui"},
                          {"flow", {{"id", settings_flow->id.ToString()}, {"url", settings_url}}}};
    Completed done;
    done.type = flow.type;
    done.redirect_to = settings_url;
    if (flow.type == FlowType::kApi) {
        if (!transitions) return Failed{flow.type, LocationChangeRequired(settings_url)};
        json body = flow.ToJson();
        body["continue_with"] = json::array(
            {{{"action", "set_ory_session_token"}, {"ory_session_token", issued->token}}, std::move(show_settings)});
        done.body = std::move(body);
        return done;
    }
    done.issue_session = std::move(issued).value();
    if (transitions) {
        json body = flow.ToJson();
        body["continue_with"] = json::array({std::move(show_settings)});
        done.body = std::move(body);
    } else {
        done.status = 422;
        done.body = LocationChangeRequired(settings_url).ToEnvelope();
    }
    return done;
}

core::Result<json> RecoveryService::CreateForAdmin(std::string_view method, const AdminRecoveryRequest& request) {
    if (!config_.selfservice.flows.recovery.enabled) return RecoveryDisabled();
    RecoveryStrategy* s = Named(method);
    if (!s) {
        return core::BadRequest("The recovery method \"" + std::string(method) + "\" is not enabled.")
            .WithId(std::string(kErrorFlowDisabled));
    }
    BIA_TRY_ASSIGN(identity::Identity who, identities_.Get(request.identity_id));
    if (!who.IsActive()) return core::BadRequest("The identity is disabled and can not be recovered.");

    core::Query q;
    if (!request.return_to.empty()) {
        BIA_TRY(return_to_.Check(request.return_to, config_.PublicBaseUrl()));
        q.Set("return_to", request.return_to);
    }
    RequestContext ctx;
    ctx.url = PublicUrl(config_.PublicBaseUrl(),
                        request.flow_type == FlowType::kApi ? kRouteInitApi : kRouteInitBrowser, q.Encode());
    BIA_TRY_ASSIGN(RecoveryFlow flow, NewFlow(request.flow_type, ctx, ctx.url));
    if (flow.type == FlowType::kBrowser) flow.internal_context[std::string(RecoveryFlow::kSkipCsrfKey)] = true;
    if (request.expires_in) {
        flow.expires_at = clock_.Now() + std::chrono::duration_cast<core::TimePoint::duration>(*request.expires_in);
    }
    BIA_TRY_ASSIGN(AdminRecoverySecret secret, s->CreateForAdmin(flow, who));
    BIA_TRY(engine_.flows().Create(flow));
    json out = {{"recovery_link", secret.link}, {"expires_at", core::FormatRfc3339(flow.expires_at)}};
    if (!secret.code.empty()) out["recovery_code"] = secret.code;
    return out;
}

}  // namespace bia::selfservice::recovery
