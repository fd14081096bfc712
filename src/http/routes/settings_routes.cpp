#include "http/routes/settings_routes.hpp"

#include <algorithm>

#include "core/url.hpp"
#include "http/routes/flow_body.hpp"

namespace bia::http::routes {

using selfservice::FlowType;
namespace settings = selfservice::settings;

void SettingsRoutes::Register(Router& router, Router& admin) {
    // Inits write a new flow: offloaded like submits, so no I/O thread waits for a commit.
    router.Add(
        "GET", std::string(settings::kRouteInitApi), [this](Request& r) { return InitApi(r); }, Execution::kOffload);
    router.Add(
        "GET", std::string(settings::kRouteInitBrowser), [this](Request& r) { return InitBrowser(r); },
        Execution::kOffload);
    router.Add("GET", std::string(settings::kRouteFetch), [this](Request& r) { return Fetch(r); });
    if (settings_.StampReadsAsync()) {
        router.SetPrefetch(settings::kRouteFetch, Prefetch{[this](Request& r, std::function<void()> done) {
                                                               return StartFetchRead(r, std::move(done));
                                                           },
                                                           [this](Request& r) { return AnswerFetchRead(r); }});
    }
    router.Add(
        "POST", std::string(settings::kRouteSubmit), [this](Request& r) { return Submit(r); }, Execution::kOffload);
    router.Add(
        "GET", std::string(settings::kRouteSubmit), [this](Request& r) { return Submit(r); }, Execution::kOffload);

    // The admin port never serves settings flows: 307 to the public route with the query (§1.7).
    auto to_public = [this](Request& r) {
        std::string path = r.path.substr(std::string_view("/admin").size());
        std::string target = core::JoinUrl(http_.config().PublicBaseUrl(), path);
        if (!r.raw_query.empty()) target += "?" + r.raw_query;
        return Response::Redirect(307, std::move(target));
    };
    for (auto p : {settings::kRouteInitApi, settings::kRouteInitBrowser, settings::kRouteFetch}) {
        admin.Add("GET", "/admin" + std::string(p), to_public);
    }
    admin.AddMany({"GET", "POST"}, "/admin" + std::string(settings::kRouteSubmit), to_public);
}

selfservice::ContinuityRefs SettingsRoutes::ReadContinuity(const Request& r) const {
    auto sealed = r.Cookie(selfservice::kContinuityCookieName);
    if (!sealed) return {};
    auto opened = sealer_.Open(selfservice::kContinuityCookieName, *sealed);
    if (!opened) return {};
    return selfservice::ContinuityRefs::Decode(*opened);
}

std::optional<SetCookie> SettingsRoutes::ContinuityCookie(const selfservice::ContinuityRefs& refs) const {
    if (!refs.changed) return std::nullopt;
    SetCookie c;
    c.name = std::string(selfservice::kContinuityCookieName);
    c.path = "/";
    c.http_only = true;
    c.same_site = "Lax";
    c.secure = !http_.config().dev_mode;
    if (refs.containers.empty()) {
        c.max_age = -1;
        return c;
    }
    auto sealed = sealer_.Seal(selfservice::kContinuityCookieName, refs.Encode());
    if (!sealed) return std::nullopt;
    c.value = std::move(sealed).value();
    c.max_age = selfservice::kContinuityCookieMaxAge;
    return c;
}

Response SettingsRoutes::InitApi(Request& r) {
    // API endpoints are excluded from the CSRF middleware and never set cookies (§3).
    auto p = http_.Prepare(r, CsrfMiddleware::kExclude, true);
    if (!p) return http_.Respond(r, selfservice::Failed{FlowType::kApi, p.error()});
    selfservice::ContinuityRefs none;
    return http_.Respond(r, settings_.Init(FlowType::kApi, p->ctx, none));
}

Response SettingsRoutes::InitBrowser(Request& r) {
    auto p = http_.Prepare(r, CsrfMiddleware::kApply, true);
    if (!p) return http_.Fail(r, p.error());
    auto refs = ReadContinuity(r);
    auto outcome = settings_.Init(FlowType::kBrowser, p->ctx, refs);
    if (auto c = ContinuityCookie(refs)) p->cookies.push_back(std::move(*c));
    return http_.Respond(r, std::move(outcome), std::move(p->cookies));
}

Response SettingsRoutes::Fetch(Request& r) {
    auto p = http_.Prepare(r, CsrfMiddleware::kApply, /*resolve_session=*/false);
    if (!p) return Response::Error(p.error(), r.RequestId());
    const std::string id(r.query.Get("id").value_or(""));
    // After a prefetch that settled nothing (a miss): its token and stamps, not read again.
    const auto* prefetched = PrefetchedRead<FetchRead>(r);
    // The hot path (docs/architecture.md, "Answers cached by revision"): one indexed statement
    // reads the flow's and the session's stamps, which prove the answer cached for (flow, token)
    // current. The answer depends on nothing else (the flow, the session, the identity and the
    // configuration), and the owner and AAL checks it passed are functions of those same revisions.
    // While the store's change version (read first) shows nothing was written since those stamps
    // were last read, the answer is served without reading them.
    FetchProof f;
    // Opened once: the cookie is sealed (AES-GCM).
    const auto token =
        prefetched != nullptr ? std::optional<std::string>(prefetched->token) : http_.sessions().Token(r);
    if (token) {
        f.proof.version = prefetched != nullptr ? prefetched->seen
                          : changes_ != nullptr ? changes_->CurrentVersion()
                                                : std::nullopt;
        const auto now = http_.clock().Now();
        f.key = id + ' ' + *token;
        if (prefetched == nullptr && f.proof.version) {
            if (auto hit = fetch_answers_.FindUnchanged(f.key, *f.proof.version, now)) {
                return FetchAnswer(*p, Response::RawJson(200, core::SharedBody(hit)));
            }
        }
        const auto stamps = prefetched != nullptr ? *prefetched->result : settings_.FetchStamps(id, *token);
        if (auto hit = FetchFromStamps(f, stamps, now))
            return FetchAnswer(*p, Response::RawJson(200, core::SharedBody(hit)));
    }
    auto s = !token            ? core::Result<session::Session>(selfservice::NoValidSessionCredentials())
             : f.session_stamp ? http_.sessions().ResolveToken(*token, *f.session_stamp)
                               : http_.sessions().ResolveToken(*token);
    if (s) {
        p->ctx.session = std::move(s).value();
    } else if (s.error().code != 401) {
        return Response::Error(s.error(), r.RequestId());
    }
    if (!p->ctx.session) {
        // The auth wrapper: JSON → 401 without id, browsers → 302 to the login UI (§6 step 1).
        return FetchAnswer(*p, r.IsJsonRequest()
                                   ? Response::Error(settings::SessionCredentialsMissing(), r.RequestId())
                                   : Response::Redirect(302, http_.config().selfservice.flows.login.ui_url));
    }
    auto flow = settings_.Fetch(p->ctx, id);
    if (!flow) return FetchAnswer(*p, Response::Error(flow.error(), r.RequestId()));
    std::string text = std::move(flow).value();
    if (f.stamp && p->ctx.session->identity) {
        // The flow's revision was read before the flow, the session's and identity's with them:
        // a stored stamp is never newer than the data behind the answer.
        f.proof.until = std::min(f.proof.until, p->ctx.session->expires_at);
        fetch_answers_.Put(f.key, {f.stamp->first, p->ctx.session->revision, p->ctx.session->identity->revision},
                           {text, {}}, f.proof);
    }
    return FetchAnswer(*p, Response::RawJson(200, std::move(text)));
}

core::AnswerCache::AnswerPtr SettingsRoutes::FetchFromStamps(FetchProof& f,
                                                             const core::Result<selfservice::FlowSessionStamp>& stamps,
                                                             core::TimePoint now) {
    if (!stamps) return nullptr;
    f.session_stamp = stamps->session;
    if (!stamps->session || now >= stamps->flow.expires_at) return nullptr;
    f.stamp = core::AnswerCache::Stamp{stamps->flow.revision, stamps->session->session_revision,
                                       stamps->session->identity_revision};
    f.proof.until = std::min(stamps->flow.expires_at, stamps->session->expires_at);
    return fetch_answers_.Find(f.key, *f.stamp, f.proof);
}

Response SettingsRoutes::FetchAnswer(const SelfServiceHttp::Prepared& p, Response resp) {
    for (const auto& c : p.cookies) resp.AddCookie(c);
    AddVaryCookie(resp);
    return resp;
}

// The prefetch (PostgreSQL): the flow's and session's stamps are read by the flow store's batcher
// while the I/O thread serves its other connections; a cached answer they prove current never
// leaves the I/O thread. Anything else (no token, a malformed id, a miss) is the handler's.
bool SettingsRoutes::StartFetchRead(Request& r, std::function<void()> done) {
    auto token = http_.sessions().Token(r);
    if (!token || !session::CouldBeToken(*token)) return false;
    auto id = core::Uuid::Parse(r.query.Get("id").value_or(""));
    if (!id) return false;
    auto read = std::make_shared<FetchRead>();
    read->id = *id;
    read->token = std::move(*token);
    read->seen = changes_ != nullptr ? changes_->CurrentVersion() : std::nullopt;
    // If this throws, nothing was queued and done is never called. The read owns what it views.
    settings_.FetchStampsAsync(read->id, read->token, KeepPrefetchedRead(r, read, std::move(done)));
    return true;
}

std::optional<Response> SettingsRoutes::AnswerFetchRead(Request& r) {
    const auto* fr = PrefetchedRead<FetchRead>(r);
    if (fr == nullptr) return std::nullopt;
    FetchProof f;
    f.key = std::string(r.query.Get("id").value_or("")) + ' ' + fr->token;
    f.proof.version = fr->seen;
    auto hit = FetchFromStamps(f, *fr->result, http_.clock().Now());
    if (!hit) return std::nullopt;
    auto p = http_.Prepare(r, CsrfMiddleware::kApply, /*resolve_session=*/false);
    if (!p) return std::nullopt;  // the handler answers the error
    return FetchAnswer(*p, Response::RawJson(200, core::SharedBody(hit)));
}

settings::HookRequestFacts SettingsRoutes::HookFacts(const Request& r, const std::string& url) {
    settings::HookRequestFacts facts;
    facts.method = r.method;
    facts.url = url;
    facts.headers = r.headers;
    for (const auto& name : r.CookieNames()) facts.cookies[name] = r.Cookie(name).value_or("");
    return facts;
}

Response SettingsRoutes::Submit(Request& r) {
    auto p = http_.Prepare(r, CsrfMiddleware::kExclude, true);
    if (!p) return http_.Fail(r, p.error());
    const schema::Schema* schema =
        p->ctx.session && p->ctx.session->identity ? settings_.SchemaFor(*p->ctx.session->identity) : nullptr;
    core::Result<nlohmann::json> body = nlohmann::json::object();
    if (r.method == "GET") {
        // A continuity resume arrives as a GET: its query is decoded like a form (§1.8).
        Request form = r;
        form.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
        form.body = r.raw_query;
        body =
            form.body.empty() ? core::Result<nlohmann::json>(nlohmann::json::object()) : DecodeFlowBody(form, schema);
    } else {
        body = DecodeFlowBody(r, schema);
    }
    auto refs = ReadContinuity(r);
    auto outcome = settings_.Submit(p->ctx, r.query.Get("flow").value_or(""), body, HookFacts(r, p->ctx.url), refs);
    if (auto c = ContinuityCookie(refs)) p->cookies.push_back(std::move(*c));
    return http_.Respond(r, std::move(outcome), std::move(p->cookies));
}

}  // namespace bia::http::routes
