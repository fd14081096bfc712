// Login and registration with passwords, end to end through the flow services and the password
// strategies, on in-memory stores with a fake clock and a fake (instant) hasher.
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <map>

#include "core/encoding.hpp"
#include "crypto/csrf_token.hpp"
#include "selfservice/flow/flow_errors.hpp"
#include "selfservice/login/login_service.hpp"
#include "selfservice/registration/registration_service.hpp"
#include "strategy/password/password_login.hpp"
#include "strategy/password/password_registration.hpp"
#include "testing/fake_password_hashing.hpp"
#include "testing/memory_flow_store.hpp"
#include "testing/memory_stores.hpp"

namespace bia::strategy::password {
namespace {

using nlohmann::json;
using selfservice::FlowType;
using selfservice::RequestContext;
using namespace std::chrono_literals;

constexpr const char* kSchema = R"({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "type": "object",
  "properties": {
    "traits": {
      "type": "object",
      "properties": {
        "email": {
          "type": "string", "format": "email", "title": "E-Mail", "minLength": 3,
          "ory.sh/kratos": {"credentials": {"password": {"identifier": true}},
                            "verification": {"via": "email"}, "recovery": {"via": "email"}}
        },
        "name": {"type": "object", "properties": {"first": {"type": "string", "title": "First name"}}}
      },
      "required": ["email"],
      "additionalProperties": false
    }
  }
})";

// ---------------------------------------------------------------- in-memory stores

config::Config TestConfig() {
    config::Config c;
    c.dev_mode = true;
    c.serve.public_api.base_url = "http://127.0.0.1:4433/";
    c.selfservice.default_browser_return_url = "http://ui.test/";
    c.selfservice.allowed_return_urls = {"http://ui.test/"};
    c.selfservice.flows.login.ui_url = "http://ui.test/login";
    c.selfservice.flows.login.lifespan = 10min;
    c.selfservice.flows.registration.ui_url = "http://ui.test/registration";
    c.selfservice.flows.registration.lifespan = 10min;
    c.selfservice.flows.error.ui_url = "http://ui.test/error";
    c.selfservice.flows.registration.after.methods["password"].hooks = {config::Hook{"session", nullptr}};
    c.selfservice.methods.password.haveibeenpwned_enabled = false;
    return c;
}

struct World {
    config::Config cfg = TestConfig();
    core::FakeClock clock;
    core::SeededRandom random{5};
    std::unique_ptr<schema::SchemaRegistry> schemas =
        schema::SchemaRegistry::Load({{"default", "base64://" + core::Base64Encode(kSchema)}}, "default").value();
    bia::testing::MemoryIdentities identity_repo;
    bia::testing::MemorySessions session_repo{&identity_repo};
    bia::testing::MemoryFlows<selfservice::login::LoginFlow> login_flows;
    bia::testing::MemoryFlows<selfservice::registration::RegistrationFlow> registration_flows;
    bia::testing::FakeHashing hashing;
    bia::testing::NoBreaches breaches;
    crypto::PasswordPolicy policy{crypto::PasswordPolicyOptions{.min_length = 8, .hibp_enabled = false}, breaches,
                                  clock};
    identity::IdentityService identities{identity_repo, *schemas, hashing, clock, random};
    session::SessionService sessions{session_repo, clock, random, {}};
    selfservice::ReturnToValidator return_to{cfg.selfservice.allowed_return_urls, cfg.PublicBaseUrl()};
    PasswordLogin password_login{cfg, identities, *schemas, hashing, random};
    PasswordRegistration password_registration{cfg, identities, policy, hashing, clock, random};
    core::DirectUnitOfWork units;
    selfservice::login::LoginService login{cfg,    login_flows, {&password_login}, sessions, return_to, clock,
                                           random, units};
    selfservice::registration::RegistrationService registration{
        cfg,  registration_flows, {&password_registration}, identity_repo, sessions, *schemas, return_to, clock, random,
        units};

    std::string csrf_cookie = crypto::GenerateCsrfCookieValue(random);

    RequestContext Api(std::string url) {
        RequestContext ctx;
        ctx.url = std::move(url);
        return ctx;
    }
    RequestContext Browser(std::string url, bool json = false) {
        RequestContext ctx;
        ctx.url = std::move(url);
        ctx.json_request = json;
        ctx.csrf_token = csrf_cookie;
        ctx.csrf_cookie_sent = ctx.cookie_header_sent = true;
        ctx.cookie_names = {crypto::CsrfCookieName(cfg.PublicBaseUrl())};
        return ctx;
    }
    RequestContext WithSession(RequestContext ctx, const std::string& token) {
        auto s = sessions.ResolveToken(token);
        EXPECT_TRUE(s);
        ctx.session = *s;
        return ctx;
    }

    template <class T>
    static T& As(selfservice::Outcome& o) {
        EXPECT_TRUE(std::holds_alternative<T>(o)) << "outcome variant index " << o.index();
        return std::get<T>(o);
    }

    // Registers `email` with `password` through an API flow; returns the completion body.
    json Register(const std::string& email, const std::string& password) {
        auto init = registration.Init(FlowType::kApi, Api("http://127.0.0.1:4433/self-service/registration/api"));
        auto& shown = As<selfservice::ShowFlow>(init);
        auto done = registration.Submit(
            Api("http://127.0.0.1:4433/self-service/registration?flow=" + shown.id.ToString()), shown.id.ToString(),
            json{{"method", "password"}, {"traits", {{"email", email}}}, {"password", password}});
        return As<selfservice::Completed>(done).body.Dom();
    }
    selfservice::ShowFlow LoginFlow(FlowType type, const RequestContext& ctx) {
        auto init = login.Init(type, ctx);
        return As<selfservice::ShowFlow>(init);
    }
};

const ui::Node* NodeIn(const json& flow, std::string_view name) {
    static std::deque<ui::Node> keep;  // earlier answers stay where they are
    auto c = ui::Container::FromJson(flow["ui"]);
    if (!c) return nullptr;
    for (auto& n : c->nodes) {
        if (n.Id() == name) {
            keep.push_back(n);
            return &keep.back();
        }
    }
    return nullptr;
}

std::vector<int> FlowMessageIds(const json& flow) {
    std::vector<int> ids;
    for (const auto& m : flow["ui"]["messages"]) ids.push_back(m["id"].get<int>());
    return ids;
}

// ---------------------------------------------------------------- registration

TEST(PasswordRegistration, ApiFlowFormAndJsonShape) {
    World w;
    auto init = w.registration.Init(FlowType::kApi, w.Api("http://127.0.0.1:4433/self-service/registration/api"));
    auto& shown = World::As<selfservice::ShowFlow>(init);
    const json f = shown.flow.Dom();
    EXPECT_EQ(f["type"], "api");
    EXPECT_EQ(f["state"], "choose_method");
    EXPECT_EQ(f["request_url"], "http://127.0.0.1:4433/self-service/registration/api");
    EXPECT_FALSE(f.contains("return_to"));
    EXPECT_EQ(f["ui"]["action"], "http://127.0.0.1:4433/self-service/registration?flow=" + shown.id.ToString());
    EXPECT_EQ(f["ui"]["method"], "POST");
    std::vector<std::string> names;
    for (const auto& n : f["ui"]["nodes"])
        names.push_back(n["group"].get<std::string>() + ":" + n["attributes"]["name"].get<std::string>());
    EXPECT_EQ(names, (std::vector<std::string>{"default:csrf_token", "default:traits.email",
                                               "default:traits.name.first", "password:password", "password:method"}));
    EXPECT_FALSE(f["ui"]["nodes"][0]["attributes"].contains("value")) << "API flows have no CSRF token";
    EXPECT_EQ(f["ui"]["nodes"][1]["meta"]["label"]["text"], "E-Mail");
    EXPECT_EQ(f["ui"]["nodes"][4]["meta"]["label"]["id"], 1040001);
    EXPECT_EQ(f["expires_at"], "2023-11-14T22:23:20Z") << "issued_at + 10m";
}

TEST(PasswordRegistration, ApiRegistrationIssuesASessionWithTheSessionHook) {
    World w;
    json body = w.Register("Ann@Example.com", "a-long-secret");
    ASSERT_TRUE(body.contains("session_token"));
    ASSERT_TRUE(body.contains("session"));
    EXPECT_EQ(body["identity"]["traits"]["email"], "Ann@Example.com");
    EXPECT_EQ(body["identity"]["verifiable_addresses"][0]["value"], "ann@example.com");
    EXPECT_EQ(body["identity"]["verifiable_addresses"][0]["status"], "pending");
    EXPECT_FALSE(body["identity"].contains("credentials"));
    ASSERT_EQ(w.identity_repo.rows.size(), 1u);
    const auto& stored = w.identity_repo.rows.begin()->second;
    EXPECT_EQ(stored.FindCredential("password")->identifiers, (std::vector<std::string>{"ann@example.com"}));
    EXPECT_EQ(stored.FindCredential("password")->config["hashed_password"], "hash:a-long-secret");
    auto s = w.sessions.ResolveToken(body["session_token"].get<std::string>());
    ASSERT_TRUE(s);
    EXPECT_EQ(s->identity_id, stored.id);
}

TEST(PasswordRegistration, WithoutTheSessionHookOnlyTheIdentityIsReturned) {
    World w;
    w.cfg.selfservice.flows.registration.after.methods.clear();
    json body = w.Register("bob@example.com", "a-long-secret");
    EXPECT_TRUE(body.contains("identity"));
    EXPECT_FALSE(body.contains("session"));
    EXPECT_FALSE(body.contains("session_token"));
}

TEST(PasswordRegistration, SchemaViolationsLandOnTraitNodesWithValuesEchoed) {
    World w;
    auto init = w.registration.Init(FlowType::kApi, w.Api("http://127.0.0.1:4433/self-service/registration/api"));
    auto id = World::As<selfservice::ShowFlow>(init).id;
    auto out = w.registration.Submit(
        w.Api("u"), id.ToString(),
        json{{"method", "password"}, {"traits", {{"name", {{"first", "Ann"}}}}}, {"password", "a-long-secret"}});
    auto& rejected = World::As<selfservice::ShowFlow>(out);
    EXPECT_EQ(rejected.kind, selfservice::ShowFlow::Kind::kRejected);
    const ui::Node* email = NodeIn(rejected.flow.Dom(), "traits.email");
    ASSERT_NE(email, nullptr);
    ASSERT_EQ(email->messages.size(), 1u);
    EXPECT_EQ(email->messages[0].id, 4000002);
    EXPECT_EQ(NodeIn(rejected.flow.Dom(), "traits.name.first")->Input()->value, "Ann");
    EXPECT_EQ(rejected.flow.Dom(), w.registration.Fetch(w.Api("u"), id.ToString()).value())
        << "answer equals a later fetch";
    EXPECT_TRUE(w.identity_repo.rows.empty());
}

TEST(PasswordRegistration, PolicyViolationsLandOnThePasswordNode) {
    World w;
    auto init = w.registration.Init(FlowType::kApi, w.Api("u"));
    auto id = World::As<selfservice::ShowFlow>(init).id;
    auto out = w.registration.Submit(
        w.Api("u"), id.ToString(),
        json{{"method", "password"}, {"traits", {{"email", "c@example.com"}}}, {"password", "short"}});
    auto& rejected = World::As<selfservice::ShowFlow>(out);
    const ui::Node* pw = NodeIn(rejected.flow.Dom(), "password");
    ASSERT_EQ(pw->messages.size(), 1u);
    EXPECT_EQ(pw->messages[0].ToJson(),
              json::parse(R"({"id":4000032,"text":"The password must be at least 8 characters long, but got 5.",
      "type":"error","context":{"min_length":8,"actual_length":5}})"));
    EXPECT_FALSE(pw->Input()->value.is_string()) << "passwords are never echoed";
    EXPECT_EQ(NodeIn(rejected.flow.Dom(), "traits.email")->Input()->value, "c@example.com");

    auto missing = w.registration.Submit(w.Api("u"), id.ToString(),
                                         json{{"method", "password"}, {"traits", {{"email", "c@example.com"}}}});
    EXPECT_EQ(NodeIn(World::As<selfservice::ShowFlow>(missing).flow.Dom(), "password")->messages[0].id, 4000002);
}

TEST(PasswordRegistration, DuplicateIdentifierIs4000007) {
    World w;
    w.Register("dup@example.com", "a-long-secret");
    auto init = w.registration.Init(FlowType::kApi, w.Api("u"));
    auto id = World::As<selfservice::ShowFlow>(init).id;
    auto out = w.registration.Submit(
        w.Api("u"), id.ToString(),
        json{{"method", "password"}, {"traits", {{"email", "DUP@example.com"}}}, {"password", "another-secret"}});
    auto& rejected = World::As<selfservice::ShowFlow>(out);
    EXPECT_EQ(FlowMessageIds(rejected.flow.Dom()), std::vector<int>{4000007});
    EXPECT_EQ(w.identity_repo.rows.size(), 1u);
}

TEST(PasswordRegistration, NoStrategyDisabledAndSignedIn) {
    World w;
    auto init = w.registration.Init(FlowType::kApi, w.Api("u"));
    auto id = World::As<selfservice::ShowFlow>(init).id;
    auto none = w.registration.Submit(w.Api("u"), id.ToString(), json{{"method", "carrier-pigeon"}});
    EXPECT_EQ(FlowMessageIds(World::As<selfservice::ShowFlow>(none).flow.Dom()), std::vector<int>{4010003});

    json body = w.Register("in@example.com", "a-long-secret");
    auto signed_in = w.registration.Init(FlowType::kApi, w.WithSession(w.Api("u"), body["session_token"]));
    EXPECT_EQ(World::As<selfservice::Failed>(signed_in).error.id, "session_already_available");
    auto browser = w.registration.Init(FlowType::kBrowser,
                                       w.WithSession(w.Browser("http://127.0.0.1:4433/x"), body["session_token"]));
    EXPECT_EQ(World::As<selfservice::ErrorOrRedirect>(browser).location, "http://ui.test/");

    w.cfg.selfservice.flows.registration.enabled = false;
    auto off = w.registration.Init(FlowType::kApi, w.Api("u"));
    EXPECT_EQ(World::As<selfservice::Failed>(off).error.ToJson()["id"], "self_service_flow_disabled");
}

TEST(PasswordRegistration, BrowserFlowNeedsTheCsrfTokenAndGetsACookieSession) {
    World w;
    auto init = w.registration.Init(
        FlowType::kBrowser,
        w.Browser("http://127.0.0.1:4433/self-service/registration/browser?return_to=http%3A%2F%2Fui.test%2Fwelcome"));
    auto& shown = World::As<selfservice::ShowFlow>(init);
    EXPECT_EQ(shown.flow.Dom()["return_to"], "http://ui.test/welcome");
    const std::string token = NodeIn(shown.flow.Dom(), "csrf_token")->Input()->value.get<std::string>();
    EXPECT_TRUE(crypto::VerifyCsrfToken(w.csrf_cookie, token));
    json body{{"method", "password"}, {"traits", {{"email", "web@example.com"}}}, {"password", "a-long-secret"}};

    auto no_token = w.registration.Submit(w.Browser("u"), shown.id.ToString(), body);
    EXPECT_EQ(World::As<selfservice::Failed>(no_token).error.id, "security_csrf_violation");

    body["csrf_token"] = token;
    auto done = w.registration.Submit(w.Browser("u"), shown.id.ToString(), body);
    auto& c = World::As<selfservice::Completed>(done);
    EXPECT_EQ(c.redirect_to, "http://ui.test/welcome");
    EXPECT_TRUE(c.issue_session.has_value());
    EXPECT_TRUE(c.rotate_csrf);
    EXPECT_FALSE(c.body.Dom().contains("session_token"));
    EXPECT_TRUE(c.body.Dom().contains("session"));
}

// ---------------------------------------------------------------- login

TEST(PasswordLogin, ApiLoginIssuesASessionToken) {
    World w;
    w.Register("login@example.com", "a-long-secret");
    auto shown = w.LoginFlow(FlowType::kApi, w.Api("http://127.0.0.1:4433/self-service/login/api"));
    EXPECT_EQ(shown.flow.Dom()["refresh"], false);
    EXPECT_EQ(shown.flow.Dom()["requested_aal"], "aal1");
    std::vector<std::string> names;
    const json answer = shown.flow.Dom();
    for (const auto& n : answer["ui"]["nodes"]) names.push_back(n["attributes"]["name"]);
    EXPECT_EQ(names, (std::vector<std::string>{"csrf_token", "identifier", "password", "method"}));
    EXPECT_EQ(NodeIn(shown.flow.Dom(), "identifier")->meta.label->text, "E-Mail");
    auto out = w.login.Submit(
        w.Api("u"), shown.id.ToString(),
        json{{"method", "password"}, {"identifier", "LOGIN@example.com"}, {"password", "a-long-secret"}});
    auto& done = World::As<selfservice::Completed>(out);
    ASSERT_TRUE(done.body.Dom().contains("session_token"));
    EXPECT_EQ(done.body.Dom()["session"]["identity"]["traits"]["email"], "login@example.com");
    EXPECT_EQ(done.body.Dom()["session"]["authentication_methods"][0]["method"], "password");
    EXPECT_FALSE(done.issue_session) << "API flows never get cookies";
    EXPECT_EQ(w.login_flows.At(shown.id).active, "password");
}

TEST(PasswordLogin, WrongPasswordAndUnknownIdentifierLookAlike) {
    World w;
    w.Register("who@example.com", "a-long-secret");
    auto shown = w.LoginFlow(FlowType::kApi, w.Api("u"));
    auto wrong =
        w.login.Submit(w.Api("u"), shown.id.ToString(),
                       json{{"method", "password"}, {"identifier", "who@example.com"}, {"password", "nope-nope"}});
    auto& r1 = World::As<selfservice::ShowFlow>(wrong);
    EXPECT_EQ(r1.kind, selfservice::ShowFlow::Kind::kRejected);
    EXPECT_EQ(FlowMessageIds(r1.flow.Dom()), std::vector<int>{4000006});
    EXPECT_EQ(NodeIn(r1.flow.Dom(), "identifier")->Input()->value, "who@example.com");
    EXPECT_TRUE(NodeIn(r1.flow.Dom(), "password")->Input()->value.is_null());
    EXPECT_EQ(w.hashing.dummy_verifies, 0);

    auto unknown =
        w.login.Submit(w.Api("u"), shown.id.ToString(),
                       json{{"method", "password"}, {"identifier", "nobody@example.com"}, {"password", "x"}});
    auto& r2 = World::As<selfservice::ShowFlow>(unknown);
    EXPECT_EQ(FlowMessageIds(r2.flow.Dom()), std::vector<int>{4000006}) << "messages are replaced, not accumulated";
    EXPECT_EQ(w.hashing.dummy_verifies, 1) << "an unknown identifier still spends one verification";
}

// Issue 13: registration stores identifiers Unicode-lower-cased; login must normalise the same way
// (one function), so a non-ASCII identifier logs in as typed, in any case, with spaces around it.
TEST(PasswordLogin, NonAsciiIdentifiersLogInAsTypedAndInAnyCase) {
    World w;
    json reg = w.Register("\u00c9mile.\u0394\u0436@x.fr", "a-long-secret");  // Émile.Δж@x.fr
    ASSERT_TRUE(reg.contains("identity")) << reg.dump();
    const auto& stored = w.identity_repo.rows.begin()->second.FindCredential("password")->identifiers;
    EXPECT_EQ(stored, std::vector<std::string>{"\u00e9mile.\u03b4\u0436@x.fr"});
    for (const char* typed : {"\u00c9mile.\u0394\u0436@x.fr", "\u00e9mile.\u03b4\u0436@x.fr",
                              "\u00c9MILE.\u0394\u0416@X.FR", " \u00c9mile.\u0394\u0436@x.fr\t"}) {
        auto shown = w.LoginFlow(FlowType::kApi, w.Api("u"));
        auto out = w.login.Submit(w.Api("u"), shown.id.ToString(),
                                  json{{"method", "password"}, {"identifier", typed}, {"password", "a-long-secret"}});
        ASSERT_TRUE(std::holds_alternative<selfservice::Completed>(out)) << "login as \"" << typed << "\" failed";
    }
    // The same address in another case is the same identifier: a second registration is a duplicate.
    auto init = w.registration.Init(FlowType::kApi, w.Api("http://127.0.0.1:4433/self-service/registration/api"));
    auto& shown = World::As<selfservice::ShowFlow>(init);
    auto dup = w.registration.Submit(w.Api("u"), shown.id.ToString(),
                                     json{{"method", "password"},
                                          {"traits", {{"email", "\u00e9MILE.\u03b4\u0416@x.fr"}}},
                                          {"password", "a-long-secret"}});
    auto& rejected = World::As<selfservice::ShowFlow>(dup);
    EXPECT_EQ(FlowMessageIds(rejected.flow.Dom()), std::vector<int>{4000007});
}

TEST(PasswordLogin, MissingFieldsAreRequiredErrors) {
    World w;
    auto shown = w.LoginFlow(FlowType::kApi, w.Api("u"));
    auto out = w.login.Submit(w.Api("u"), shown.id.ToString(), json{{"method", "password"}, {"identifier", "a@b.c"}});
    auto& r = World::As<selfservice::ShowFlow>(out);
    EXPECT_EQ(NodeIn(r.flow.Dom(), "password")->messages[0].text, "Property password is missing.");
    auto none = w.login.Submit(w.Api("u"), shown.id.ToString(), json{{"method", "webauthn"}});
    EXPECT_EQ(FlowMessageIds(World::As<selfservice::ShowFlow>(none).flow.Dom()), std::vector<int>{4010002});
}

TEST(PasswordLogin, RefreshReauthenticatesTheSameSession) {
    World w;
    json reg = w.Register("fresh@example.com", "a-long-secret");
    const std::string token = reg["session_token"];
    auto before = *w.sessions.ResolveToken(token);
    w.clock.Advance(30min);

    // Without refresh a signed-in caller cannot log in again.
    auto again =
        w.login.Init(FlowType::kApi, w.WithSession(w.Api("http://127.0.0.1:4433/self-service/login/api"), token));
    EXPECT_EQ(World::As<selfservice::Failed>(again).error.id, "session_already_available");

    auto shown = w.LoginFlow(FlowType::kApi,
                             w.WithSession(w.Api("http://127.0.0.1:4433/self-service/login/api?refresh=true"), token));
    EXPECT_EQ(shown.flow.Dom()["refresh"], true);
    EXPECT_EQ(FlowMessageIds(shown.flow.Dom()), std::vector<int>{1010003});
    const ui::Node* id = NodeIn(shown.flow.Dom(), "identifier");
    EXPECT_EQ(id->Input()->type, "hidden");
    EXPECT_EQ(id->Input()->value, "fresh@example.com");

    w.clock.Advance(1min);
    auto out = w.login.Submit(
        w.WithSession(w.Api("u"), token), shown.id.ToString(),
        json{{"method", "password"}, {"identifier", "fresh@example.com"}, {"password", "a-long-secret"}});
    auto& done = World::As<selfservice::Completed>(out);
    EXPECT_EQ(done.body.Dom()["session_token"], token) << "the same session is refreshed";
    auto after = *w.sessions.ResolveToken(token);
    EXPECT_EQ(after.id, before.id);
    EXPECT_EQ(after.authenticated_at, before.authenticated_at + 31min);
    EXPECT_EQ(after.expires_at, after.authenticated_at + 24h);
    EXPECT_EQ(after.methods.size(), 2u);
    EXPECT_EQ(w.session_repo.rows.size(), 1u);
}

TEST(PasswordLogin, RefreshWithoutSessionIsSilentlyDropped) {
    World w;
    auto shown = w.LoginFlow(FlowType::kApi, w.Api("http://127.0.0.1:4433/self-service/login/api?refresh=true"));
    EXPECT_EQ(shown.flow.Dom()["refresh"], false);
    EXPECT_TRUE(FlowMessageIds(shown.flow.Dom()).empty());
}

TEST(PasswordLogin, AalParameter) {
    World w;
    auto bogus = w.login.Init(FlowType::kApi, w.Api("http://127.0.0.1:4433/self-service/login/api?aal=aal3"));
    EXPECT_EQ(World::As<selfservice::Failed>(bogus).error.code, 400);
    auto aal2 = w.login.Init(FlowType::kApi, w.Api("http://127.0.0.1:4433/self-service/login/api?aal=aal2"));
    auto& e = World::As<selfservice::Failed>(aal2).error;
    EXPECT_EQ(e.code, 401);
    EXPECT_EQ(e.id, "session_aal1_required");
}

TEST(PasswordLogin, ForbiddenReturnToFailsAtInit) {
    World w;
    auto out = w.login.Init(
        FlowType::kBrowser,
        w.Browser("http://127.0.0.1:4433/self-service/login/browser?return_to=https%3A%2F%2Fevil.test%2F"));
    auto& f = World::As<selfservice::Failed>(out);
    EXPECT_EQ(f.error.id, "self_service_flow_return_to_forbidden");
    EXPECT_EQ(f.error.code, 400);
}

TEST(PasswordLogin, ExpiredSubmissionGetsAReplacementFlow) {
    World w;
    auto shown = w.LoginFlow(
        FlowType::kBrowser,
        w.Browser("http://127.0.0.1:4433/self-service/login/browser?return_to=http%3A%2F%2Fui.test%2Fback"));
    w.clock.Advance(10min + 90s);
    auto out = w.login.Submit(w.Browser("u"), shown.id.ToString(), json{{"method", "password"}});
    auto& e = World::As<selfservice::ErrorOrRedirect>(out);
    EXPECT_EQ(e.error.code, 410);
    EXPECT_EQ(e.error.id, "self_service_flow_expired");
    const std::string next_id = e.error.extra["use_flow_id"];
    EXPECT_EQ(e.error.extra["since"], int64_t{90} * 1000000000);
    EXPECT_EQ(e.location, "http://ui.test/login?flow=" + next_id);
    auto next = w.login_flows.At(*core::Uuid::Parse(next_id));
    EXPECT_EQ(next.request_url,
              "http://127.0.0.1:4433/self-service/login/browser?return_to=http%3A%2F%2Fui.test%2Fback");
    ASSERT_EQ(next.ui.messages.size(), 1u);
    EXPECT_EQ(next.ui.messages[0].id, 4010001);
    EXPECT_EQ(next.ui.messages[0].text, "The login flow expired 1.50 minutes ago, please try again.");

    // Fetching the expired flow does not replace it but says where to go.
    auto fetched = w.login.Fetch(w.Browser("u"), shown.id.ToString());
    ASSERT_FALSE(fetched);
    EXPECT_EQ(fetched.error().code, 410);
    EXPECT_EQ(fetched.error().details["redirect_to"],
              "http://127.0.0.1:4433/self-service/login/browser?return_to=http%3A%2F%2Fui.test%2Fback");
    EXPECT_EQ(fetched.error().details["return_to"], "http://ui.test/back");
}

TEST(PasswordLogin, BrowserFlowsAreBoundToTheirCsrfCookie) {
    World w;
    w.Register("csrf@example.com", "a-long-secret");
    auto shown = w.LoginFlow(FlowType::kBrowser, w.Browser("http://127.0.0.1:4433/self-service/login/browser"));
    EXPECT_TRUE(w.login.Fetch(w.Browser("u"), shown.id.ToString()));
    RequestContext stranger = w.Browser("u");
    stranger.csrf_token = crypto::GenerateCsrfCookieValue(w.random);
    EXPECT_EQ(w.login.Fetch(stranger, shown.id.ToString()).error().id, "security_csrf_violation");
    EXPECT_EQ(w.login.Fetch(w.Browser("u"), "not-a-uuid").error().code, 404);

    json body{{"method", "password"}, {"identifier", "csrf@example.com"}, {"password", "a-long-secret"}};
    auto forged = w.login.Submit(stranger, shown.id.ToString(), body);
    EXPECT_EQ(World::As<selfservice::Failed>(forged).error.code, 403);

    body["csrf_token"] = NodeIn(shown.flow.Dom(), "csrf_token")->Input()->value;
    auto ok = w.login.Submit(w.Browser("u", true), shown.id.ToString(), body);
    auto& done = World::As<selfservice::Completed>(ok);
    EXPECT_FALSE(done.body.Dom().contains("session_token"));
    EXPECT_TRUE(done.issue_session.has_value());
    EXPECT_TRUE(done.rotate_csrf);
    EXPECT_EQ(done.redirect_to, "http://ui.test/");
}

TEST(PasswordLogin, ApiFlowsRejectBrowserHeadersOnTheFlow) {
    World w;
    auto shown = w.LoginFlow(FlowType::kApi, w.Api("u"));
    RequestContext ctx = w.Api("u");
    ctx.cookie_header_sent = true;
    ctx.cookie_names = {"some_cookie"};
    auto out = w.login.Submit(ctx, shown.id.ToString(),
                              json{{"method", "password"}, {"identifier", "a@b.c"}, {"password", "x"}});
    auto& r = World::As<selfservice::ShowFlow>(out);
    ASSERT_EQ(r.flow.Dom()["ui"]["messages"].size(), 1u);
    EXPECT_EQ(r.flow.Dom()["ui"]["messages"][0]["id"], 4000001);
    EXPECT_NE(r.flow.Dom()["ui"]["messages"][0]["text"].get<std::string>().find("\"Cookie\" key"), std::string::npos);
}

TEST(PasswordLogin, ImportedHashesAreUpgradedOnLogin) {
    World w;
    w.Register("old@example.com", "a-long-secret");
    auto& stored = w.identity_repo.rows.begin()->second;
    stored.credentials.at("password").config["hashed_password"] = "legacy:a-long-secret";
    auto shown = w.LoginFlow(FlowType::kApi, w.Api("u"));
    auto out =
        w.login.Submit(w.Api("u"), shown.id.ToString(),
                       json{{"method", "password"}, {"identifier", "old@example.com"}, {"password", "a-long-secret"}});
    World::As<selfservice::Completed>(out);
    EXPECT_EQ(w.identity_repo.rows.begin()->second.FindCredential("password")->config["hashed_password"],
              "hash:a-long-secret");
    EXPECT_EQ(w.identity_repo.updates, 1);
}

TEST(PasswordLogin, SignedInSubmissionOfANonRefreshFlow) {
    World w;
    json reg = w.Register("twice@example.com", "a-long-secret");
    auto shown = w.LoginFlow(FlowType::kBrowser, w.Browser("http://127.0.0.1:4433/self-service/login/browser"));
    auto out = w.login.Submit(w.WithSession(w.Browser("u"), reg["session_token"]), shown.id.ToString(), json::object());
    auto& e = World::As<selfservice::ErrorOrRedirect>(out);
    EXPECT_EQ(e.error.id, "session_already_available");
    EXPECT_EQ(e.location, "http://ui.test/");
}

}  // namespace
}  // namespace bia::strategy::password

namespace bia::strategy::password {
namespace {

TEST(PasswordLogin, DisabledMethodRendersNothingButAnswers404WhenAddressed) {
    World w;
    w.cfg.selfservice.methods.password.enabled = false;
    auto shown = w.LoginFlow(FlowType::kApi, w.Api("u"));
    EXPECT_EQ(shown.flow.Dom()["ui"]["nodes"].size(), 1u) << "only csrf_token";
    auto out = w.login.Submit(w.Api("u"), shown.id.ToString(),
                              json{{"method", "password"}, {"identifier", "a@b.c"}, {"password", "x"}});
    EXPECT_EQ(World::As<selfservice::Failed>(out).error.code, 404);
}

}  // namespace
}  // namespace bia::strategy::password
