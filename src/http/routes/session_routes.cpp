#include "http/routes/session_routes.hpp"

#include "core/crypto_util.hpp"
#include "core/time.hpp"
#include "http/routes/admin_identities.hpp"
#include "http/routes/body.hpp"
#include "selfservice/flow/flow_errors.hpp"
#include "session/session_json.hpp"

namespace bia::http::routes {

using nlohmann::json;

namespace {

// The session list routes answer "no session" with the G1 cookie wording (surrounding-api.md §5).
core::Error NoSessionCookie() { return core::Unauthorized("No valid session cookie found."); }

core::Error LogoutTokenMismatch() {
    return core::Forbidden(
        "Unable to log out because the logout token in the URL query does not match the session cookie.");
}

core::Error UnknownSessionToken() {
    return core::Forbidden("The provided Ory Session Token could not be found, is invalid, or otherwise malformed.");
}

}  // namespace

SessionRoutes::SessionRoutes(session::SessionService& sessions, const SelfServiceHttp& http,
                             const selfservice::ReturnToValidator& return_to, const core::ChangeWatch* changes,
                             size_t whoami_cache_bytes)
    : sessions_(sessions),
      http_(http),
      return_to_(return_to),
      public_base_url_(http.config().PublicBaseUrl()),
      required_aal_(http.config().session.whoami_required_aal == config::RequiredAal::kAal1
                        ? std::string(session::kAal1)
                        : std::string(session::kHighestAvailable)),
      aal2_login_url_(selfservice::PublicUrl(public_base_url_, "/self-service/login/browser", "aal=aal2")),
      changes_(changes),
      whoami_answers_(whoami_cache_bytes) {}

void SessionRoutes::Register(Router& router) {
    // whoami answers every method (§17.2); DELETE /sessions/whoami behaves the same (§5).
    router.AddMany({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "CONNECT", "OPTIONS", "TRACE"},
                   std::string(kRouteWhoami), [this](Request& r) { return Whoami(r); });
    if (sessions_.StampReadsAsync()) {
        router.SetPrefetch(kRouteWhoami, Prefetch{[this](Request& r, std::function<void()> done) {
                                                      return StartWhoamiRead(r, std::move(done));
                                                  },
                                                  [this](Request& r) { return AnswerWhoamiRead(r); }});
    }
    router.Add("GET", std::string(kRouteSessions), [this](Request& r) { return List(r); });
    router.Add("DELETE", std::string(kRouteSessions), [this](Request& r) { return RevokeOthers(r); });
    router.Add("DELETE", std::string(kRouteSessions) + "/{id}", [this](Request& r) { return RevokeOne(r); });
    router.Add("GET", std::string(kRouteLogoutBrowser), [this](Request& r) { return LogoutBrowser(r); });
    router.Add("GET", std::string(kRouteLogout), [this](Request& r) { return Logout(r); });
    router.Add("DELETE", std::string(kRouteLogoutApi), [this](Request& r) { return LogoutApi(r); });
}

Response SessionRoutes::Whoami(Request& r) {
    // After a prefetch that settled nothing (a miss): its token and stamp, not read again.
    const auto* prefetched = PrefetchedRead<WhoamiRead>(r);
    std::optional<std::string> token;
    if (prefetched != nullptr) {
        token = prefetched->token;
    } else {
        token = http_.sessions().Token(r);
    }
    if (!token) return Response::Error(selfservice::NoValidSessionCredentials(), r.RequestId());
    // The hot path (docs/architecture.md, "Answers cached by revision"): the answer cached for this
    // token is current while the session's and identity's revisions are the ones it was stored
    // under — any write since, by this process or another, changed one of them. The store's change
    // version, read first, shows whether anything at all was written since those revisions were
    // last read; only then is the stamp read again (one indexed read). Only a miss loads the
    // session with its identity and serialises it.
    const std::optional<core::StoreVersion> seen = prefetched != nullptr ? prefetched->seen
                                                   : changes_ != nullptr ? changes_->CurrentVersion()
                                                                         : std::nullopt;
    if (prefetched == nullptr && seen) {
        if (auto hit = whoami_answers_.FindUnchanged(*token, *seen, sessions_.clock().Now())) {
            return WhoamiAnswer(Response::RawJson(200, core::SharedBody(hit)), hit->subject);
        }
    }
    const core::Result<session::SessionStamp> stamp =
        prefetched != nullptr ? *prefetched->result : sessions_.CurrentStamp(*token);
    if (auto settled = WhoamiFromStamp(r, *token, stamp, seen)) return std::move(*settled);
    auto s = sessions_.ResolveToken(*token, *stamp);
    if (!s) return Response::Error(s.error(), r.RequestId());
    if (!s->identity || !sessions_.aal().Satisfied(*s, *s->identity, required_aal_)) {
        return Response::Error(selfservice::Aal2Required(aal2_login_url_), r.RequestId());
    }
    json body = session::ToJson(*s, public_base_url_);
    // Bia extension: until when settings changes need no re-authentication (settings §10.1).
    body["privileged_until"] = core::FormatRfc3339(
        s->authenticated_at + std::chrono::duration_cast<core::TimePoint::duration>(
                                  http_.config().selfservice.flows.settings.privileged_session_max_age));
    std::string text = DumpJson(body);
    std::string identity_id = s->identity_id.ToString();
    // Stored under the revisions read with the data itself, so it can only be older than a
    // later stamp, never newer.
    whoami_answers_.Put(*token, {s->revision, s->identity->revision}, {text, identity_id}, {seen, s->expires_at});
    return WhoamiAnswer(Response::RawJson(200, std::move(text)), identity_id);
}

std::optional<Response> SessionRoutes::WhoamiFromStamp(const Request& r, const std::string& token,
                                                       const core::Result<session::SessionStamp>& stamp,
                                                       const std::optional<core::StoreVersion>& seen) {
    if (!stamp) {
        whoami_answers_.Erase(token);
        return Response::Error(stamp.error(), r.RequestId());
    }
    if (auto hit = whoami_answers_.Find(token, {stamp->session_revision, stamp->identity_revision},
                                        {seen, stamp->expires_at})) {
        return WhoamiAnswer(Response::RawJson(200, core::SharedBody(hit)), hit->subject);
    }
    return std::nullopt;
}

// The prefetch (PostgreSQL): the stamp is read by the session repository's batcher while the I/O
// thread serves its other connections; a hit never leaves the I/O thread.
bool SessionRoutes::StartWhoamiRead(Request& r, std::function<void()> done) {
    auto token = http_.sessions().Token(r);
    if (!token) return false;  // the handler answers 401
    auto read = std::make_shared<WhoamiRead>();
    read->token = std::move(*token);
    read->seen = changes_ != nullptr ? changes_->CurrentVersion() : std::nullopt;
    // If this throws, nothing was queued and done is never called. The read owns the token it views.
    sessions_.CurrentStampAsync(read->token, KeepPrefetchedRead(r, read, std::move(done)));
    return true;
}

std::optional<Response> SessionRoutes::AnswerWhoamiRead(Request& r) {
    const auto* w = PrefetchedRead<WhoamiRead>(r);
    if (w == nullptr) return std::nullopt;
    return WhoamiFromStamp(r, w->token, *w->result, w->seen);
}

Response SessionRoutes::WhoamiAnswer(Response resp, const std::string& identity_id) const {
    resp.SetHeader(std::string(kAuthenticatedIdentityHeader), identity_id);
    AddVaryCookie(resp);
    return resp;
}

core::Result<session::Session> SessionRoutes::ResolveForSessionManagement(Request& r) const {
    auto s = http_.sessions().Resolve(r);
    if (!s) return s.error().code == 401 ? NoSessionCookie() : std::move(s).error();
    // Listing and revoking sessions need the AAL whoami needs (issue 13: Kratos checks it only
    // when listing, so an aal1 session could revoke the owner's aal2 sessions).
    if (!s->identity || !sessions_.aal().Satisfied(*s, *s->identity, required_aal_))
        return selfservice::Aal2Required(aal2_login_url_);
    return s;
}

Response SessionRoutes::List(Request& r) {
    auto s = ResolveForSessionManagement(r);
    if (!s) return Response::Error(s.error(), r.RequestId());
    auto page = ParsePage(r);
    if (!page) return Response::Error(page.error(), r.RequestId());
    // A person has few sessions: filter the current and expired ones, then page in memory so that
    // pages and totals stay consistent.
    auto all = sessions_.repository().ListByIdentity(s->identity_id, true, 0, 100000);
    if (!all) return Response::Error(all.error(), r.RequestId());
    const auto now = sessions_.clock().Now();
    std::vector<const session::Session*> others;
    for (const auto& o : *all) {
        if (o.id != s->id && o.IsValidAt(now)) others.push_back(&o);
    }
    json out = json::array();
    const auto total = static_cast<int64_t>(others.size());
    for (int64_t i = page->offset(); i < total && i < page->offset() + page->per_page; ++i) {
        session::Session copy = *others[static_cast<size_t>(i)];
        copy.identity = s->identity;
        out.push_back(session::ToJson(copy, public_base_url_));
    }
    Response resp = Response::Json(200, out);
    WritePaginationHeaders(resp, r.path, *page, total);
    AddVaryCookie(resp);
    return resp;
}

Response SessionRoutes::RevokeOthers(Request& r) {
    auto s = ResolveForSessionManagement(r);
    if (!s) return Response::Error(s.error(), r.RequestId());
    auto n = sessions_.repository().RevokeAllExcept(s->identity_id, s->id);
    if (!n) return Response::Error(n.error(), r.RequestId());
    Response resp = Response::Json(200, json{{"count", *n}});
    AddVaryCookie(resp);
    return resp;
}

Response SessionRoutes::RevokeOne(Request& r) {
    auto s = ResolveForSessionManagement(r);
    if (!s) return Response::Error(s.error(), r.RequestId());
    auto id = core::Uuid::Parse(r.Param("id"));
    if (!id) return Response::Error(core::BadRequest("The session id must be a UUID."), r.RequestId());
    if (*id == s->id) {
        return Response::Error(core::BadRequest("").WithMessage("cannot revoke current session"), r.RequestId());
    }
    auto target = sessions_.repository().FindById(*id, false);
    if (!target) return Response::Error(target.error(), r.RequestId());
    // Another identity's session is reported exactly like a missing one.
    if (target->identity_id != s->identity_id) return Response::Error(selfservice::FlowNotFound(), r.RequestId());
    if (auto st = sessions_.repository().Revoke(*id); !st) return Response::Error(st.error(), r.RequestId());
    Response resp = Response::NoContent();
    AddVaryCookie(resp);
    return resp;
}

Response SessionRoutes::LogoutBrowser(Request& r) {
    auto p = http_.Prepare(r, CsrfMiddleware::kApply, true);
    if (!p) return Response::Error(p.error(), r.RequestId());
    Response resp;
    if (!p->ctx.session) {
        resp = Response::Error(selfservice::NoActiveSession(), r.RequestId());
    } else {
        core::Query q;
        q.Add("token", p->ctx.session->logout_token);
        // G2: a return_to given here travels with the logout URL.
        if (auto rt = r.query.Get("return_to"); rt && !rt->empty()) q.Add("return_to", *rt);
        resp =
            Response::Json(200, json{{"logout_url", selfservice::PublicUrl(public_base_url_, kRouteLogout, q.Encode())},
                                     {"logout_token", p->ctx.session->logout_token}});
    }
    for (const auto& c : p->cookies) resp.AddCookie(c);
    AddVaryCookie(resp);
    return resp;
}

Response SessionRoutes::Logout(Request& r) {
    const auto token = r.query.Get("token").value_or("");
    if (token.empty()) return http_.Fail(r, core::BadRequest("Please include a token in the URL query."));
    auto s = http_.sessions().Resolve(r);
    if (!s) return http_.Fail(r, s.error().code == 401 ? selfservice::NoActiveSession() : s.error());
    if (!core::ConstantTimeEquals(token, s->logout_token)) return http_.Fail(r, LogoutTokenMismatch());

    std::string location;
    if (!r.IsJsonRequest()) {
        const auto& cfg = http_.config();
        auto to = return_to_.Resolve(r.FullUrl(), cfg.LogoutReturnUrl().value_or(public_base_url_));
        if (!to) return http_.Fail(r, to.error());
        location = std::move(to).value();
    }
    if (auto st = sessions_.repository().Revoke(s->id); !st) return http_.Fail(r, st.error());
    Response resp = r.IsJsonRequest() ? Response::NoContent() : Response::Redirect(303, location);
    resp.AddCookie(http_.sessions().ClearCookie());
    resp.AddCookie(http_.csrf().Issue().second);
    AddVaryCookie(resp);
    return resp;
}

Response SessionRoutes::LogoutApi(Request& r) {
    auto body = DecodeJsonBody(r);
    if (!body) return Response::Error(body.error(), r.RequestId());
    auto it = body->is_object() ? body->find("session_token") : body->end();
    if (!body->is_object() || it == body->end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
        return Response::Error(core::BadRequest("The request body must carry a non-empty `session_token`."),
                               r.RequestId());
    }
    const std::string& token = it->get_ref<const std::string&>();
    if (!session::CouldBeToken(token)) return Response::Error(UnknownSessionToken(), r.RequestId());
    auto s = sessions_.repository().FindByToken(token);
    if (!s) return Response::Error(s.error().code == 404 ? UnknownSessionToken() : s.error(), r.RequestId());
    if (auto st = sessions_.repository().Revoke(s->id); !st) return Response::Error(st.error(), r.RequestId());
    Response resp = Response::NoContent();
    AddVaryCookie(resp);
    return resp;
}

}  // namespace bia::http::routes
