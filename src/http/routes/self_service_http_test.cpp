// Session resolution order, CSRF cookie issuance and the outcome → response matrix of the
// self-service HTTP layer (settings-flow.md §1.4, §5.4, §12; surrounding-api.md §7).
#include <gtest/gtest.h>

#include <map>

#include "crypto/csrf_token.hpp"
#include "http/routes/self_service_http.hpp"
#include "http/routes/session_routes.hpp"
#include "selfservice/flow/flow_errors.hpp"
#include "testing/memory_stores.hpp"
#include "testing/self_service_http_world.hpp"

namespace bia::http::routes {
namespace {

using nlohmann::json;
using selfservice::FlowType;
using namespace std::chrono_literals;

using MemorySessions = bia::testing::MemorySessions;

struct World : bia::testing::SelfServiceHttpWorld {
    session::Session NewSession() {
        identity::Identity i;
        i.id = core::Uuid::V4(random);
        auto s = sessions.Issue(i, {"password", "aal1", {}, {}});
        session_repo.rows[s->id].identity = i;
        return *s;
    }
    std::string SealedCookie(const session::Session& s) { return *sealer.Seal(resolver.cookie_name(), s.token); }
};

Request MakeRequest(std::string method, std::string target,
                    std::vector<std::pair<std::string, std::string>> headers = {}) {
    Request r;
    r.method = std::move(method);
    r.target = target;
    auto q = target.find('?');
    r.path = target.substr(0, q);
    if (q != std::string::npos) {
        r.raw_query = target.substr(q + 1);
        r.query = core::Query::Parse(r.raw_query);
    }
    r.headers = std::move(headers);
    r.headers.emplace_back("Host", "127.0.0.1:4433");
    return r;
}

std::vector<std::string> SetCookies(const Response& r) {
    std::vector<std::string> out;
    for (const auto& [k, v] : r.headers) {
        if (k == "Set-Cookie") out.push_back(v);
    }
    return out;
}

// ---------------------------------------------------------------- session resolution

TEST(SessionResolution, HeaderTokenWinsOverCookieAndBearer) {
    World w;
    auto a = w.NewSession(), b = w.NewSession(), c = w.NewSession();
    auto r = MakeRequest("GET", "/sessions/whoami",
                         {{"Authorization", "Bearer " + c.token},
                          {"Cookie", "ory_kratos_session=" + w.SealedCookie(b)},
                          {"X-Session-Token", a.token}});
    EXPECT_EQ(w.resolver.Token(r), a.token);
    auto s = w.resolver.Resolve(r);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->id, a.id);
}

TEST(SessionResolution, G1SessionCookieHeaderComesBeforeTheCookie) {
    World w;
    auto a = w.NewSession(), b = w.NewSession();
    auto r = MakeRequest(
        "GET", "/", {{"Cookie", "ory_kratos_session=" + w.SealedCookie(b)}, {"X-Session-Cookie", w.SealedCookie(a)}});
    EXPECT_EQ(w.resolver.Token(r), a.token);
}

TEST(SessionResolution, CookieBeforeBearerAndBearerWhenCookieIsUnusable) {
    World w;
    auto b = w.NewSession(), c = w.NewSession();
    auto r = MakeRequest(
        "GET", "/", {{"Authorization", "Bearer " + c.token}, {"Cookie", "ory_kratos_session=" + w.SealedCookie(b)}});
    EXPECT_EQ(w.resolver.Token(r), b.token);
    // A cookie that does not open (forged, or sealed for another cookie name) is no cookie.
    auto forged =
        MakeRequest("GET", "/", {{"Authorization", "Bearer " + c.token}, {"Cookie", "ory_kratos_session=" + b.token}});
    EXPECT_EQ(w.resolver.Token(forged), c.token);
}

TEST(SessionResolution, BearerSyntaxIsStrict) {
    World w;
    auto c = w.NewSession();
    EXPECT_EQ(w.resolver.Token(MakeRequest("GET", "/", {{"Authorization", "bEaReR " + c.token}})), c.token);
    EXPECT_FALSE(w.resolver.Token(MakeRequest("GET", "/", {{"Authorization", "Bearer  " + c.token}})));
    EXPECT_FALSE(w.resolver.Token(MakeRequest("GET", "/", {{"Authorization", "Bearer " + c.token + " x"}})));
    EXPECT_FALSE(w.resolver.Token(MakeRequest("GET", "/", {{"Authorization", "Basic abc"}})));
    EXPECT_FALSE(w.resolver.Token(MakeRequest("GET", "/")));
}

TEST(SessionResolution, InvalidOrRevokedSessionsAre401WithoutId) {
    World w;
    auto s = w.NewSession();
    auto no = w.resolver.Resolve(MakeRequest("GET", "/"));
    ASSERT_FALSE(no);
    EXPECT_EQ(no.error().code, 401);
    EXPECT_TRUE(no.error().id.empty());
    EXPECT_EQ(no.error().reason, "No valid session credentials found in the request.");
    EXPECT_EQ(w.resolver.Resolve(MakeRequest("GET", "/", {{"X-Session-Token", "nope"}})).error().code, 401);
    w.session_repo.rows[s.id].active = false;
    EXPECT_EQ(w.resolver.Resolve(MakeRequest("GET", "/", {{"X-Session-Token", s.token}})).error().code, 401);
    w.session_repo.rows[s.id].active = true;
    w.clock.Advance(25h);
    EXPECT_EQ(w.resolver.Resolve(MakeRequest("GET", "/", {{"X-Session-Token", s.token}})).error().code, 401);
}

TEST(SessionCookie, AttributesAndSealedValue) {
    World w;
    auto s = w.NewSession();
    auto c = w.resolver.IssueCookie(s, w.clock.Now());
    ASSERT_TRUE(c);
    EXPECT_EQ(c->name, "ory_kratos_session");
    EXPECT_NE(c->value, s.token);
    EXPECT_EQ(*w.sealer.Open("ory_kratos_session", c->value), s.token);
    const std::string header = c->Serialize();
    EXPECT_NE(header.find("; Path=/"), std::string::npos);
    EXPECT_NE(header.find("; Max-Age=86400"), std::string::npos);
    EXPECT_NE(header.find("; HttpOnly"), std::string::npos);
    EXPECT_NE(header.find("; SameSite=Lax"), std::string::npos);
    EXPECT_EQ(header.find("; Secure"), std::string::npos) << "dev mode cookies are not Secure";
    EXPECT_NE(w.resolver.ClearCookie().Serialize().find("Max-Age=0"), std::string::npos);

    w.cfg.dev_mode = false;
    w.cfg.session.cookie.persistent = false;
    SessionResolver prod(w.sessions, w.sealer, w.cfg);
    const std::string p = prod.IssueCookie(s, w.clock.Now())->Serialize();
    EXPECT_NE(p.find("; Secure"), std::string::npos);
    EXPECT_EQ(p.find("Max-Age"), std::string::npos) << "a non-persistent cookie lasts for the browser session";
}

// ---------------------------------------------------------------- CSRF cookie

TEST(CsrfCookie, IssuedOnlyWhereTheMiddlewareAppliesAndOnlyWhenMissing) {
    World w;
    const std::string name = crypto::CsrfCookieName("http://127.0.0.1:4433/");
    EXPECT_EQ(w.csrf.name(), name);

    auto fresh = w.http.Prepare(MakeRequest("GET", "/self-service/login/browser"), CsrfMiddleware::kApply, false);
    ASSERT_TRUE(fresh);
    ASSERT_EQ(fresh->cookies.size(), 1u);
    const std::string header = fresh->cookies[0].Serialize();
    EXPECT_EQ(header.rfind(name + "=", 0), 0u);
    EXPECT_NE(header.find("; Max-Age=31536000"), std::string::npos);
    EXPECT_NE(header.find("; HttpOnly"), std::string::npos);
    EXPECT_NE(header.find("; SameSite=Lax"), std::string::npos);
    EXPECT_EQ(fresh->ctx.csrf_token, fresh->cookies[0].value);

    auto excluded = w.http.Prepare(MakeRequest("GET", "/self-service/login/api"), CsrfMiddleware::kExclude, false);
    EXPECT_TRUE(excluded->cookies.empty());
    EXPECT_TRUE(excluded->ctx.csrf_token.empty());

    const std::string token = crypto::GenerateCsrfCookieValue(w.random);
    auto kept =
        w.http.Prepare(MakeRequest("GET", "/", {{"Cookie", name + "=" + token}}), CsrfMiddleware::kApply, false);
    EXPECT_TRUE(kept->cookies.empty());
    EXPECT_EQ(kept->ctx.csrf_token, token);
    EXPECT_TRUE(kept->ctx.csrf_cookie_sent);

    auto malformed =
        w.http.Prepare(MakeRequest("GET", "/", {{"Cookie", name + "=short"}}), CsrfMiddleware::kApply, false);
    ASSERT_EQ(malformed->cookies.size(), 1u);
    EXPECT_NE(malformed->ctx.csrf_token, "short");
}

TEST(CsrfCookie, PrepareFillsTheRequestFacts) {
    World w;
    auto s = w.NewSession();
    auto p = w.http.Prepare(MakeRequest("POST", "/self-service/login?flow=x",
                                        {{"Origin", "http://evil"},
                                         {"Accept", "application/json"},
                                         {"Cookie", "a=1; b=2"},
                                         {"X-Session-Token", s.token}}),
                            CsrfMiddleware::kExclude, true);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->ctx.url, "http://127.0.0.1:4433/self-service/login?flow=x");
    EXPECT_TRUE(p->ctx.json_request);
    EXPECT_TRUE(p->ctx.origin_header_sent);
    EXPECT_TRUE(p->ctx.cookie_header_sent);
    EXPECT_EQ(p->ctx.cookie_names, (std::vector<std::string>{"a", "b"}));
    ASSERT_TRUE(p->ctx.session);
    EXPECT_EQ(p->ctx.session->id, s.id);
}

// ---------------------------------------------------------------- outcome → response

const core::Uuid kFlowId = *core::Uuid::Parse("6f5c9d4e-1111-4222-8333-444455556666");

selfservice::ShowFlow Show(selfservice::ShowFlow::Kind kind, FlowType type) {
    return {kind, type, kFlowId, json{{"id", kFlowId.ToString()}}, "http://ui.test/login"};
}

const std::vector<std::pair<std::string, std::string>> kHtml = {
    {"Accept", "text/html,application/xhtml+xml,*/*;q=0.8"}};
const std::vector<std::pair<std::string, std::string>> kSpa = {{"Accept", "application/json"}};

TEST(OutcomeMapping, CreatedFlows) {
    World w;
    using K = selfservice::ShowFlow::Kind;
    auto api = w.http.Respond(MakeRequest("GET", "/", kHtml), Show(K::kCreated, FlowType::kApi));
    EXPECT_EQ(api.status, 200);
    auto spa = w.http.Respond(MakeRequest("GET", "/", kSpa), Show(K::kCreated, FlowType::kBrowser));
    EXPECT_EQ(spa.status, 200);
    EXPECT_EQ(json::parse(spa.Body())["id"], kFlowId.ToString());
    auto html = w.http.Respond(MakeRequest("GET", "/", kHtml), Show(K::kCreated, FlowType::kBrowser));
    EXPECT_EQ(html.status, 303);
    EXPECT_EQ(html.Header("Location"), "http://ui.test/login?flow=" + kFlowId.ToString());
    EXPECT_EQ(html.Header("Vary"), "Cookie");
}

TEST(OutcomeMapping, RejectedFlows) {
    World w;
    using K = selfservice::ShowFlow::Kind;
    EXPECT_EQ(w.http.Respond(MakeRequest("POST", "/", kHtml), Show(K::kRejected, FlowType::kApi)).status, 400);
    EXPECT_EQ(w.http.Respond(MakeRequest("POST", "/", kSpa), Show(K::kRejected, FlowType::kBrowser)).status, 400);
    // Content-Type exactly application/json also makes a JSON request (§1.2).
    EXPECT_EQ(w.http
                  .Respond(MakeRequest("POST", "/", {{"Content-Type", "application/json"}}),
                           Show(K::kRejected, FlowType::kBrowser))
                  .status,
              400);
    auto html = w.http.Respond(MakeRequest("POST", "/", kHtml), Show(K::kRejected, FlowType::kBrowser));
    EXPECT_EQ(html.status, 303);
    EXPECT_EQ(html.Header("Location"), "http://ui.test/login?flow=" + kFlowId.ToString());
}

TEST(OutcomeMapping, CompletedFlowsSetCookiesOnlyForBrowsers) {
    World w;
    auto s = w.NewSession();
    selfservice::Completed api{FlowType::kApi, 200, json{{"session_token", s.token}}, "", s, true};
    auto a = w.http.Respond(MakeRequest("POST", "/", kHtml), api);
    EXPECT_EQ(a.status, 200);
    EXPECT_TRUE(SetCookies(a).empty()) << "API flows never get cookies";

    selfservice::Completed browser{FlowType::kBrowser, 200, json{{"session", "x"}}, "http://ui.test/", s, true};
    auto spa = w.http.Respond(MakeRequest("POST", "/", kSpa), browser);
    EXPECT_EQ(spa.status, 200);
    auto cookies = SetCookies(spa);
    ASSERT_EQ(cookies.size(), 2u);
    EXPECT_EQ(cookies[0].rfind("ory_kratos_session=", 0), 0u);
    EXPECT_EQ(cookies[1].rfind(w.csrf.name() + "=", 0), 0u);

    auto html = w.http.Respond(MakeRequest("POST", "/", kHtml), browser);
    EXPECT_EQ(html.status, 303);
    EXPECT_EQ(html.Header("Location"), "http://ui.test/");
    EXPECT_EQ(SetCookies(html).size(), 2u);

    selfservice::Completed same_identity{FlowType::kBrowser, 200, json::object(), "http://ui.test/", s, false};
    EXPECT_EQ(SetCookies(w.http.Respond(MakeRequest("POST", "/", kHtml), same_identity)).size(), 1u);
}

TEST(OutcomeMapping, ErrorOrRedirect) {
    World w;
    selfservice::ErrorOrRedirect e{FlowType::kBrowser, selfservice::AlreadyLoggedInLogin(), "http://ui.test/", 303};
    auto html = w.http.Respond(MakeRequest("POST", "/", kHtml), e);
    EXPECT_EQ(html.status, 303);
    EXPECT_EQ(html.Header("Location"), "http://ui.test/");
    auto spa = w.http.Respond(MakeRequest("POST", "/", kSpa), e);
    EXPECT_EQ(spa.status, 400);
    EXPECT_EQ(json::parse(spa.Body())["error"]["id"], "session_already_available");
    e.type = FlowType::kApi;
    EXPECT_EQ(w.http.Respond(MakeRequest("POST", "/", kHtml), e).status, 400);
    e.type = std::nullopt;
    e.redirect_status = 302;
    EXPECT_EQ(w.http.Respond(MakeRequest("POST", "/", kHtml), e).status, 302);
}

TEST(OutcomeMapping, FailuresGoToTheErrorUiForBrowsers) {
    World w;
    selfservice::Failed f{FlowType::kBrowser, selfservice::CsrfViolation("x")};
    auto spa = w.http.Respond(MakeRequest("POST", "/", kSpa), f);
    EXPECT_EQ(spa.status, 403);
    EXPECT_EQ(spa.Header("Content-Type"), "application/json");
    EXPECT_EQ(json::parse(spa.Body())["error"]["id"], "security_csrf_violation");
    EXPECT_TRUE(w.error_repo.rows.empty());

    auto html = w.http.Respond(MakeRequest("POST", "/", kHtml), f);
    EXPECT_EQ(html.status, 303);
    ASSERT_EQ(w.error_repo.rows.size(), 1u);
    const auto& stored = w.error_repo.rows.begin()->second;
    EXPECT_EQ(html.Header("Location"), "http://ui.test/error?id=" + stored.id.ToString());
    EXPECT_EQ(stored.error["id"], "security_csrf_violation");

    f.type = FlowType::kApi;
    EXPECT_EQ(w.http.Respond(MakeRequest("POST", "/", kHtml), f).status, 403);
    f.type = std::nullopt;
    EXPECT_EQ(w.http.Respond(MakeRequest("GET", "/", kHtml), f).status, 303);
    EXPECT_EQ(w.http.Respond(MakeRequest("GET", "/", kSpa), f).status, 403);
}

TEST(Helpers, WithQueryParam) {
    EXPECT_EQ(WithQueryParam("http://ui.test/error", "id", "1"), "http://ui.test/error?id=1");
    EXPECT_EQ(WithQueryParam("http://ui.test/error?x=y", "id", "1"), "http://ui.test/error?x=y&id=1");
}

// ---------------------------------------------------------------- session list/revoke AAL (issue 13)

// An identity with a password and a TOTP credential: aal2 is available, so with the default
// `session.whoami_required_aal: highest_available` an aal1 session may not manage sessions.
identity::Identity TwoFactorIdentity(core::Random& random) {
    identity::Identity i;
    i.id = core::Uuid::V4(random);
    i.credentials["password"] = identity::Credential{};
    i.credentials["password"].type = "password";
    i.credentials["password"].identifiers = {"two@example.com"};
    i.credentials["password"].config = {{"hashed_password", "$2a$04$x"}};
    i.credentials["totp"] = identity::Credential{};
    i.credentials["totp"].type = "totp";
    i.credentials["totp"].config = {{"totp_url", "otpauth://totp/x?secret=ABC"}};
    return i;
}

struct SessionRoutesWorld : World {
    SessionRoutesWorld() {
        // A TOTP key URL is a second factor, as the totp module declares.
        aal_rules.Add("totp", [](const identity::Credential& c) {
            return session::FactorCount{0, c.config.contains("totp_url") ? 1 : 0};
        });
    }
    selfservice::ReturnToValidator return_to{{"http://ui.test/"}, "http://127.0.0.1:4433/"};
    SessionRoutes routes{sessions, http, return_to};

    session::Session SessionOf(const identity::Identity& i, const char* method, const char* aal) {
        auto s = sessions.Issue(i, {method, aal, {}, {}});
        session_repo.rows[s->id].identity = i;
        return *s;
    }
};

TEST(SessionRoutesAal, RevokingSessionsNeedsTheSameAalAsListingThem) {
    SessionRoutesWorld w;
    const identity::Identity who = TwoFactorIdentity(w.random);
    const session::Session aal1 = w.SessionOf(who, "password", "aal1");
    const session::Session other = w.SessionOf(who, "password", "aal1");
    const std::vector<std::pair<std::string, std::string>> auth{{"X-Session-Token", aal1.token}};

    auto list = MakeRequest("GET", "/sessions", auth);
    auto revoke_all = MakeRequest("DELETE", "/sessions", auth);
    auto revoke_one = MakeRequest("DELETE", "/sessions/" + other.id.ToString(), auth);
    revoke_one.params.emplace_back("id", other.id.ToString());
    for (auto* r : {&list, &revoke_all, &revoke_one}) {
        Response resp = r->method == "GET"       ? w.routes.List(*r)
                        : r->path == "/sessions" ? w.routes.RevokeOthers(*r)
                                                 : w.routes.RevokeOne(*r);
        EXPECT_EQ(resp.status, 403) << r->method << " " << r->path << " " << resp.Body();
        json body = json::parse(resp.Body(), nullptr, false);
        EXPECT_EQ(body["error"]["id"], "session_aal2_required") << r->method << " " << r->path << " " << resp.Body();
        EXPECT_EQ(body["redirect_browser_to"], "http://127.0.0.1:4433/self-service/login/browser?aal=aal2")
            << resp.Body();
    }
    EXPECT_TRUE(w.session_repo.rows[other.id].active) << "an aal1 session revoked another session";
}

TEST(SessionRoutesAal, SessionsMeetingTheAalMayRevoke) {
    SessionRoutesWorld w;
    const identity::Identity who = TwoFactorIdentity(w.random);
    session::Session strong = w.SessionOf(who, "password", "aal1");
    w.session_repo.rows[strong.id].methods.push_back({"totp", "aal2", {}, {}});
    const session::Session other = w.SessionOf(who, "password", "aal1");
    const std::vector<std::pair<std::string, std::string>> auth{{"X-Session-Token", strong.token}};
    auto revoke_one = MakeRequest("DELETE", "/sessions/" + other.id.ToString(), auth);
    revoke_one.params.emplace_back("id", other.id.ToString());
    EXPECT_EQ(w.routes.RevokeOne(revoke_one).status, 204);
    EXPECT_FALSE(w.session_repo.rows[other.id].active);
    auto revoke_all = MakeRequest("DELETE", "/sessions", auth);
    EXPECT_EQ(w.routes.RevokeOthers(revoke_all).status, 200);

    // Without a second factor on the identity, aal1 is the highest available: allowed.
    const identity::Identity plain = [&] {
        identity::Identity i = TwoFactorIdentity(w.random);
        i.credentials.erase("totp");
        return i;
    }();
    const session::Session single = w.SessionOf(plain, "password", "aal1");
    auto own = MakeRequest("DELETE", "/sessions", {{"X-Session-Token", single.token}});
    EXPECT_EQ(w.routes.RevokeOthers(own).status, 200);
}

// ---------------------------------------------------------------- whoami answers cached by revision

// White-box: the memory store's stamp is the rows' revisions, so a change made behind the store's
// back (no revision bump) shows whether an answer came from the cache.
TEST(WhoamiAnswers, ServedFromCacheOnlyWhileTheStampHolds) {
    SessionRoutesWorld w;
    identity::Identity who = TwoFactorIdentity(w.random);
    who.credentials.erase("totp");
    who.traits = {{"email", "first@example.com"}};
    const session::Session s = w.SessionOf(who, "password", "aal1");
    const std::vector<std::pair<std::string, std::string>> auth{{"X-Session-Token", s.token}};
    auto whoami = [&] {
        auto r = MakeRequest("GET", "/sessions/whoami", auth);
        return w.routes.Whoami(r);
    };
    Response first = whoami();
    ASSERT_EQ(first.status, 200) << first.Body();
    EXPECT_EQ(json::parse(first.Body())["identity"]["traits"]["email"], "first@example.com");

    // Changed without a revision bump: the cached answer is served, byte for byte, with its header.
    w.session_repo.rows[s.id].identity->traits["email"] = "second@example.com";
    Response cached = whoami();
    EXPECT_EQ(cached.status, 200);
    EXPECT_EQ(cached.Body(), first.Body());
    EXPECT_EQ(cached.Header(kAuthenticatedIdentityHeader).value_or(""), who.id.ToString());
    EXPECT_EQ(cached.Header("Content-Type").value_or(""), first.Header("Content-Type").value_or(""));

    // A write bumps the revision: the very next answer is rebuilt.
    ++w.session_repo.rows[s.id].revision;
    Response rebuilt = whoami();
    EXPECT_EQ(json::parse(rebuilt.Body())["identity"]["traits"]["email"], "second@example.com");

    // Expiry needs no write: the stamp's expires_at is checked against the clock every time.
    w.clock.Advance(std::chrono::hours(25));
    EXPECT_EQ(whoami().status, 401);
    w.clock.Advance(-std::chrono::hours(25));
    EXPECT_EQ(whoami().status, 200);

    // Revoked through the store (as another process would): 401 at once.
    ASSERT_TRUE(w.session_repo.Revoke(s.id));
    Response revoked = whoami();
    EXPECT_EQ(revoked.status, 401) << revoked.Body();
    EXPECT_EQ(json::parse(revoked.Body())["error"]["reason"], "No valid session credentials found in the request.");
}

// The store's change version, set by the test: what another process's commit would change.
class ScriptedChangeWatch final : public core::ChangeWatch {
  public:
    std::optional<core::StoreVersion> CurrentVersion() const noexcept override { return version; }
    void Commit() { ++version->words[2]; }
    std::optional<core::StoreVersion> version = core::StoreVersion{};
};

// White-box: with a change version, a cached answer is served without reading its stamp while the
// version holds (a revocation the version does not show is not seen), and the first request after
// the version moves reads the stamp again.
TEST(WhoamiAnswers, ServedWithoutAStampReadWhileTheStoreVersionHolds) {
    ScriptedChangeWatch changes;
    SessionRoutesWorld w;
    SessionRoutes routes{w.sessions, w.http, w.return_to, &changes};
    identity::Identity who = TwoFactorIdentity(w.random);
    who.credentials.erase("totp");
    const session::Session s = w.SessionOf(who, "password", "aal1");
    auto whoami = [&] {
        auto r = MakeRequest("GET", "/sessions/whoami", {{"X-Session-Token", s.token}});
        return routes.Whoami(r);
    };
    Response first = whoami();
    ASSERT_EQ(first.status, 200) << first.Body();

    // Revoked behind the version's back (no commit shows): still served, so no stamp was read.
    w.session_repo.rows[s.id].active = false;
    ++w.session_repo.rows[s.id].revision;
    Response cached = whoami();
    EXPECT_EQ(cached.status, 200);
    EXPECT_EQ(cached.Body(), first.Body());
    // The version moves (the commit of that revocation): the very next request reads the stamp.
    changes.Commit();
    EXPECT_EQ(whoami().status, 401);
    w.session_repo.rows[s.id].active = true;
    changes.Commit();
    EXPECT_EQ(whoami().status, 200);

    // Expiry needs no commit: the proof ends at the session's expiry.
    w.clock.Advance(std::chrono::hours(25));
    EXPECT_EQ(whoami().status, 401);
    w.clock.Advance(-std::chrono::hours(25));

    // No readable version (a commit is publishing one): the stamp is read.
    EXPECT_EQ(whoami().status, 200);
    w.session_repo.rows[s.id].active = false;
    changes.version.reset();
    EXPECT_EQ(whoami().status, 401);
}

// Where stamps are read asynchronously (PostgreSQL), whoami's stamp is read by the route's
// prefetch: its answer step settles a cached answer or an error without the handler, and a miss
// hands the stamp to the handler. The read ends after the request arrived, so a revocation
// committed before it ends is seen.
TEST(WhoamiAnswers, ThePrefetchAnswersFromItsStampAndHandsAMissToTheHandler) {
    SessionRoutesWorld w;
    w.session_repo.async_stamps = true;
    Router router;
    w.routes.Register(router);
    identity::Identity who = TwoFactorIdentity(w.random);
    who.credentials.erase("totp");
    who.traits = {{"email", "first@example.com"}};
    const session::Session s = w.SessionOf(who, "password", "aal1");
    // What the server does with a request: prefetch, then its answer, else the handler.
    std::string by;
    auto whoami = [&](std::vector<std::pair<std::string, std::string>> headers,
                      const std::function<void()>& meanwhile = {}) {
        auto r = MakeRequest("GET", "/sessions/whoami", std::move(headers));
        auto match = router.Find(r);
        EXPECT_EQ(match.kind, Router::MatchKind::kFound);
        const Prefetch& prefetch = match.route->prefetch;
        EXPECT_TRUE(prefetch.start && prefetch.answer);
        bool ended = false;
        if (prefetch.start(r, [&] { ended = true; })) {
            EXPECT_FALSE(ended) << "the read ends when the store answers";
            EXPECT_EQ(w.session_repo.pending_stamp_reads.size(), 1u);
            if (meanwhile) meanwhile();
            w.session_repo.EndStampReads();
            EXPECT_TRUE(ended);
            if (auto answer = prefetch.answer(r)) {
                by = "prefetch";
                return *answer;
            }
        }
        by = "handler";
        return match.route->handler(r);
    };
    const std::vector<std::pair<std::string, std::string>> auth{{"X-Session-Token", s.token}};

    Response first = whoami(auth);
    ASSERT_EQ(first.status, 200) << first.Body();
    EXPECT_EQ(by, "handler");
    Response cached = whoami(auth);
    EXPECT_EQ(by, "prefetch");
    EXPECT_EQ(cached.status, 200);
    EXPECT_EQ(cached.Body(), first.Body());
    EXPECT_EQ(cached.Header(kAuthenticatedIdentityHeader).value_or(""), who.id.ToString());
    // The session cookie works the same way.
    EXPECT_EQ(whoami({{"Cookie", w.resolver.cookie_name() + "=" + w.SealedCookie(s)}}).Body(), first.Body());
    EXPECT_EQ(by, "prefetch");

    // A changed trait (its write bumps a revision) while the read is under way: rebuilt at once.
    Response rebuilt = whoami(auth, [&] {
        w.session_repo.rows[s.id].identity->traits["email"] = "second@example.com";
        ++w.session_repo.rows[s.id].revision;
    });
    EXPECT_EQ(by, "handler");
    EXPECT_EQ(json::parse(rebuilt.Body())["identity"]["traits"]["email"], "second@example.com");

    // A deactivated identity, then a revoked session: 401 from the prefetch on the next request.
    Response inactive = whoami(auth, [&] {
        w.session_repo.rows[s.id].identity->state = "inactive";
        ++w.session_repo.rows[s.id].revision;
    });
    EXPECT_EQ(by, "prefetch");
    EXPECT_EQ(inactive.status, 401);
    w.session_repo.rows[s.id].identity->state = "active";
    EXPECT_EQ(whoami(auth).status, 200);
    Response revoked = whoami(auth, [&] { ASSERT_TRUE(w.session_repo.Revoke(s.id)); });
    EXPECT_EQ(by, "prefetch");
    EXPECT_EQ(revoked.status, 401);
    EXPECT_EQ(json::parse(revoked.Body())["error"]["reason"], "No valid session credentials found in the request.");

    // No token at all: nothing to read, the handler answers.
    Response none = whoami({});
    EXPECT_EQ(by, "handler");
    EXPECT_EQ(none.status, 401);
}

TEST(WhoamiAnswers, AnAal2RefusalIsNeverCached) {
    SessionRoutesWorld w;
    const identity::Identity who = TwoFactorIdentity(w.random);
    const session::Session s = w.SessionOf(who, "password", "aal1");
    const std::vector<std::pair<std::string, std::string>> auth{{"X-Session-Token", s.token}};
    for (int i = 0; i < 2; ++i) {
        auto r = MakeRequest("GET", "/sessions/whoami", auth);
        EXPECT_EQ(w.routes.Whoami(r).status, 403);
    }
    // The second factor is added the way the store records it (a session write).
    w.session_repo.rows[s.id].methods.push_back({"totp", "aal2", {}, {}});
    ++w.session_repo.rows[s.id].revision;
    auto r = MakeRequest("GET", "/sessions/whoami", auth);
    Response ok = w.routes.Whoami(r);
    EXPECT_EQ(ok.status, 200) << ok.Body();
    EXPECT_EQ(json::parse(ok.Body())["authenticator_assurance_level"], "aal2");
}

}  // namespace
}  // namespace bia::http::routes
