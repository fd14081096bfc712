#include "selfservice/registration/registration_service.hpp"

#include "core/url.hpp"
#include "identity/identity_json.hpp"
#include "selfservice/flow/csrf.hpp"
#include "selfservice/flow/flow_errors.hpp"
#include "session/session_json.hpp"

namespace bia::selfservice::registration {

using nlohmann::json;

ui::SortOptions RegistrationSortOptions(const std::vector<std::string>& schema_paths,
                                        const std::vector<std::string>& method_node_ids) {
    ui::SortOptions o;
    o.groups = {std::string(ui::kGroupDefault),  std::string(ui::kGroupOidc),    std::string(ui::kGroupCode),
                std::string(ui::kGroupPassword), std::string(ui::kGroupPasskey), std::string(ui::kGroupWebauthn)};
    o.keys.emplace_back(ui::kCsrfTokenName);
    o.keys.insert(o.keys.end(), schema_paths.begin(), schema_paths.end());
    o.keys.insert(o.keys.end(), method_node_ids.begin(), method_node_ids.end());
    return o;
}

namespace {

// Shows the submitted traits again in the trait inputs (the password is never echoed).
void EchoTraits(ui::Container& ui, const json& body) {
    auto it = body.find("traits");
    if (it == body.end() || !it->is_object()) return;
    for (auto& n : ui.nodes) {
        auto* in = n.Input();
        if (!in || in->name.rfind("traits.", 0) != 0) continue;
        json v = ui::ValueAtPath(*it, "traits", in->name);
        if (!v.is_null()) in->value = std::move(v);
    }
}

}  // namespace

RegistrationService::RegistrationService(const config::Config& config, RegistrationFlowRepository& flows,
                                         std::vector<RegistrationStrategy*> strategies,
                                         identity::IdentityRepository& identities, session::SessionService& sessions,
                                         const schema::SchemaRegistry& schemas, const ReturnToValidator& return_to,
                                         const core::Clock& clock, core::Random& random, core::UnitOfWork& units)
    : config_(config),
      engine_(FlowKind{.name = "registration",
                       .route_init_api = kRouteInitApi,
                       .route_init_browser = kRouteInitBrowser,
                       .route_submit = kRouteSubmit,
                       .ui_url = &config.selfservice.flows.registration.ui_url,
                       .lifespan = &config.selfservice.flows.registration.lifespan,
                       .expired_message = &text::NewErrorValidationRegistrationFlowExpired,
                       .no_strategy_message = &text::NewErrorValidationRegistrationNoStrategyFound},
              config, flows, clock, random),
      strategies_(std::move(strategies)),
      identities_(identities),
      sessions_(sessions),
      schemas_(schemas),
      return_to_(return_to),
      clock_(clock),
      units_(units),
      to_json_([](const RegistrationFlow& f) { return f.ToJson(); }) {
    for (const auto* st : strategies_) {
        for (auto& id : st->NodeOrder()) method_node_order_.push_back(std::move(id));
    }
}

std::string RegistrationService::DefaultReturnUrl() const {
    return config_.selfservice.default_browser_return_url.value_or(config_.PublicBaseUrl());
}

bool RegistrationService::SessionHookFor(std::string_view method) const {
    for (const auto& h : config_.selfservice.flows.registration.after.HooksFor(method)) {
        if (h.name == kHookSession) return true;
    }
    return false;
}

core::Result<RegistrationFlow> RegistrationService::NewFlow(FlowType type, const RequestContext& ctx,
                                                            const std::string& request_url) {
    RegistrationFlow f = engine_.Start(type, ctx, request_url);
    for (auto* s : strategies_) BIA_TRY(s->Populate(ctx, f));
    ui::SortNodes(f.ui.nodes, RegistrationSortOptions(schemas_.Default().NodeSortKeys(), method_node_order_));
    return f;
}

Outcome RegistrationService::Init(FlowType type, const RequestContext& ctx) {
    if (!config_.selfservice.flows.registration.enabled) return Failed{type, RegistrationDisabled()};
    if (ctx.session) {
        if (type == FlowType::kApi) return Failed{type, AlreadyLoggedInRegistration()};
        auto to = return_to_.Resolve(ctx.url, DefaultReturnUrl());
        if (!to) return Failed{std::nullopt, std::move(to).error()};
        return ErrorOrRedirect{std::nullopt, AlreadyLoggedInRegistration(), std::move(to).value()};
    }
    if (auto rt = return_to_.Resolve(ctx.url, DefaultReturnUrl()); !rt) return Failed{type, std::move(rt).error()};
    return engine_.Created(type, NewFlow(type, ctx, ctx.url), to_json_);
}

core::Result<json> RegistrationService::Fetch(const RequestContext& ctx, std::string_view id) {
    BIA_TRY_ASSIGN(RegistrationFlow f, engine_.LoadForFetch(ctx, id));
    return f.ToJson();
}

core::Result<core::Uuid> RegistrationService::CreateBrowserFlow(const RequestContext& ctx,
                                                                const std::string& request_url) {
    BIA_TRY_ASSIGN(RegistrationFlow f, NewFlow(FlowType::kBrowser, ctx, request_url));
    BIA_TRY(engine_.flows().Create(f));
    return f.id;
}

Outcome RegistrationService::Submit(const RequestContext& ctx, std::string_view flow_id,
                                    const core::Result<json>& decoded) {
    auto loaded = engine_.Load(flow_id);
    if (!loaded) return Failed{std::nullopt, std::move(loaded).error()};
    RegistrationFlow& flow = *loaded;

    if (ctx.session) return ErrorOrRedirect{flow.type, AlreadyLoggedInRegistration(), DefaultReturnUrl()};
    if (flow.IsExpiredAt(clock_.Now())) return engine_.ReplaceExpired(flow, NewFlow(flow.type, ctx, flow.request_url));
    if (!decoded) return engine_.RejectOrFail(ctx, flow, decoded.error(), to_json_);

    Outcome answer;
    auto attempt = engine_.Dispatch<RegistrationAttempt>(
        ctx, flow, strategies_, [&](RegistrationStrategy& s) { return s.Register(ctx, flow, *decoded); }, to_json_,
        &answer);
    if (!attempt) return answer;
    return Finish(ctx, flow, *decoded, *attempt);
}

Outcome RegistrationService::Finish(const RequestContext& ctx, RegistrationFlow& flow, const json& body,
                                    const RegistrationAttempt& attempt) {
    std::string redirect_to;
    if (flow.type == FlowType::kBrowser) {
        const std::string fallback =
            config_.RegistrationReturnUrlFor(attempt.method.method).value_or(config_.PublicBaseUrl());
        auto to = return_to_.Resolve(flow.request_url, fallback);
        if (!to) return Failed{flow.type, std::move(to).error()};
        redirect_to = std::move(to).value();
    }

    // The identity and the flow's passed challenge are one unit of work: no identity without its
    // flow's success, or the reverse. A taken identifier (409) changes neither.
    bool identity_refused = false;
    const std::string active_before = flow.active, state_before = flow.state;
    const core::TimePoint updated_before = flow.updated_at;
    const auto persisted = units_.Run([&]() -> core::Status {
        identity_refused = false;
        if (auto s = identities_.Create(attempt.identity); !s) {
            identity_refused = true;
            return s;
        }
        flow.active = attempt.method.method;
        flow.state = std::string(kStatePassedChallenge);
        flow.updated_at = clock_.Now();
        return engine_.flows().Update(flow);
    });
    if (!persisted) {
        // Nothing was written: the flow as it was (a retried unit may have marked it first).
        flow.active = active_before;
        flow.state = state_before;
        flow.updated_at = updated_before;
        if (identity_refused && persisted.error().code == 409) {
            EchoTraits(flow.ui, body);
            return engine_.Reject(ctx, flow, Rejection::OnFlow(text::NewErrorValidationDuplicateCredentials()),
                                  to_json_);
        }
        return Failed{flow.type, persisted.error()};
    }

    // The verification message for the new address (G2: the first pending one); the client
    // learns of the flow through continue_with, a browser form is sent to it when the
    // show_verification_ui hook is configured.
    json continue_with = json::array();
    identity::Identity created = attempt.identity;
    if (verification_) {
        auto started = verification_->SendForPendingAddress(ctx, flow.type, created);
        if (!started) return Failed{flow.type, std::move(started).error()};
        if (*started) {
            continue_with.push_back(ShowVerificationUi(**started));
            for (const auto& h : config_.selfservice.flows.registration.after.HooksFor(attempt.method.method)) {
                if (h.name == kHookShowVerificationUi && flow.type == FlowType::kBrowser) redirect_to = (*started)->url;
            }
        }
    }

    Completed done;
    done.type = flow.type;
    done.redirect_to = std::move(redirect_to);
    json answer = {{"identity", identity::ToJson(created, config_.PublicBaseUrl())}};
    if (SessionHookFor(attempt.method.method)) {
        auto issued = sessions_.Issue(created, attempt.method);
        if (!issued) return Failed{flow.type, std::move(issued).error()};
        answer["session"] = session::ToJson(*issued, config_.PublicBaseUrl());
        if (flow.type == FlowType::kApi) {
            answer["session_token"] = issued->token;
            // G2 also names the token among what may follow (after the verification item).
            continue_with.push_back({{"action", "set_ory_session_token"}, {"ory_session_token", issued->token}});
        } else {
            done.rotate_csrf = true;
            done.issue_session = std::move(issued).value();
        }
    }
    if (!continue_with.empty()) answer["continue_with"] = std::move(continue_with);
    done.body = std::move(answer);
    return done;
}

}  // namespace bia::selfservice::registration
