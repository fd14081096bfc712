#include "selfservice/login/login_service.hpp"

#include "core/url.hpp"
#include "selfservice/flow/csrf.hpp"
#include "selfservice/flow/flow_errors.hpp"
#include "session/session_json.hpp"

namespace bia::selfservice::login {

using nlohmann::json;

bool ParseGoBool(std::string_view s) {
    return s == "1" || s == "t" || s == "T" || s == "true" || s == "TRUE" || s == "True";
}

ui::SortOptions LoginSortOptions(const std::vector<std::string>& method_node_ids) {
    ui::SortOptions o;
    o.groups = {std::string(ui::kGroupDefault),  std::string(ui::kGroupOidc),        std::string(ui::kGroupCode),
                std::string(ui::kGroupPassword), std::string(ui::kGroupPasskey),     std::string(ui::kGroupWebauthn),
                std::string(ui::kGroupTotp),     std::string(ui::kGroupLookupSecret)};
    o.keys = {std::string(ui::kCsrfTokenName)};
    o.keys.insert(o.keys.end(), method_node_ids.begin(), method_node_ids.end());
    return o;
}

namespace {

core::Query QueryOf(std::string_view url) {
    auto u = core::Url::Parse(url);
    return u ? u->query() : core::Query();
}

bool UpgradesAal(const std::string& requested, const session::Session& s) {
    return session::AalRank(requested) > session::AalRank(session::ComputeAal(s.methods));
}

}  // namespace

LoginService::LoginService(const config::Config& config, LoginFlowRepository& flows,
                           std::vector<LoginStrategy*> strategies, session::SessionService& sessions,
                           const ReturnToValidator& return_to, const core::Clock& clock, core::Random& random,
                           core::UnitOfWork& units)
    : config_(config),
      engine_(FlowKind{.name = "login",
                       .route_init_api = kRouteInitApi,
                       .route_init_browser = kRouteInitBrowser,
                       .route_submit = kRouteSubmit,
                       .ui_url = &config.selfservice.flows.login.ui_url,
                       .lifespan = &config.selfservice.flows.login.lifespan,
                       .expired_message = &text::NewErrorValidationLoginFlowExpired,
                       .no_strategy_message = &text::NewErrorValidationLoginNoStrategyFound},
              config, flows, clock, random),
      strategies_(std::move(strategies)),
      sessions_(sessions),
      return_to_(return_to),
      clock_(clock),
      units_(units),
      to_json_([](const LoginFlow& f) { return f.ToJson(); }) {
    std::vector<std::string> ids;
    for (const auto* st : strategies_) {
        for (auto& id : st->NodeOrder()) ids.push_back(std::move(id));
    }
    sort_ = LoginSortOptions(ids);
}

std::string LoginService::DefaultReturnUrl() const {
    return config_.selfservice.default_browser_return_url.value_or(config_.PublicBaseUrl());
}

core::Result<LoginFlow> LoginService::NewFlow(FlowType type, const RequestContext& ctx, const std::string& request_url,
                                              bool refresh, std::string requested_aal) {
    LoginFlow f = engine_.Start(type, ctx, request_url);
    f.refresh = refresh;
    f.requested_aal = std::move(requested_aal);
    if (f.refresh) f.ui.AddMessage(text::NewInfoLoginReAuth());
    if (ctx.session && UpgradesAal(f.requested_aal, *ctx.session)) f.ui.AddMessage(text::NewInfoLoginMfa());
    for (auto* s : strategies_) BIA_TRY(s->Populate(ctx, f));
    ui::SortNodes(f.ui.nodes, sort_);
    return f;
}

Outcome LoginService::Init(FlowType type, const RequestContext& ctx) {
    const core::Query q = QueryOf(ctx.url);
    bool refresh = ParseGoBool(q.Get("refresh").value_or(""));
    std::string aal(q.Get("aal").value_or(""));
    if (aal.empty()) aal = std::string(session::kAal1);
    if (aal != session::kAal1 && aal != session::kAal2) {
        return Failed{type, core::BadRequest("Unable to parse AuthenticationMethod Assurance Level (AAL): expected one "
                                             "of [aal1, aal2] but got " +
                                             aal)};
    }
    // The requested return_to must be allowed before anything else happens (settings-flow.md §1.5).
    if (auto rt = return_to_.Resolve(ctx.url, DefaultReturnUrl()); !rt) return Failed{type, std::move(rt).error()};

    if (!ctx.session) {
        if (aal == session::kAal2) return Failed{type, SessionRequiredForHigherAal()};
        refresh = false;  // nothing to refresh without a session
    } else if (!refresh && !UpgradesAal(aal, *ctx.session)) {
        if (type == FlowType::kApi) return Failed{type, AlreadyLoggedInLogin()};
        auto to = return_to_.Resolve(ctx.url, DefaultReturnUrl());
        if (!to) return Failed{std::nullopt, std::move(to).error()};
        return ErrorOrRedirect{std::nullopt, AlreadyLoggedInLogin(), std::move(to).value()};
    }
    return engine_.Created(type, NewFlow(type, ctx, ctx.url, refresh, aal), to_json_);
}

core::Result<json> LoginService::Fetch(const RequestContext& ctx, std::string_view id) {
    BIA_TRY_ASSIGN(LoginFlow f, engine_.LoadForFetch(ctx, id));
    return f.ToJson();
}

core::Result<core::Uuid> LoginService::CreateBrowserFlow(const RequestContext& ctx, const std::string& request_url) {
    BIA_TRY_ASSIGN(LoginFlow f, NewFlow(FlowType::kBrowser, ctx, request_url, false, std::string(session::kAal1)));
    BIA_TRY(engine_.flows().Create(f));
    return f.id;
}

Outcome LoginService::Submit(const RequestContext& ctx, std::string_view flow_id, const core::Result<json>& decoded) {
    auto loaded = engine_.Load(flow_id);
    if (!loaded) return Failed{std::nullopt, std::move(loaded).error()};
    LoginFlow& flow = *loaded;

    if (ctx.session) {
        if (!flow.refresh && !UpgradesAal(flow.requested_aal, *ctx.session)) {
            return ErrorOrRedirect{flow.type, AlreadyLoggedInLogin(), DefaultReturnUrl()};
        }
    } else if (flow.requested_aal == session::kAal2) {
        return Failed{flow.type, SessionRequiredForHigherAal()};
    }
    if (flow.IsExpiredAt(clock_.Now())) {
        return engine_.ReplaceExpired(flow, NewFlow(flow.type, ctx, flow.request_url,
                                                    flow.refresh && ctx.session.has_value(), flow.requested_aal));
    }
    if (!decoded) return engine_.RejectOrFail(ctx, flow, decoded.error(), to_json_);

    Outcome answer;
    auto attempt = engine_.Dispatch<LoginAttempt>(
        ctx, flow, strategies_, [&](LoginStrategy& s) { return s.Login(ctx, flow, *decoded); }, to_json_, &answer);
    if (!attempt) return answer;
    return Finish(ctx, flow, std::move(*attempt));
}

Outcome LoginService::Finish(const RequestContext& ctx, LoginFlow& flow, LoginAttempt attempt) {
    const bool browser_html = !RespondsJson(flow.type, ctx);
    std::string redirect_to;
    if (flow.type == FlowType::kBrowser) {
        const std::string fallback = config_.LoginReturnUrlFor(attempt.method.method).value_or(config_.PublicBaseUrl());
        auto to = return_to_.Resolve(flow.request_url, fallback);
        if (!to) return Failed{flow.type, std::move(to).error()};
        redirect_to = std::move(to).value();
    }

    // Refresh and AAL upgrades re-authenticate the same session; a different identity gets a new
    // one (surrounding-api.md §7 "Session handling").
    // The session and the flow's passed challenge are one unit of work (repeatable: a retried unit
    // starts again from the caller's session).
    session::Session s;
    const bool new_identity = !(ctx.session && ctx.session->identity_id == attempt.identity.id);
    const auto persisted = units_.Run([&]() -> core::Status {
        if (!new_identity) {
            s = *ctx.session;
            BIA_TRY(sessions_.Reauthenticate(s, attempt.method));
        } else {
            auto issued = sessions_.Issue(attempt.identity, attempt.method);
            if (!issued) return std::move(issued).error();
            s = std::move(issued).value();
        }
        flow.active = attempt.method.method;
        flow.state = std::string(kStatePassedChallenge);
        flow.updated_at = clock_.Now();
        return engine_.flows().Update(flow);
    });
    if (!persisted) return Failed{flow.type, persisted.error()};
    s.identity = std::move(attempt.identity);

    Completed done;
    done.type = flow.type;
    json session_json = session::ToJson(s, config_.PublicBaseUrl());
    // A first factor is not enough when whoami demands the highest available AAL: browsers go on
    // to the second factor, JSON clients see the session without its identity (§7).
    if (config_.session.whoami_required_aal == config::RequiredAal::kHighestAvailable && s.identity &&
        !sessions_.aal().Satisfied(s, *s.identity, session::kHighestAvailable)) {
        if (browser_html) redirect_to = PublicUrl(config_.PublicBaseUrl(), kRouteInitBrowser, "aal=aal2");
        session_json["identity"] = nullptr;
    }
    if (flow.type == FlowType::kApi) {
        done.body = json{{"session_token", s.token}, {"session", std::move(session_json)}};
    } else {
        done.body = json{{"session", std::move(session_json)}};
        done.redirect_to = std::move(redirect_to);
        done.rotate_csrf = new_identity;
        done.issue_session = std::move(s);
    }
    return done;
}

}  // namespace bia::selfservice::login
