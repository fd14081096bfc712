// The oidc method through the real flow services and its callback, against a provider scripted
// in process (discovery, keys, token endpoint; ID tokens signed with a fresh RSA key).
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <memory>

#include "core/encoding.hpp"
#include "core/time.hpp"
#include "core/url.hpp"
#include "selfservice/registration/registration_service.hpp"
#include "strategy/oidc/oidc_callback.hpp"
#include "strategy/oidc/oidc_module.hpp"
#include "testing/fake_password_hashing.hpp"
#include "testing/method_flow_world.hpp"

namespace bia::strategy::oidc {
namespace {

using nlohmann::json;
using selfservice::Completed;
using selfservice::ErrorOrRedirect;
using selfservice::Failed;
using selfservice::Outcome;
using selfservice::ShowFlow;

constexpr const char* kFlowSchema = R"({"$schema":"http://json-schema.org/draft-07/schema#","type":"object",
  "properties":{"traits":{"type":"object","properties":{"email":{"type":"string","format":"email"}},
  "required":["email"]}}})";
constexpr const char* kFlowIssuer = "https://id.example.org";

std::string FlowB64(std::string_view s) { return core::Base64UrlEncode(s); }

// An OpenID provider answering discovery, JWKS and the token endpoint; the ID token it issues
// carries `subject`, `email` and the nonce of the last authorization URL it was told about.
class ScriptedProvider final : public net::HttpClient {
  public:
    ScriptedProvider() : key_(EVP_RSA_gen(2048)) {}
    ~ScriptedProvider() override { EVP_PKEY_free(key_); }

    net::HttpResponse Send(const net::HttpRequest& req) override {
        net::HttpResponse r;
        r.status = 200;
        const std::string base = kFlowIssuer;
        if (req.url == base + "/.well-known/openid-configuration") {
            r.body = json{{"issuer", base},
                          {"authorization_endpoint", base + "/auth"},
                          {"token_endpoint", base + "/token"},
                          {"jwks_uri", base + "/jwks"},
                          {"code_challenge_methods_supported", {"S256"}}}
                         .dump();
        } else if (req.url == base + "/jwks") {
            r.body = json{{"keys", {Jwk()}}}.dump();
        } else if (req.url == base + "/token") {
            ++token_calls;
            last_token_body = req.body.value_or("");
            r.body = json{{"access_token", "at-1"}, {"token_type", "Bearer"}, {"id_token", IdToken()}}.dump();
        } else {
            r.status = 404;
        }
        return r;
    }

    std::string subject = "sub-1";
    std::string email = "social@example.com";
    std::string nonce;
    std::string audience = "bia";
    const core::Clock* clock = nullptr;  // the world's: tokens are issued at its time
    int token_calls = 0;
    std::string last_token_body;

  private:
    std::string Bn(const char* name) const {
        BIGNUM* bn = nullptr;
        EVP_PKEY_get_bn_param(key_, name, &bn);
        std::string out(static_cast<size_t>(BN_num_bytes(bn)), '\0');
        BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
        BN_free(bn);
        return out;
    }
    json Jwk() const {
        return {{"kty", "RSA"}, {"kid", "k1"},           {"alg", "RS256"},
                {"use", "sig"}, {"n", FlowB64(Bn("n"))}, {"e", FlowB64(Bn("e"))}};
    }
    std::string IdToken() const {
        const int64_t now = core::UnixSeconds(clock->Now());
        const std::string input = FlowB64(json{{"alg", "RS256"}, {"kid", "k1"}, {"typ", "JWT"}}.dump()) + "." +
                                  FlowB64(json{
                                      {"iss", kFlowIssuer},
                                      {"sub", subject},
                                      {"aud", audience},
                                      {"iat", now},
                                      {"exp", now + 600},
                                      {"nonce", nonce},
                                      {"email",
                                       email}}.dump());
        EVP_MD_CTX* ctx = EVP_MD_CTX_new();
        size_t len = 0;
        EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key_);
        EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()), input.size());
        std::string sig(len, '\0');
        EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                       reinterpret_cast<const unsigned char*>(input.data()), input.size());
        EVP_MD_CTX_free(ctx);
        sig.resize(len);
        return input + "." + FlowB64(sig);
    }
    EVP_PKEY* key_;
};

struct World : bia::testing::MethodFlowWorld {
    World() : MethodFlowWorld(kFlowSchema, 41) {
        auto& o = cfg.selfservice.methods.oidc;
        o.enabled = true;
        o.providers = json::array({{{"id", "idp"},
                                    {"provider", "generic"},
                                    {"label", "Example ID"},
                                    {"client_id", "bia"},
                                    {"client_secret", "s3cret"},
                                    {"issuer_url", kFlowIssuer},
                                    {"scope", {"email"}},
                                    {"mapper_url", "base64://" + core::Base64Encode(kFlowMapper)}}});
        browser = true;
        provider.clock = &clock;
        // As Kratos's samples configure it: a social sign-up signs the new identity in.
        cfg.selfservice.flows.registration.after.methods["oidc"].hooks = {config::Hook{"session", nullptr}};
        // The signed-in identity has a password (a first factor).
        identity::Credential pw;
        pw.type = "password";
        pw.identifiers = {"alice@example.com"};
        pw.config = {{"hashed_password", "hash:x"}};
        who.credentials["password"] = pw;
        EXPECT_TRUE(identity_repo.Update(who));
        aal_rules.Add("password", [](const identity::Credential&) { return session::FactorCount{1, 0}; });
        module = std::make_unique<OidcModule>(cfg, identities, aal_rules, provider, *cipher, clock, random);
        EXPECT_TRUE(module->Ready());
        aal_rules.Add("oidc", [this](const identity::Credential& c) { return module->Factors(c); });
        Wire({module->Settings()}, {module->Login()});
        registration = std::make_unique<selfservice::registration::RegistrationService>(
            cfg, registration_flows,
            std::vector<selfservice::registration::RegistrationStrategy*>{module->Registration()}, identity_repo,
            sessions, *schemas, return_to, clock, random, units);
        callback = std::make_unique<OidcCallback>(cfg, module->method(), identities, *login, login_flows, *registration,
                                                  registration_flows, *settings, settings_flows);
    }

    static constexpr const char* kFlowMapper =
        "local claims = std.extVar('claims'); { identity: { traits: { email: claims.email } } }";

    // The redirect a start answered with; remembers its nonce for the provider.
    std::string Started(const Outcome& out) {
        auto* r = std::get_if<ErrorOrRedirect>(&out);
        EXPECT_NE(r, nullptr);
        if (!r) return "";
        EXPECT_EQ(r->error.code, 422);
        auto u = core::Url::Parse(r->location);
        EXPECT_TRUE(u);
        provider.nonce = std::string(u->query().Get("nonce").value_or(""));
        return std::string(u->query().Get("state").value_or(""));
    }
    Outcome Callback(const std::string& state, std::string_view code = "c0de", bool signed_in = true) {
        core::Query q;
        q.Set("state", state);
        q.Set("code", code);
        selfservice::ContinuityRefs refs;
        auto ctx = Ctx();
        if (!signed_in) ctx.session.reset();
        return callback->Handle(ctx, "idp", q, {}, refs);
    }
    selfservice::RequestContext Anonymous() {
        auto ctx = Ctx();
        ctx.session.reset();
        return ctx;
    }

    ScriptedProvider provider;
    std::unique_ptr<crypto::TokenCipher> cipher = crypto::MakeTokenCipher("noop", {}).value();
    bia::testing::FakeHashing hashing;
    identity::IdentityService identities{identity_repo, *schemas, hashing, clock, random};
    bia::testing::MemoryFlows<selfservice::registration::RegistrationFlow> registration_flows;
    std::unique_ptr<OidcModule> module;
    std::unique_ptr<selfservice::registration::RegistrationService> registration;
    std::unique_ptr<OidcCallback> callback;
};

std::vector<std::string> Values(const ui::Container& ui, std::string_view name) {
    std::vector<std::string> out;
    for (const auto& n : ui.nodes) {
        if (const auto* in = n.Input(); in && in->name == name) out.push_back(in->value.get<std::string>());
    }
    return out;
}

TEST(OidcState, RoundTripsAndRefusesGarbage) {
    State s{FlowKind::kSettings, core::Uuid::Parse("6f2c4ad0-0fd3-4d4b-9d4e-6a1f0b6f3c11").value(),
            std::string(32, 'a')};
    auto back = State::Parse(s.Encode());
    ASSERT_TRUE(back);
    EXPECT_EQ(back->kind, FlowKind::kSettings);
    EXPECT_EQ(back->flow_id, s.flow_id);
    EXPECT_EQ(back->secret, s.secret);
    const std::vector<std::string> bad_states = {"", "login", "login.x.y",
                                                 "other.6f2c4ad0-0fd3-4d4b-9d4e-6a1f0b6f3c11." + std::string(32, 'a'),
                                                 "login.6f2c4ad0-0fd3-4d4b-9d4e-6a1f0b6f3c11.short"};
    for (const std::string& bad : bad_states) {
        EXPECT_FALSE(State::Parse(bad)) << bad;
    }
}

TEST(OidcSettingsFlow, LinksAProviderThroughTheCallback) {
    World w;
    auto f = w.NewSettingsFlow();
    EXPECT_EQ(Values(f.ui, "link"), std::vector<std::string>{"idp"});
    EXPECT_TRUE(Values(f.ui, "unlink").empty());  // nothing linked yet

    const std::string state = w.Started(w.SubmitSettings(f, {{"method", "oidc"}, {"link", "idp"}}));
    ASSERT_FALSE(state.empty());
    Outcome done = w.Callback(state);
    ASSERT_TRUE(std::holds_alternative<Completed>(done))
        << (std::holds_alternative<ShowFlow>(done) ? std::get<ShowFlow>(done).flow.Dom().dump() : "");
    EXPECT_NE(w.provider.last_token_body.find("code_verifier="), std::string::npos);  // PKCE
    const identity::Identity& stored = w.identity_repo.rows.at(w.who.id);
    const auto& c = stored.credentials.at("oidc");
    EXPECT_EQ(c.identifiers, std::vector<std::string>{"idp:sub-1"});
    EXPECT_EQ(c.config["providers"][0]["subject"], "sub-1");
    EXPECT_EQ(c.config["providers"][0]["initial_access_token"], "at-1");  // noop cipher in this test

    // The callback cannot be replayed.
    Outcome again = w.Callback(state);
    ASSERT_TRUE(std::holds_alternative<Failed>(again));
    EXPECT_EQ(std::get<Failed>(again).error.code, 400);

    // Password + provider: the provider can be unlinked now, and unlinking removes it.
    auto next = w.NewSettingsFlow();
    EXPECT_TRUE(Values(next.ui, "link").empty());
    EXPECT_EQ(Values(next.ui, "unlink"), std::vector<std::string>{"idp"});
    Outcome unlinked = w.SubmitSettings(next, {{"method", "oidc"}, {"unlink", "idp"}});
    ASSERT_TRUE(std::holds_alternative<Completed>(unlinked));
    EXPECT_EQ(w.identity_repo.rows.at(w.who.id).credentials.count("oidc"), 0u);
}

TEST(OidcSettingsFlow, CallbackFromAnotherBrowserOrWithAnotherStateLinksNothing) {
    World w;
    auto f = w.NewSettingsFlow();
    const std::string state = w.Started(w.SubmitSettings(f, {{"method", "oidc"}, {"link", "idp"}}));
    // A tampered secret.
    std::string tampered = state;
    tampered.back() = tampered.back() == 'a' ? 'b' : 'a';
    EXPECT_TRUE(std::holds_alternative<Failed>(w.Callback(tampered)));
    // The tampered attempt used up the waiting request: the genuine state fails too now.
    EXPECT_TRUE(std::holds_alternative<Failed>(w.Callback(state)));

    auto g = w.NewSettingsFlow();
    const std::string state2 = w.Started(w.SubmitSettings(g, {{"method", "oidc"}, {"link", "idp"}}));
    core::Query q;
    q.Set("state", state2);
    q.Set("code", "c0de");
    auto other = w.Ctx();
    other.csrf_token = core::Base64Encode(std::string(32, '\x11'));  // another browser's cookie
    selfservice::ContinuityRefs refs;
    EXPECT_TRUE(std::holds_alternative<Failed>(w.callback->Handle(other, "idp", q, {}, refs)));
    EXPECT_EQ(w.identity_repo.rows.at(w.who.id).credentials.count("oidc"), 0u);
    EXPECT_EQ(w.provider.token_calls, 0);  // no code was exchanged for a foreign browser
}

TEST(OidcSettingsFlow, SubjectLinkedToAnotherIdentityIs4000027) {
    World w;
    identity::Identity other;
    other.id = core::Uuid::V4(w.random);
    other.schema_id = "default";
    other.traits = {{"email", "bob@example.com"}};
    identity::Credential c;
    c.type = "oidc";
    c.identifiers = {"idp:sub-1"};
    c.config = {{"providers", {{{"provider", "idp"}, {"subject", "sub-1"}}}}};
    other.credentials["oidc"] = c;
    ASSERT_TRUE(w.identity_repo.Create(other));

    auto f = w.NewSettingsFlow();
    Outcome out = w.Callback(w.Started(w.SubmitSettings(f, {{"method", "oidc"}, {"link", "idp"}})));
    auto* shown = std::get_if<ShowFlow>(&out);
    ASSERT_NE(shown, nullptr);
    EXPECT_EQ(shown->flow.Dom()["ui"]["messages"][0]["id"], 4000027);
    EXPECT_EQ(w.identity_repo.rows.at(w.who.id).credentials.count("oidc"), 0u);
}

TEST(OidcSettingsFlow, ApiFlowsAndBothFieldsAreRefused) {
    World w;
    auto f = w.NewSettingsFlow();
    Outcome both = w.SubmitSettings(f, {{"method", "oidc"}, {"link", "idp"}, {"unlink", "idp"}});
    auto* shown = std::get_if<ShowFlow>(&both);
    ASSERT_NE(shown, nullptr);
    EXPECT_EQ(shown->flow.Dom()["ui"]["messages"][0]["id"], 4000001);

    w.browser = false;
    auto api = w.NewSettingsFlow();
    EXPECT_TRUE(Values(api.ui, "link").empty());
    Outcome out = w.SubmitSettings(api, {{"method", "oidc"}, {"link", "idp"}});
    shown = std::get_if<ShowFlow>(&out);
    ASSERT_NE(shown, nullptr);
    EXPECT_NE(shown->flow.Dom()["ui"]["messages"][0]["text"].get<std::string>().find("Browser endpoint"),
              std::string::npos);
}

TEST(OidcLoginFlow, UnknownSubjectRegistersThenSignsInAgain) {
    World w;
    auto ctx = w.Anonymous();
    ctx.url = "https://auth.example.com/self-service/login/browser";
    Outcome created = w.login->Init(selfservice::FlowType::kBrowser, ctx);
    auto* shown = std::get_if<ShowFlow>(&created);
    ASSERT_NE(shown, nullptr);
    auto f = w.login_flows.At(shown->id);
    EXPECT_EQ(Values(f.ui, "provider"), std::vector<std::string>{"idp"});
    json body = {{"method", "oidc"}, {"provider", "idp"}, {"csrf_token", f.ui.Find("csrf_token")->Input()->value}};
    const std::string state = w.Started(w.login->Submit(ctx, f.id.ToString(), body));
    Outcome done = w.Callback(state, "c0de", false);
    auto* completed = std::get_if<Completed>(&done);
    ASSERT_NE(completed, nullptr) << done.index();
    ASSERT_TRUE(completed->issue_session);
    const core::Uuid new_id = completed->issue_session->identity_id;
    EXPECT_NE(new_id, w.who.id);
    const auto& created_identity = w.identity_repo.rows.at(new_id);
    EXPECT_EQ(created_identity.traits["email"], "social@example.com");
    EXPECT_EQ(created_identity.credentials.at("oidc").identifiers, std::vector<std::string>{"idp:sub-1"});
    EXPECT_EQ(completed->issue_session->methods.back().method, "oidc");
    EXPECT_EQ(completed->issue_session->methods.back().provider, "idp");

    // The same subject again: a login of the same identity, no second registration.
    Outcome again_created = w.login->Init(selfservice::FlowType::kBrowser, ctx);
    auto g = w.login_flows.At(std::get<ShowFlow>(again_created).id);
    body["csrf_token"] = g.ui.Find("csrf_token")->Input()->value;
    Outcome again = w.Callback(w.Started(w.login->Submit(ctx, g.id.ToString(), body)), "c0de", false);
    ASSERT_TRUE(std::holds_alternative<Completed>(again));
    EXPECT_EQ(std::get<Completed>(again).issue_session->identity_id, new_id);
    EXPECT_EQ(w.identity_repo.rows.size(), 2u);
}

TEST(OidcLoginFlow, ProviderErrorsAndBadTokensShowOnTheFlow) {
    World w;
    auto ctx = w.Anonymous();
    ctx.url = "https://auth.example.com/self-service/login/browser";
    auto start = [&]() {
        auto f = w.login_flows.At(std::get<ShowFlow>(w.login->Init(selfservice::FlowType::kBrowser, ctx)).id);
        json body = {{"method", "oidc"}, {"provider", "idp"}, {"csrf_token", f.ui.Find("csrf_token")->Input()->value}};
        return w.Started(w.login->Submit(ctx, f.id.ToString(), body));
    };
    // The provider refused.
    core::Query q;
    q.Set("state", start());
    q.Set("error", "access_denied");
    q.Set("error_description", "The user said no");
    selfservice::ContinuityRefs refs;
    Outcome denied = w.callback->Handle(ctx, "idp", q, {}, refs);
    auto* shown = std::get_if<ShowFlow>(&denied);
    ASSERT_NE(shown, nullptr);
    EXPECT_NE(shown->flow.Dom()["ui"]["messages"][0]["text"].get<std::string>().find("access_denied"),
              std::string::npos);

    // An ID token for another client.
    const std::string state = start();
    w.provider.audience = "someone-else";
    Outcome bad = w.Callback(state, "c0de", false);
    shown = std::get_if<ShowFlow>(&bad);
    ASSERT_NE(shown, nullptr);
    EXPECT_EQ(shown->flow.Dom()["ui"]["messages"][0]["type"], "error");
    EXPECT_EQ(w.identity_repo.rows.size(), 1u);  // nobody registered
}

TEST(OidcLoginFlow, ApiFlowsCannotStartASocialSignIn) {
    World w;
    auto ctx = w.Anonymous();
    ctx.url = "https://auth.example.com/self-service/login/api";
    auto f = w.login_flows.At(std::get<ShowFlow>(w.login->Init(selfservice::FlowType::kApi, ctx)).id);
    EXPECT_TRUE(Values(f.ui, "provider").empty());
    Outcome out = w.login->Submit(ctx, f.id.ToString(), json{{"method", "oidc"}, {"provider", "idp"}});
    auto* shown = std::get_if<ShowFlow>(&out);
    ASSERT_NE(shown, nullptr);
    EXPECT_EQ(shown->flow.Dom()["ui"]["messages"][0]["id"], 4000001);
}

TEST(OidcModuleConfig, BadProvidersStopTheServerOnlyWhenEnabled) {
    World w;
    auto& o = w.cfg.selfservice.methods.oidc;
    o.providers = json::array({{{"id", "gh"}, {"provider", "github"}, {"client_id", "x"}}});
    o.enabled = false;
    EXPECT_TRUE(OidcModule(w.cfg, w.identities, w.aal_rules, w.provider, *w.cipher, w.clock, w.random).Ready());
    o.enabled = true;
    auto ready = OidcModule(w.cfg, w.identities, w.aal_rules, w.provider, *w.cipher, w.clock, w.random).Ready();
    ASSERT_FALSE(ready);
    EXPECT_NE(ready.error().reason.find("providers[0]"), std::string::npos) << ready.error().reason;

    o.providers = json::array({{{"id", "idp"},
                                {"provider", "generic"},
                                {"client_id", "bia"},
                                {"issuer_url", kFlowIssuer},
                                {"mapper_url", "base64://" + core::Base64Encode("{ identity: ")}}});
    ready = OidcModule(w.cfg, w.identities, w.aal_rules, w.provider, *w.cipher, w.clock, w.random).Ready();
    ASSERT_FALSE(ready);
    EXPECT_NE(ready.error().reason.find("mapper_url"), std::string::npos) << ready.error().reason;
}

}  // namespace
}  // namespace bia::strategy::oidc
