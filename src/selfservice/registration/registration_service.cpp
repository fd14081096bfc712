#include "selfservice/registration/registration_service.hpp"

#include "core/url.hpp"
#include "crypto/csrf_token.hpp"
#include "identity/identity_json.hpp"
#include "selfservice/flow/csrf.hpp"
#include "selfservice/flow/flow_errors.hpp"
#include "session/session_json.hpp"

namespace bia::selfservice::registration {

using nlohmann::json;

ui::SortOptions RegistrationSortOptions(const std::vector<std::string>& schema_paths) {
    ui::SortOptions o;
    o.groups = {std::string(ui::kGroupDefault),  std::string(ui::kGroupOidc),    std::string(ui::kGroupCode),
                std::string(ui::kGroupPassword), std::string(ui::kGroupPasskey), std::string(ui::kGroupWebauthn)};
    o.keys.emplace_back(ui::kCsrfTokenName);
    o.keys.insert(o.keys.end(), schema_paths.begin(), schema_paths.end());
    o.keys.emplace_back("password");
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
                                                            std::string request_url) {
    const auto now = clock_.Now();
    RegistrationFlow f;
    f.id = core::Uuid::V4(random_);
    f.type = type;
    f.issued_at = f.created_at = f.updated_at = now;
    f.expires_at =
        now + std::chrono::duration_cast<core::TimePoint::duration>(config_.selfservice.flows.registration.lifespan);
    f.request_url = std::move(request_url);
    f.ui.action = PublicUrl(config_.PublicBaseUrl(), kRouteSubmit, "flow=" + f.id.ToString());
    f.csrf_token = MaskedCsrfToken(type, ctx, random_);
    f.ui.SetCsrf(f.csrf_token);
    for (auto* s : strategies_) BIA_TRY(s->Populate(ctx, f));
    ui::SortNodes(f.ui.nodes, RegistrationSortOptions(schemas_.Default().NodeSortKeys()));
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
    auto f = NewFlow(type, ctx, ctx.url);
    if (!f) return Failed{type, std::move(f).error()};
    if (auto s = flows_.Create(*f); !s) return Failed{type, std::move(s).error()};
    return ShowFlow{ShowFlow::Kind::kCreated, type, f->id, f->ToJson(), config_.selfservice.flows.registration.ui_url};
}

core::Result<json> RegistrationService::Fetch(const RequestContext& ctx, std::string_view id) {
    BIA_TRY_ASSIGN(RegistrationFlow f, flows_.Get(core::Uuid::Parse(id).value_or(core::Uuid())));
    if (f.type == FlowType::kBrowser && !crypto::VerifyCsrfToken(ctx.csrf_token, f.csrf_token)) {
        return CsrfViolation(
            "The registration flow was created by another browser: its anti-CSRF token does not "
            "match the anti-CSRF cookie of this request.");
    }
    if (f.IsExpiredAt(clock_.Now())) {
        if (f.type == FlowType::kBrowser) {
            const std::string rt = f.ReturnTo();
            core::Query q;
            if (!rt.empty()) q.Set("return_to", rt);
            return FetchExpiredBrowser("registration",
                                       PublicUrl(config_.PublicBaseUrl(), kRouteInitBrowser, q.Encode()), rt);
        }
        return FetchExpiredApi("registration", PublicUrl(config_.PublicBaseUrl(), kRouteInitApi));
    }
    return f.ToJson();
}

Outcome RegistrationService::Reject(RegistrationFlow& flow, const Rejection& rejection) {
    ApplyRejection(flow.ui, rejection);
    flow.updated_at = clock_.Now();
    if (auto s = flows_.Update(flow); !s) return Failed{flow.type, std::move(s).error()};
    auto stored = flows_.Get(flow.id);
    if (!stored) return Failed{flow.type, std::move(stored).error()};
    return ShowFlow{ShowFlow::Kind::kRejected, flow.type, flow.id, stored->ToJson(),
                    config_.selfservice.flows.registration.ui_url};
}

Outcome RegistrationService::Expired(const RequestContext& ctx, const RegistrationFlow& flow) {
    const auto now = clock_.Now();
    auto next = NewFlow(flow.type, ctx, flow.request_url);
    if (!next) return Failed{flow.type, std::move(next).error()};
    next->ui.AddMessage(text::NewErrorValidationRegistrationFlowExpired(flow.expires_at, now));
    if (auto s = flows_.Create(*next); !s) return Failed{flow.type, std::move(s).error()};
    return ErrorOrRedirect{flow.type, FlowExpired(flow.expires_at, now, next->id),
                           FlowUiUrl(config_.selfservice.flows.registration.ui_url, next->id)};
}

Outcome RegistrationService::Submit(const RequestContext& ctx, std::string_view flow_id,
                                    const core::Result<json>& decoded) {
    auto id = core::Uuid::Parse(flow_id);
    if (!id) return Failed{std::nullopt, FlowIdMissing()};
    auto loaded = flows_.Get(*id);
    if (!loaded) return Failed{std::nullopt, std::move(loaded).error()};
    RegistrationFlow& flow = *loaded;

    if (ctx.session) return ErrorOrRedirect{flow.type, AlreadyLoggedInRegistration(), DefaultReturnUrl()};
    if (flow.IsExpiredAt(clock_.Now())) return Expired(ctx, flow);
    if (!decoded) {
        if (auto r = RejectionFromBadRequest(decoded.error())) return Reject(flow, *r);
        return Failed{flow.type, decoded.error()};
    }
    const json& body = *decoded;

    for (auto* s : strategies_) {
        RegistrationAttempt attempt = s->Register(ctx, flow, body);
        switch (attempt.kind) {
            case RegistrationAttempt::Kind::kNotResponsible:
                continue;
            case RegistrationAttempt::Kind::kRejected:
                return Reject(flow, attempt.rejection);
            case RegistrationAttempt::Kind::kFailed:
                if (auto r = RejectionFromBadRequest(attempt.error)) return Reject(flow, *r);
                return Failed{flow.type, std::move(attempt.error)};
            case RegistrationAttempt::Kind::kCreated:
                return Finish(ctx, flow, body, attempt);
        }
    }
    return Reject(flow, Rejection::OnFlow(text::NewErrorValidationRegistrationNoStrategyFound()));
}

Outcome RegistrationService::Finish(const RequestContext& ctx, RegistrationFlow& flow, const json& body,
                                    const RegistrationAttempt& attempt) {
    (void)ctx;
    std::string redirect_to;
    if (flow.type == FlowType::kBrowser) {
        const std::string fallback =
            config_.RegistrationReturnUrlFor(attempt.method.method).value_or(config_.PublicBaseUrl());
        auto to = return_to_.Resolve(flow.request_url, fallback);
        if (!to) return Failed{flow.type, std::move(to).error()};
        redirect_to = std::move(to).value();
    }

    if (auto s = identities_.Create(attempt.identity); !s) {
        if (s.error().code == 409) {
            EchoTraits(flow.ui, body);
            return Reject(flow, Rejection::OnFlow(text::NewErrorValidationDuplicateCredentials()));
        }
        return Failed{flow.type, std::move(s).error()};
    }

    flow.active = attempt.method.method;
    flow.state = std::string(kStatePassedChallenge);
    flow.updated_at = clock_.Now();
    if (auto s = flows_.Update(flow); !s) return Failed{flow.type, std::move(s).error()};

    Completed done;
    done.type = flow.type;
    done.redirect_to = std::move(redirect_to);
    done.body = {{"identity", identity::ToJson(attempt.identity, config_.PublicBaseUrl())}};
    if (SessionHookFor(attempt.method.method)) {
        auto issued = sessions_.Issue(attempt.identity, attempt.method);
        if (!issued) return Failed{flow.type, std::move(issued).error()};
        done.body["session"] = session::ToJson(*issued, config_.PublicBaseUrl());
        if (flow.type == FlowType::kApi) {
            done.body["session_token"] = issued->token;
        } else {
            done.rotate_csrf = true;
            done.issue_session = std::move(issued).value();
        }
    }
    return done;
}

}  // namespace bia::selfservice::registration
