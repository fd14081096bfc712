#include "selfservice/settings/settings_service.hpp"

#include <algorithm>
#include <optional>

#include "core/json_text.hpp"
#include "core/time.hpp"
#include "core/url.hpp"
#include "selfservice/flow/csrf.hpp"
#include "selfservice/flow/flow_errors.hpp"

namespace bia::selfservice::settings {

using nlohmann::json;

core::Error RefreshRequired(std::string redirect_browser_to) {
    return core::Forbidden(
               "The login session is too old and thus not allowed to update these fields. Please re-authenticate.")
        .WithId(std::string(kErrorSessionRefreshRequired))
        .WithExtra("redirect_browser_to", std::move(redirect_browser_to));
}

core::Error FetchIdentityMismatch() {
    return core::Forbidden("The request was made for another identity and has been blocked for security reasons.")
        .WithId(std::string(kErrorIdentityMismatch));
}

core::Error SubmitIdentityMismatch() {
    return core::Forbidden(
               "The request was initiated by someone else and has been blocked for security reasons. Please go back "
               "and try again.")
        .WithId(std::string(kErrorIdentityMismatch));
}

core::Error SessionCredentialsMissing() {
    return core::Unauthorized("A valid Ory Session Cookie or Ory Session Token is missing.");
}

bool IsPrivileged(const session::Session& s, core::TimePoint now, core::Duration max_age) {
    return s.authenticated_at + std::chrono::duration_cast<core::TimePoint::duration>(max_age) > now;
}

namespace {

core::Query QueryOf(std::string_view url) {
    auto u = core::Url::Parse(url);
    return u ? u->query() : core::Query();
}

std::string RawQueryOf(std::string_view url) {
    auto q = url.find('?');
    return q == std::string_view::npos ? std::string() : std::string(url.substr(q + 1));
}

}  // namespace

SettingsService::SettingsService(const config::Config& config, SettingsFlowRepository& flows,
                                 ContinuityRepository& continuity, std::vector<SettingsStrategy*> strategies,
                                 const SettingsHooks& hooks, identity::IdentityRepository& identities,
                                 session::SessionService& sessions, const schema::SchemaRegistry& schemas,
                                 const ReturnToValidator& return_to, const core::Clock& clock, core::Random& random,
                                 core::UnitOfWork& units)
    : config_(config),
      engine_(FlowKind{.name = "settings",
                       .route_init_api = kRouteInitApi,
                       .route_init_browser = kRouteInitBrowser,
                       .route_submit = kRouteSubmit,
                       .ui_url = &config.selfservice.flows.settings.ui_url,
                       .lifespan = &config.selfservice.flows.settings.lifespan,
                       .expired_message = &text::NewErrorValidationSettingsFlowExpired,
                       .no_strategy_message = &text::NewErrorValidationSettingsNoStrategyFound,
                       .fresh_csrf_on_rerender = true,
                       .privileged_changes = true},
              config, flows, clock, random),
      continuity_(continuity),
      strategies_(std::move(strategies)),
      hooks_(hooks),
      identities_(identities),
      units_(units),
      sessions_(sessions),
      schemas_(schemas),
      return_to_(return_to),
      clock_(clock),
      random_(random) {
    for (const auto* s : strategies_) {
        for (auto& id : s->NodeOrder()) method_node_order_.push_back(std::move(id));
    }
}

FlowEngine<SettingsFlow>::ToJson SettingsService::JsonFor(const session::Session& session,
                                                          const identity::Identity& identity) const {
    return [this, &session, &identity](const SettingsFlow& f) {
        return core::JsonAnswer::Text(View(f, session, identity));
    };
}

std::string SettingsService::View(const SettingsFlow& flow, const session::Session& session,
                                  const identity::Identity& identity, const json& continue_with) const {
    // Bia extension: when the session stops being privileged (§10.1) and what each method shown
    // needs, so a UI can ask for re-authentication before the user fills in a form.
    const auto until = session.authenticated_at + std::chrono::duration_cast<core::TimePoint::duration>(
                                                      config_.selfservice.flows.settings.privileged_session_max_age);
    json required_for = json::object();
    for (const auto* s : strategies_) {
        const bool shown = std::any_of(flow.ui.nodes.begin(), flow.ui.nodes.end(),
                                       [&](const ui::Node& n) { return n.group == s->Id(); });
        if (shown) required_for[std::string(s->Id())] = s->PrivilegeNeeded();
    }
    const json reauthentication = {{"aal", sessions_.aal().Available(identity) == session::kAal2 ? "aal2" : "aal1"},
                                   {"required_for", std::move(required_for)}};
    const std::string privileged_until = core::FormatRfc3339(until);
    return flow.ToJsonText(
        identity, config_.PublicBaseUrl(), continue_with,
        {{"privileged_until",
          [&](std::string& out) { core::AppendJsonString(out, privileged_until, core::kAnswerUtf8Errors); }},
         {"reauthentication",
          [&](std::string& out) { core::AppendJsonValue(out, reauthentication, core::kAnswerUtf8Errors); }}});
}

std::string SettingsService::ReauthenticationUrl(const RequestContext& ctx) const {
    // R = login/browser?refresh=true[&aal=aal2]&return_to=<PUBLIC + this route + original query>.
    core::Query q;
    q.Set("refresh", "true");
    if (ctx.session && ctx.session->identity && sessions_.aal().Available(*ctx.session->identity) == session::kAal2) {
        q.Set("aal", "aal2");
    }
    q.Set("return_to", PublicUrl(config_.PublicBaseUrl(), kRouteSubmit, RawQueryOf(ctx.url)));
    return PublicUrl(config_.PublicBaseUrl(), kLoginBrowserRoute, q.Encode());
}

const schema::Schema* SettingsService::SchemaFor(const identity::Identity& identity) const {
    if (const auto* s = schemas_.Find(identity.schema_id)) return s;
    return &schemas_.Default();
}

bool SettingsService::AalSatisfied(const session::Session& s) const {
    if (!s.identity) return false;
    return sessions_.aal().Satisfied(s, *s.identity, config::ToString(config_.selfservice.flows.settings.required_aal));
}

std::string SettingsService::AalLoginUrl(std::string_view return_to) const {
    core::Query q;
    q.Set("aal", "aal2");
    if (!return_to.empty()) q.Set("return_to", return_to);
    return PublicUrl(config_.PublicBaseUrl(), kLoginBrowserRoute, q.Encode());
}

core::Result<SettingsFlow> SettingsService::NewFlow(FlowType type, const RequestContext& ctx,
                                                    const std::string& request_url,
                                                    const identity::Identity& identity) {
    SettingsFlow f = engine_.Start(type, ctx, request_url);
    f.identity_id = identity.id;
    for (auto* s : strategies_) BIA_TRY(s->Populate(ctx, f, identity));
    ui::SortNodes(f.ui.nodes, ui::SettingsSortOptions(SchemaFor(identity)->NodeSortKeys(), method_node_order_));
    return f;
}

core::Result<SettingsFlow> SettingsService::CreateAfterRecovery(FlowType type, const RequestContext& ctx,
                                                                const std::string& request_url,
                                                                const session::Session& session) {
    if (!session.identity) return core::Internal("a recovered session without its identity");
    BIA_TRY_ASSIGN(SettingsFlow f, NewFlow(type, ctx, request_url, *session.identity));
    const auto privileged_until =
        session.authenticated_at + std::chrono::duration_cast<core::TimePoint::duration>(
                                       config_.selfservice.flows.settings.privileged_session_max_age);
    f.ui.ResetMessages();
    f.ui.AddMessage(text::NewRecoverySuccessful(privileged_until, clock_.Now()));
    BIA_TRY(engine_.flows().Create(f));
    return f;
}

Outcome SettingsService::Init(FlowType type, const RequestContext& ctx, ContinuityRefs& continuity) {
    const bool api = type == FlowType::kApi;
    const std::string return_to(QueryOf(ctx.url).Get("return_to").value_or(""));
    if (!ctx.session || !ctx.session->identity) {
        if (api) {
            core::Error e = NoActiveSession();
            e.reason = "This endpoint can only be accessed with a valid session. Please log in and try again.";
            return Failed{type, std::move(e)};
        }
        // G2: the browser is sent to a new login flow that carries the return_to along (§4 step 1).
        core::Query q;
        if (!return_to.empty()) q.Set("return_to", return_to);
        return ErrorOrRedirect{std::nullopt, NoActiveSession().WithExtra("CredentialsMissing", false),
                               PublicUrl(config_.PublicBaseUrl(), kLoginBrowserRoute, q.Encode())};
    }
    if (!AalSatisfied(*ctx.session)) {
        const std::string login = AalLoginUrl(api || return_to.empty() ? std::string() : ctx.url);
        if (api) return Failed{type, Aal2Required(login)};
        return ErrorOrRedirect{std::nullopt, Aal2Required(login), login};
    }
    if (auto rt = return_to_.Resolve(ctx.url, config_.selfservice.flows.settings.ui_url); !rt) {
        return Failed{api ? std::optional<FlowType>(type) : std::nullopt, std::move(rt).error()};
    }
    // A new flow abandons whatever change was paused for re-authentication (§10.4).
    std::vector<std::string> stale;
    for (const auto& [name, id] : continuity.containers) {
        if (name.rfind(kContinuityPrefix, 0) == 0) stale.push_back(name);
    }
    for (const auto& name : stale) {
        (void)continuity_.Delete(continuity.containers.at(name));
        continuity.Remove(name);
    }

    const identity::Identity& who = *ctx.session->identity;
    return engine_.Created(type, NewFlow(type, ctx, ctx.url, who), JsonFor(*ctx.session, who));
}

core::Result<std::string> SettingsService::Fetch(const RequestContext& ctx, std::string_view id) {
    if (!ctx.session || !ctx.session->identity) return SessionCredentialsMissing();
    BIA_TRY_ASSIGN(SettingsFlow f, engine_.flows().Get(core::Uuid::Parse(id).value_or(core::Uuid())));
    if (f.identity_id != ctx.session->identity_id) return FetchIdentityMismatch();
    if (!AalSatisfied(*ctx.session)) {
        return Aal2Required(AalLoginUrl(FlowUiUrl(config_.selfservice.flows.settings.ui_url, f.id)));
    }
    // Fetch errors carry no id (§6 step 5).
    if (auto expired = engine_.FetchExpiry(f)) return std::move(*expired).WithId("");
    return View(f, *ctx.session, *ctx.session->identity);
}

core::Result<FlowSessionStamp> SettingsService::FetchStamps(std::string_view id, std::string_view token) {
    auto parsed = core::Uuid::Parse(id);
    if (!parsed) return FlowNotFound();
    if (!session::CouldBeToken(token)) token = {};  // names no session
    BIA_TRY_ASSIGN(FlowSessionStamp stamps, engine_.flows().StampWithSession(*parsed, token));
    if (stamps.session && !stamps.session->IsValidAt(clock_.Now())) stamps.session.reset();
    return stamps;
}

void SettingsService::FetchStampsAsync(const core::Uuid& id, std::string_view token,
                                       std::function<void(core::Result<FlowSessionStamp>)> done) {
    if (!session::CouldBeToken(token)) token = {};  // names no session
    engine_.flows().StampWithSessionAsync(id, token, [this, done = std::move(done)](core::Result<FlowSessionStamp> st) {
        if (st && st->session && !st->session->IsValidAt(clock_.Now())) st->session.reset();
        done(std::move(st));
    });
}

bool SettingsService::StampReadsAsync() { return engine_.flows().StampReadsAsync(); }

Outcome SettingsService::Reject(const RequestContext& ctx, SettingsFlow& flow, const identity::Identity& identity,
                                const Rejection& rejection) {
    // Answered with what a subsequent fetch returns (§5.4): the stored, unchanged identity.
    return engine_.Reject(ctx, flow, rejection, JsonFor(*ctx.session, identity));
}

Outcome SettingsService::Pause(const RequestContext& ctx, const SettingsFlow& flow, std::string_view method,
                               const json& body, ContinuityRefs& continuity) {
    const std::string login = ReauthenticationUrl(ctx);
    if (flow.type == FlowType::kBrowser) {
        const auto now = clock_.Now();
        ContinuityContainer c;
        c.id = core::Uuid::V4(random_);
        c.name = std::string(kContinuityPrefix) + std::string(method);
        c.identity_id = flow.identity_id;
        c.payload = {{"flow", flow.id.ToString()}, {"body", body}};
        c.created_at = now;
        c.expires_at = now + std::chrono::duration_cast<core::TimePoint::duration>(kContinuityLifespan);
        if (auto old = continuity.containers.find(c.name); old != continuity.containers.end()) {
            (void)continuity_.Delete(old->second);
        }
        if (auto s = continuity_.Create(c); !s) return Failed{flow.type, std::move(s).error()};
        continuity.Put(c.name, c.id);
    }
    return ErrorOrRedirect{flow.type, RefreshRequired(login), login};
}

Outcome SettingsService::Submit(const RequestContext& ctx, std::string_view flow_id, const core::Result<json>& decoded,
                                const HookRequestFacts& request, ContinuityRefs& continuity) {
    // 0. The auth wrapper: JSON → 401 without id, browsers → 302 to the login UI.
    if (!ctx.session || !ctx.session->identity) {
        return ErrorOrRedirect{std::nullopt, SessionCredentialsMissing(), config_.selfservice.flows.login.ui_url, 302};
    }
    // 1–2. The flow.
    // The stored form stays unparsed until something shows or edits it: a successful change
    // replaces it with the sibling's (Finish), so a profile or password change never parses it.
    auto loaded = engine_.Load(flow_id, UiRead::kKeepText);
    if (!loaded) {
        core::Error e = std::move(loaded).error();
        if (e.code == 404) e = core::NotFound("The settings request could not be found. Please restart the flow.");
        return Failed{std::nullopt, std::move(e)};
    }
    SettingsFlow& flow = *loaded;
    const session::Session& session = *ctx.session;
    const identity::Identity& identity = *session.identity;

    // 4. AAL, 5. expiry and owner.
    if (!AalSatisfied(session)) {
        const std::string login = AalLoginUrl(ctx.url);
        return ErrorOrRedirect{flow.type, Aal2Required(login), login};
    }
    // The replacement keeps the old request URL so its return_to survives (§9.3).
    if (flow.IsExpiredAt(clock_.Now())) {
        return engine_.ReplaceExpired(flow, NewFlow(flow.type, ctx, flow.request_url, identity));
    }
    if (flow.identity_id != session.identity_id) return Failed{flow.type, SubmitIdentityMismatch()};

    // A paused submission for this flow replaces the body (§10.4; browser forms only).
    std::optional<json> resumed;
    if (flow.type == FlowType::kBrowser && !ctx.json_request) {
        for (auto* s : strategies_) {
            const std::string name = std::string(kContinuityPrefix) + std::string(s->Id());
            auto ref = continuity.containers.find(name);
            if (ref == continuity.containers.end()) continue;
            const core::Uuid cid = ref->second;
            continuity.Remove(name);
            auto c = continuity_.Get(cid);
            if (!c) continue;
            (void)continuity_.Delete(cid);
            if (c->IsExpiredAt(clock_.Now())) {
                return Reject(ctx, flow, identity,
                              Rejection::OnFlow(text::NewValidationErrorGeneric(
                                  "You must restart the flow because the resumable session has "
                                  "expired.")));
            }
            if (c->identity_id != identity.id) {
                return Reject(ctx, flow, identity,
                              Rejection::OnFlow(text::NewValidationErrorGeneric(
                                  "You must restart the flow because the resumable session was "
                                  "initiated by another person.")));
            }
            // A container of another flow is consumed without effect.
            if (resumed || c->payload.value("flow", "") != flow.id.ToString()) continue;
            resumed = c->payload.value("body", json::object());
        }
    }
    if (!resumed && !decoded) return engine_.RejectOrFail(ctx, flow, decoded.error(), JsonFor(session, identity));
    const json& body = resumed ? *resumed : *decoded;

    // 6. Strategy dispatch: the first strategy that claims the submission handles it (§5.2).
    const bool privileged =
        IsPrivileged(session, clock_.Now(), config_.selfservice.flows.settings.privileged_session_max_age);
    SettingsStrategy* claimed = nullptr;
    // The flow's own form as a failed submission shows it again (the engine parses a form it
    // shows, but only the claiming strategy knows what to echo into it).
    auto restore_form = [&]() -> core::Status {
        if (flow.ui_text.empty()) return {};
        BIA_TRY(flow.ParseUi());
        if (claimed != nullptr && !claimed->SubmitEditsForm()) claimed->EchoSubmission(flow.ui, body);
        return {};
    };
    Outcome answer;
    auto attempt = engine_.Dispatch<SettingsAttempt>(
        ctx, flow, strategies_,
        [&](SettingsStrategy& s) {
            if (s.SubmitEditsForm()) {
                if (auto parsed = flow.ParseUi(); !parsed) return SettingsAttempt::Failed(std::move(parsed).error());
            }
            claimed = &s;
            SettingsSubmission sub{ctx, flow, session, identity, body, privileged};
            SettingsAttempt a = s.Submit(sub);
            using Kind = SettingsAttempt::Kind;
            const bool form_unused =
                a.kind == Kind::kNotResponsible || a.kind == Kind::kSucceeded || a.kind == Kind::kNeedsPrivilege;
            if (!form_unused) {
                if (auto restored = restore_form(); !restored)
                    return SettingsAttempt::Failed(std::move(restored).error());
            }
            return a;
        },
        JsonFor(session, identity), &answer);
    // 7. Nobody claimed it, or the claim was refused.
    if (!attempt) return answer;
    if (attempt->kind == SettingsAttempt::Kind::kNeedsPrivilege)
        return Pause(ctx, flow, claimed->Id(), body, continuity);
    return Finish(ctx, flow, claimed->Id(), std::move(*attempt), request, restore_form);
}

Outcome SettingsService::Finish(const RequestContext& ctx, SettingsFlow& flow, std::string_view method,
                                SettingsAttempt attempt, const HookRequestFacts& request,
                                const std::function<core::Status()>& restore_form) {
    const session::Session& session = *ctx.session;
    const identity::Identity& before = *session.identity;
    identity::Identity& updated = attempt.identity;

    // 1. The success return URL is checked before anything is written (§14 step 1).
    std::string redirect_to;
    if (flow.type == FlowType::kBrowser) {
        const std::string fallback = config_.SettingsReturnUrlFor(method).value_or(
            FlowUiUrl(config_.selfservice.flows.settings.ui_url, flow.id));
        auto to = return_to_.Resolve(flow.request_url, fallback);
        if (!to) return Failed{flow.type, std::move(to).error()};
        redirect_to = std::move(to).value();
    }

    const auto hooks = hooks_.For(method);
    json continue_with = json::array();
    // The flow as hooks see it is built only when a hook runs at this stage (most methods have
    // none configured, and a flow's JSON costs as much as the rest of a profile change).
    auto run_hooks = [&](SettingsHook::When when) -> core::Status {
        std::optional<json> flow_json;
        for (auto* h : hooks) {
            if (h->RunsAt() != when) continue;
            if (!flow_json) {
                BIA_TRY(restore_form());
                flow_json = flow.ToJson(updated, config_.PublicBaseUrl());
            }
            BIA_TRY(h->Execute(SettingsHookContext{request, method, *flow_json, updated, session, continue_with}));
        }
        return {};
    };
    // 2. Pre-persist hooks.
    if (auto s = run_hooks(SettingsHook::When::kPrePersist); !s) {
        if (auto restored = restore_form(); !restored) return Failed{flow.type, std::move(restored).error()};
        return engine_.RejectOrFail(ctx, flow, s.error(), JsonFor(session, before));
    }

    // 3. Persist the identity, the session's new methods, and the flow's success (its UI becomes
    // that of a fresh sibling flow, §9.2, so ui.action points to the sibling's id) as one unit of
    // work: all of it is written, or none (a rejected identity change leaves the flow usable).
    updated.updated_at = clock_.Now();
    auto sibling = NewFlow(flow.type, ctx, ctx.url, updated);
    if (!sibling) return Failed{flow.type, std::move(sibling).error()};
    bool identity_refused = false;
    const std::string state_before = flow.state;
    const core::TimePoint updated_before = flow.updated_at;
    bool swapped = false;  // flow and sibling have traded UI and internal context
    auto trade = [&] {
        std::swap(flow.ui, sibling->ui);
        std::swap(flow.ui_text, sibling->ui_text);  // an unparsed form goes whole
        std::swap(flow.internal_context, sibling->internal_context);
        swapped = !swapped;
    };
    const auto persisted = units_.Run([&]() -> core::Status {
        // A unit the store retries starts from what it was given: the sibling's fresh UI back
        // (it had no messages), the flow's own UI back.
        if (swapped) {
            trade();
            sibling->ui.ResetMessages();
        }
        identity_refused = false;
        if (auto s = identities_.Update(updated, &before); !s) {
            identity_refused = true;
            return s;
        }
        if (!attempt.add_methods.empty()) {
            session::Session s = session;
            for (const auto& m : attempt.add_methods) BIA_TRY(sessions_.AddMethod(s, m));
        }
        BIA_TRY(engine_.flows().Create(*sibling));
        trade();
        flow.ui.ResetMessages();
        flow.ui.AddMessage(text::NewInfoSettingsUpdateSuccess());
        flow.state = std::string(kStateSuccess);
        flow.updated_at = clock_.Now();
        return engine_.flows().Update(flow);
    });
    if (!persisted) {
        // Nothing was written: the flow as it was, for the answer below (a retried unit may have
        // marked it first).
        if (swapped) trade();
        flow.state = state_before;
        flow.updated_at = updated_before;
        if (auto restored = restore_form(); !restored) return Failed{flow.type, std::move(restored).error()};
        // A stale write lost a race with another change of this identity: nothing was written and
        // the flow stays usable, so the client may submit again (409 with the error's id). Only a
        // taken identifier or address is "duplicate credentials".
        const core::Error& e = persisted.error();
        if (identity_refused && !identity::IsConcurrentUpdate(e) && e.code == 409) {
            return Reject(ctx, flow, before, Rejection::OnFlow(text::NewErrorValidationDuplicateCredentials()));
        }
        return Failed{flow.type, e};
    }

    // 4. The session cache: the next request with this session (typically the next settings init,
    // or whoami) finds the identity's revision changed and would load it again. When this unit
    // wrote the identity row alone (no child rows, no session change), a load at the next revision
    // reads `updated` itself: the row as bound, the child rows as they were loaded with
    // `before`, the clock's microsecond timestamps, which every backend stores exactly. So the
    // session is kept with it under that revision. If another write came between the load and this
    // one, the store's revision is a later one, and the kept copy is never served. Traits holding a
    // float without a fraction are not kept: PostgreSQL may read them back as integers.
    if (attempt.add_methods.empty() && updated.revision == before.revision &&
        updated.credentials == before.credentials && updated.verifiable_addresses == before.verifiable_addresses &&
        updated.recovery_addresses == before.recovery_addresses && !core::HasIntegralFloat(updated.traits)) {
        session::Session kept = session;
        kept.identity = updated;
        kept.identity->revision = before.revision + 1;
        kept.identity->stored_updated_at = updated.updated_at;
        sessions_.Remember(session.token, std::move(kept));
    }

    // 5. Post-persist hooks: the verification sender first (a changed address gets its message),
    // then the configured ones; a failure is reported although the change is saved.
    if (change_notice_) {
        if (auto s = change_notice_->Notify(before, updated, method); !s)
            return Failed{flow.type, std::move(s).error()};
    }
    if (verification_) {
        auto started = verification_->SendForPendingAddress(ctx, flow.type, updated);
        if (!started) return Failed{flow.type, std::move(started).error()};
        if (*started) {
            for (const auto& h : config_.selfservice.flows.settings.after.HooksFor(method)) {
                if (h.name == kHookShowVerificationUi) continue_with.push_back(ShowVerificationUi(**started));
            }
        }
    }
    if (auto s = run_hooks(SettingsHook::When::kPostPersist); !s) return Failed{flow.type, std::move(s).error()};

    Completed done;
    done.type = flow.type;
    done.redirect_to = redirect_to;
    if (flow.type == FlowType::kBrowser) {
        // v1.3+: SPAs learn where a browser would have been sent (§5.3).
        continue_with.push_back({{"action", "redirect_browser_to"}, {"redirect_browser_to", redirect_to}});
        session::Session s = session;
        s.identity = updated;
        done.issue_session = std::move(s);
    }
    done.body = core::JsonAnswer::Text(View(flow, session, updated, continue_with));
    return done;
}

}  // namespace bia::selfservice::settings
