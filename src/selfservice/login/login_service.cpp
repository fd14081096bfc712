#include "selfservice/login/login_service.hpp"

#include "core/url.hpp"
#include "crypto/csrf_token.hpp"
#include "selfservice/flow/csrf.hpp"
#include "selfservice/flow/flow_errors.hpp"
#include "session/session_json.hpp"

namespace bia::selfservice::login {

using nlohmann::json;

bool ParseGoBool(std::string_view s) {
    return s == "1" || s == "t" || s == "T" || s == "true" || s == "TRUE" || s == "True";
}

ui::SortOptions LoginSortOptions() {
    ui::SortOptions o;
    o.groups = {std::string(ui::kGroupDefault),  std::string(ui::kGroupOidc),        std::string(ui::kGroupCode),
                std::string(ui::kGroupPassword), std::string(ui::kGroupPasskey),     std::string(ui::kGroupWebauthn),
                std::string(ui::kGroupTotp),     std::string(ui::kGroupLookupSecret)};
    o.keys = {std::string(ui::kCsrfTokenName), "identifier", "password"};
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

std::string LoginService::DefaultReturnUrl() const {
    return config_.selfservice.default_browser_return_url.value_or(config_.PublicBaseUrl());
}

core::Result<LoginFlow> LoginService::NewFlow(FlowType type, const RequestContext& ctx, std::string request_url,
                                              bool refresh, std::string requested_aal) {
    const auto now = clock_.Now();
    LoginFlow f;
    f.id = core::Uuid::V4(random_);
    f.type = type;
    f.issued_at = f.created_at = f.updated_at = now;
    f.expires_at =
        now + std::chrono::duration_cast<core::TimePoint::duration>(config_.selfservice.flows.login.lifespan);
    f.request_url = std::move(request_url);
    f.refresh = refresh;
    f.requested_aal = std::move(requested_aal);
    f.ui.action = PublicUrl(config_.PublicBaseUrl(), kRouteSubmit, "flow=" + f.id.ToString());
    f.csrf_token = MaskedCsrfToken(type, ctx, random_);
    f.ui.SetCsrf(f.csrf_token);
    if (f.refresh) f.ui.AddMessage(text::NewInfoLoginReAuth());
    if (ctx.session && UpgradesAal(f.requested_aal, *ctx.session)) f.ui.AddMessage(text::NewInfoLoginMfa());
    for (auto* s : strategies_) BIA_TRY(s->Populate(ctx, f));
    ui::SortNodes(f.ui.nodes, LoginSortOptions());
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

    auto f = NewFlow(type, ctx, ctx.url, refresh, aal);
    if (!f) return Failed{type, std::move(f).error()};
    if (auto s = flows_.Create(*f); !s) return Failed{type, std::move(s).error()};
    return ShowFlow{ShowFlow::Kind::kCreated, type, f->id, f->ToJson(), config_.selfservice.flows.login.ui_url};
}

core::Result<json> LoginService::Fetch(const RequestContext& ctx, std::string_view id) {
    BIA_TRY_ASSIGN(LoginFlow f, flows_.Get(core::Uuid::Parse(id).value_or(core::Uuid())));
    // A browser flow can only be read by the browser that holds its CSRF cookie (§7).
    if (f.type == FlowType::kBrowser && !crypto::VerifyCsrfToken(ctx.csrf_token, f.csrf_token)) {
        return CsrfViolation(
            "The login flow was created by another browser: its anti-CSRF token does not match "
            "the anti-CSRF cookie of this request.");
    }
    if (f.IsExpiredAt(clock_.Now())) {
        if (f.type == FlowType::kBrowser) {
            const std::string rt = f.ReturnTo();
            core::Query q;
            if (!rt.empty()) q.Set("return_to", rt);
            return FetchExpiredBrowser("login", PublicUrl(config_.PublicBaseUrl(), kRouteInitBrowser, q.Encode()), rt);
        }
        return FetchExpiredApi("login", PublicUrl(config_.PublicBaseUrl(), kRouteInitApi));
    }
    return f.ToJson();
}

Outcome LoginService::Reject(const RequestContext& ctx, LoginFlow& flow, const Rejection& rejection) {
    ApplyRejection(flow.ui, rejection);
    flow.updated_at = clock_.Now();
    if (auto s = flows_.Update(flow); !s) return Failed{flow.type, std::move(s).error()};
    // Answer with what a subsequent fetch would return.
    auto stored = flows_.Get(flow.id);
    if (!stored) return Failed{flow.type, std::move(stored).error()};
    (void)ctx;
    return ShowFlow{ShowFlow::Kind::kRejected, flow.type, flow.id, stored->ToJson(),
                    config_.selfservice.flows.login.ui_url};
}

Outcome LoginService::Expired(const RequestContext& ctx, const LoginFlow& flow) {
    const auto now = clock_.Now();
    // The replacement keeps the old request URL so its return_to survives (settings-flow.md §9.3).
    auto next = NewFlow(flow.type, ctx, flow.request_url, flow.refresh && ctx.session.has_value(), flow.requested_aal);
    if (!next) return Failed{flow.type, std::move(next).error()};
    next->ui.AddMessage(text::NewErrorValidationLoginFlowExpired(flow.expires_at, now));
    if (auto s = flows_.Create(*next); !s) return Failed{flow.type, std::move(s).error()};
    return ErrorOrRedirect{flow.type, FlowExpired(flow.expires_at, now, next->id),
                           FlowUiUrl(config_.selfservice.flows.login.ui_url, next->id)};
}

Outcome LoginService::Submit(const RequestContext& ctx, std::string_view flow_id, const core::Result<json>& decoded) {
    auto id = core::Uuid::Parse(flow_id);
    if (!id) return Failed{std::nullopt, FlowIdMissing()};
    auto loaded = flows_.Get(*id);
    if (!loaded) return Failed{std::nullopt, std::move(loaded).error()};
    LoginFlow& flow = *loaded;

    if (ctx.session) {
        if (!flow.refresh && !UpgradesAal(flow.requested_aal, *ctx.session)) {
            return ErrorOrRedirect{flow.type, AlreadyLoggedInLogin(), DefaultReturnUrl()};
        }
    } else if (flow.requested_aal == session::kAal2) {
        return Failed{flow.type, SessionRequiredForHigherAal()};
    }
    if (flow.IsExpiredAt(clock_.Now())) return Expired(ctx, flow);
    if (!decoded) {
        if (auto r = RejectionFromBadRequest(decoded.error())) return Reject(ctx, flow, *r);
        return Failed{flow.type, decoded.error()};
    }
    const json& body = *decoded;

    for (auto* s : strategies_) {
        LoginAttempt attempt = s->Login(ctx, flow, body);
        switch (attempt.kind) {
            case LoginAttempt::Kind::kNotResponsible:
                continue;
            case LoginAttempt::Kind::kRejected:
                return Reject(ctx, flow, attempt.rejection);
            case LoginAttempt::Kind::kFailed:
                if (auto r = RejectionFromBadRequest(attempt.error)) return Reject(ctx, flow, *r);
                return Failed{flow.type, std::move(attempt.error)};
            case LoginAttempt::Kind::kAuthenticated:
                return Finish(ctx, flow, std::move(attempt));
        }
    }
    return Reject(ctx, flow, Rejection::OnFlow(text::NewErrorValidationLoginNoStrategyFound()));
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
    session::Session s;
    bool new_identity = true;
    if (ctx.session && ctx.session->identity_id == attempt.identity.id) {
        s = *ctx.session;
        new_identity = false;
        if (auto st = sessions_.Reauthenticate(s, attempt.method); !st) return Failed{flow.type, std::move(st).error()};
    } else {
        auto issued = sessions_.Issue(attempt.identity, attempt.method);
        if (!issued) return Failed{flow.type, std::move(issued).error()};
        s = std::move(issued).value();
    }
    s.identity = std::move(attempt.identity);

    flow.active = attempt.method.method;
    flow.state = std::string(kStatePassedChallenge);
    flow.updated_at = clock_.Now();
    if (auto st = flows_.Update(flow); !st) return Failed{flow.type, std::move(st).error()};

    Completed done;
    done.type = flow.type;
    json session_json = session::ToJson(s, config_.PublicBaseUrl());
    // A first factor is not enough when whoami demands the highest available AAL: browsers go on
    // to the second factor, JSON clients see the session without its identity (§7).
    if (config_.session.whoami_required_aal == config::RequiredAal::kHighestAvailable && s.identity &&
        !session::SatisfiesAal(s, *s.identity, session::kHighestAvailable)) {
        if (browser_html) redirect_to = PublicUrl(config_.PublicBaseUrl(), kRouteInitBrowser, "aal=aal2");
        session_json["identity"] = nullptr;
    }
    if (flow.type == FlowType::kApi) {
        done.body = {{"session_token", s.token}, {"session", std::move(session_json)}};
    } else {
        done.body = {{"session", std::move(session_json)}};
        done.redirect_to = std::move(redirect_to);
        done.rotate_csrf = new_identity;
        done.issue_session = std::move(s);
    }
    return done;
}

}  // namespace bia::selfservice::login
