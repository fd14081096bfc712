// Security keys end to end below HTTP: registration and removal through SettingsService and the
// aal2 login through LoginService, with a software authenticator (OpenSSL keys, libcbor) answering
// the options the flows hand out, on in-memory stores with a fake clock.
#include <gtest/gtest.h>

#include "strategy/webauthn/soft_authenticator.hpp"
#include "strategy/webauthn/webauthn_ceremony.hpp"
#include "strategy/webauthn/webauthn_keys.hpp"
#include "strategy/webauthn/webauthn_login.hpp"
#include "strategy/webauthn/webauthn_module.hpp"
#include "strategy/webauthn/webauthn_nodes.hpp"
#include "strategy/webauthn/webauthn_script.hpp"
#include "strategy/webauthn/webauthn_settings.hpp"
#include "testing/method_flow_world.hpp"

namespace bia::strategy::webauthn {
namespace {

using nlohmann::json;
using selfservice::Completed;
using selfservice::FlowType;
using selfservice::Outcome;
using selfservice::RequestContext;
using selfservice::ShowFlow;
using selfservice::settings::SettingsFlow;

constexpr const char* kSchema = R"({"$schema":"http://json-schema.org/draft-07/schema#","type":"object",
  "properties":{"traits":{"type":"object","properties":{"email":{"type":"string","format":"email"}}}}})";

struct World : bia::testing::MethodFlowWorld {
    World() : MethodFlowWorld(kSchema, 23) {
        auto& w = cfg.selfservice.methods.webauthn;
        w.enabled = true;
        w.rp_id = "example.com";
        w.rp_display_name = "Example";
        w.rp_origins = {"https://example.com"};
        browser = true;
        aal_rules.Add("webauthn", &Factors);
        Wire({&webauthn_settings}, {&webauthn_login});
    }

    // What the browser posts after navigator.credentials.create answered the flow's options.
    std::string Created(const SettingsFlow& f, std::string origin = "https://example.com") {
        const auto ceremony = CeremonyOf(f.internal_context);
        EXPECT_TRUE(ceremony);
        soft::ClientDataSpec cd;
        cd.challenge = ceremony ? ceremony->challenge : "";
        cd.origin = std::move(origin);
        return soft::RegistrationJson(
            cd.Json(), soft::AttestationObject("none", cbor_new_definite_map(0), authenticator.AuthData(true)),
            authenticator.credential_id);
    }
    Outcome RegisterKey(const SettingsFlow& f, const std::string& name = "My key") {
        return SubmitSettings(f, {{"webauthn_register", Created(f)}, {"webauthn_register_displayname", name}});
    }
    std::vector<StoredKey> Keys() { return KeysOf(identity_repo.rows.at(who.id)).keys; }

    WebAuthnSettings webauthn_settings{cfg, aal_rules, clock, random};
    WebAuthnLogin webauthn_login{cfg, identity_repo, clock, random};
    EvpPkeyPtr key = soft::NewP256();
    soft::Authenticator authenticator{.key = key.get(), .alg = kCoseEs256};
};

const json* NodeNamed(const json& flow, std::string_view name) {
    for (const auto& n : flow["ui"]["nodes"]) {
        if (n["group"] == "webauthn" &&
            (n["attributes"].value("name", "") == name || n["attributes"].value("id", "") == name))
            return &n;
    }
    return nullptr;
}

json FlowJson(World& w, const SettingsFlow& f) {
    return json::parse(w.settings->Fetch(w.Ctx(), f.id.ToString()).value());
}

TEST(WebAuthnSettings, BrowserFlowsCarryTheScriptAndRegistrationOptionsApiFlowsNothing) {
    World w;
    const SettingsFlow f = w.NewSettingsFlow();
    const json flow = FlowJson(w, f);
    const json* script = NodeNamed(flow, "webauthn_script");
    ASSERT_NE(script, nullptr);
    EXPECT_EQ(script->at("attributes")["src"], "https://auth.example.com/.well-known/ory/webauthn.js");
    EXPECT_EQ(script->at("attributes")["integrity"], ScriptIntegrity());
    EXPECT_EQ(ScriptIntegrity().rfind("sha512-", 0), 0u);
    EXPECT_EQ(script->at("attributes")["crossorigin"], "anonymous");
    const json* trigger = NodeNamed(flow, "webauthn_register_trigger");
    ASSERT_NE(trigger, nullptr);
    EXPECT_EQ(trigger->at("meta")["label"]["id"], 1050012);
    const json options = json::parse(trigger->at("attributes")["value"].get<std::string>());
    EXPECT_EQ(trigger->at("attributes")["onclick"], "oryWebAuthnRegistration(" + options.dump() + ")");
    EXPECT_EQ(trigger->at("attributes")["onclickTrigger"], "oryWebAuthnRegistration");
    const auto ceremony = CeremonyOf(f.internal_context);
    ASSERT_TRUE(ceremony);
    EXPECT_EQ(options["publicKey"]["challenge"], core::Base64UrlEncode(ceremony->challenge));
    EXPECT_EQ(options["publicKey"]["rp"]["id"], "example.com");
    EXPECT_EQ(options["publicKey"]["user"]["id"], core::Base64UrlEncode(ceremony->user_id));
    EXPECT_EQ(ceremony->user_id.size(), 16u) << "the identity id's bytes";
    EXPECT_NE(NodeNamed(flow, "webauthn_register"), nullptr);
    EXPECT_EQ(NodeNamed(flow, "webauthn_register_displayname")->at("meta")["label"]["id"], 1050013);
    EXPECT_EQ(flow.dump().find("session_data"), std::string::npos) << "the ceremony stays server-side";

    w.browser = false;
    const SettingsFlow api = w.NewSettingsFlow();
    EXPECT_EQ(FlowJson(w, api).dump().find("\"webauthn\""), std::string::npos);
    Outcome unclaimed = w.SubmitSettings(api, {{"method", "webauthn"}, {"webauthn_register", "{}"}});
    ASSERT_TRUE(std::holds_alternative<ShowFlow>(unclaimed));
    EXPECT_EQ(std::get<ShowFlow>(unclaimed).flow.Dom()["ui"]["messages"][0]["id"], 4010004);
}

TEST(WebAuthnSettings, RegistersAVerifiedKeyAndRaisesTheSession) {
    World w;
    SettingsFlow f = w.NewSettingsFlow();
    Outcome unnamed = w.SubmitSettings(f, {{"webauthn_register", w.Created(f)}});
    ASSERT_TRUE(std::holds_alternative<ShowFlow>(unnamed));
    EXPECT_EQ(
        (*NodeNamed(std::get<ShowFlow>(unnamed).flow.Dom(), "webauthn_register_displayname"))["messages"][0]["id"],
        4000002);

    Outcome too_long = w.RegisterKey(f, std::string(257, 'k'));
    ASSERT_TRUE(std::holds_alternative<ShowFlow>(too_long));
    EXPECT_EQ(
        (*NodeNamed(std::get<ShowFlow>(too_long).flow.Dom(), "webauthn_register_displayname"))["messages"][0]["id"],
        4000017);

    Outcome done = w.RegisterKey(f);
    ASSERT_TRUE(std::holds_alternative<Completed>(done)) << "outcome " << done.index();
    const auto keys = w.Keys();
    ASSERT_EQ(keys.size(), 1u);
    EXPECT_EQ(keys[0].id, w.authenticator.credential_id);
    EXPECT_EQ(keys[0].public_key, soft::CoseKeyOf(w.key.get(), kCoseEs256));
    EXPECT_EQ(keys[0].display_name, "My key");
    EXPECT_EQ(keys[0].attestation_type, "none");
    EXPECT_FALSE(keys[0].is_passwordless);
    const identity::Credential* c = w.identity_repo.rows.at(w.who.id).FindCredential("webauthn");
    EXPECT_EQ(c->version, 1);
    EXPECT_EQ(core::Base64Decode(c->config["user_handle"].get<std::string>()).value().size(), 16u);
    const auto s = w.sessions.ResolveToken(w.token);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->methods.back().method, "webauthn");
    EXPECT_EQ(session::ComputeAal(s->methods), "aal2");
    // The success UI lists the key with its remove button.
    const json success = std::get<Completed>(done).body.Dom();
    const json* remove = NodeNamed(success, "webauthn_remove");
    ASSERT_NE(remove, nullptr);
    EXPECT_EQ(remove->at("attributes")["value"], HexId(w.authenticator.credential_id));
    EXPECT_EQ(remove->at("meta")["label"]["text"], "Remove security key \"My key\"");

    // The same key again is a duplicate.
    Outcome twice = w.RegisterKey(w.NewSettingsFlow());
    ASSERT_TRUE(std::holds_alternative<ShowFlow>(twice));
    EXPECT_EQ(w.Keys().size(), 1u);
}

TEST(WebAuthnSettings, AnswersThatDoNotVerifyAreShownOnTheFlow) {
    World w;
    SettingsFlow f = w.NewSettingsFlow();
    Outcome garbage = w.SubmitSettings(f, {{"webauthn_register", "not json"}, {"webauthn_register_displayname", "k"}});
    ASSERT_TRUE(std::holds_alternative<ShowFlow>(garbage));
    EXPECT_EQ(std::get<ShowFlow>(garbage).flow.Dom()["ui"]["messages"][0]["text"].get<std::string>().rfind(
                  "Unable to parse WebAuthn response: ", 0),
              0u);
    Outcome foreign = w.SubmitSettings(
        f, {{"webauthn_register", w.Created(f, "https://evil.example")}, {"webauthn_register_displayname", "k"}});
    ASSERT_TRUE(std::holds_alternative<ShowFlow>(foreign));
    EXPECT_EQ(std::get<ShowFlow>(foreign).flow.Dom()["ui"]["messages"][0]["text"],
              "Unable to create WebAuthn credential: the origin does not match");
    EXPECT_TRUE(w.Keys().empty());
}

TEST(WebAuthnSettings, RemovesKeysButNeverTheLastFirstFactor) {
    World w;
    Outcome none = w.SubmitSettings(w.NewSettingsFlow(), {{"webauthn_remove", "00ff"}});
    ASSERT_TRUE(std::holds_alternative<ShowFlow>(none));
    EXPECT_EQ(std::get<ShowFlow>(none).flow.Dom()["ui"]["messages"][0]["text"],
              "You tried to remove a WebAuthn but you have no WebAuthn set up.");
    ASSERT_TRUE(std::holds_alternative<Completed>(w.RegisterKey(w.NewSettingsFlow())));
    Outcome unknown = w.SubmitSettings(w.NewSettingsFlow(), {{"webauthn_remove", "00ff"}});
    ASSERT_TRUE(std::holds_alternative<ShowFlow>(unknown));
    EXPECT_EQ(std::get<ShowFlow>(unknown).flow.Dom()["ui"]["messages"][0]["text"],
              "You tried to remove a WebAuthn credential which does not exist.");
    Outcome removed =
        w.SubmitSettings(w.NewSettingsFlow(), {{"webauthn_remove", HexId(w.authenticator.credential_id)}});
    ASSERT_TRUE(std::holds_alternative<Completed>(removed));
    EXPECT_EQ(w.identity_repo.rows.at(w.who.id).FindCredential("webauthn"), nullptr)
        << "the last key takes the credential";

    // A passwordless key is this identity's only first factor: its button is disabled and removing
    // it is refused.
    w.cfg.selfservice.methods.webauthn.passwordless = true;
    ASSERT_TRUE(std::holds_alternative<Completed>(w.RegisterKey(w.NewSettingsFlow(), "Passkey")));
    EXPECT_TRUE(w.Keys().at(0).is_passwordless);
    const SettingsFlow f = w.NewSettingsFlow();
    EXPECT_EQ((*NodeNamed(FlowJson(w, f), "webauthn_remove"))["attributes"]["disabled"], true);
    Outcome locked = w.SubmitSettings(f, {{"webauthn_remove", HexId(w.authenticator.credential_id)}});
    ASSERT_TRUE(std::holds_alternative<ShowFlow>(locked));
    EXPECT_EQ((*NodeNamed(std::get<ShowFlow>(locked).flow.Dom(), "webauthn_remove"))["messages"][0]["text"],
              "unable to remove this security key because it would lock you out of your account");
    EXPECT_EQ(w.Keys().size(), 1u);
}

TEST(WebAuthnLogin, Aal2BrowserFlowVerifiesTheAssertionAndMovesTheCounter) {
    World w;
    ASSERT_TRUE(std::holds_alternative<Completed>(w.RegisterKey(w.NewSettingsFlow())));
    const session::Session aal1 = w.SignInAgain();
    RequestContext ctx = w.Ctx();
    ctx.url = "https://auth.example.com/self-service/login/browser?aal=aal2";
    Outcome init = w.login->Init(FlowType::kBrowser, ctx);
    ASSERT_TRUE(std::holds_alternative<ShowFlow>(init)) << "outcome " << init.index();
    const json flow = std::get<ShowFlow>(init).flow.Dom();
    ASSERT_NE(NodeNamed(flow, "webauthn_script"), nullptr);
    const json* trigger = NodeNamed(flow, "webauthn_login_trigger");
    ASSERT_NE(trigger, nullptr);
    EXPECT_EQ(trigger->at("meta")["label"]["id"], 1010008);
    const json options = json::parse(trigger->at("attributes")["value"].get<std::string>());
    EXPECT_EQ(options["publicKey"]["allowCredentials"][0]["id"], core::Base64UrlEncode(w.authenticator.credential_id));
    const std::string id = std::get<ShowFlow>(init).id.ToString();
    const auto stored_flow = w.login_flows.At(std::get<ShowFlow>(init).id);
    const auto ceremony = CeremonyOf(stored_flow.internal_context);
    ASSERT_TRUE(ceremony);
    const std::string csrf = stored_flow.ui.Find("csrf_token")->Input()->value.get<std::string>();

    soft::ClientDataSpec get{.type = "webauthn.get", .challenge = ceremony->challenge};
    // A key the identity does not have.
    EvpPkeyPtr other_key = soft::NewP256();
    soft::Authenticator other{.key = other_key.get(), .alg = kCoseEs256, .credential_id = "someone-else"};
    Outcome foreign = w.login->Submit(
        ctx, id,
        json{{"method", "webauthn"}, {"csrf_token", csrf}, {"webauthn_login", soft::AssertionJson(other, get)}});
    ASSERT_TRUE(std::holds_alternative<ShowFlow>(foreign));
    EXPECT_EQ(std::get<ShowFlow>(foreign).flow.Dom()["ui"]["messages"][0]["id"],
              text::kErrorValidationSuchNoWebAuthnUser);

    w.authenticator.sign_count = 7;
    const std::string fresh_csrf =
        w.login_flows.At(std::get<ShowFlow>(init).id).ui.Find("csrf_token")->Input()->value.get<std::string>();
    Outcome done = w.login->Submit(ctx, id,
                                   json{{"method", "webauthn"},
                                        {"csrf_token", fresh_csrf},
                                        {"webauthn_login", soft::AssertionJson(w.authenticator, get)}});
    ASSERT_TRUE(std::holds_alternative<Completed>(done)) << "outcome " << done.index();
    const json session = std::get<Completed>(done).body.Dom()["session"];
    EXPECT_EQ(session["id"], aal1.id.ToString());
    EXPECT_EQ(session["authenticator_assurance_level"], "aal2");
    EXPECT_EQ(w.Keys().at(0).sign_count, 7u);
}

}  // namespace
}  // namespace bia::strategy::webauthn
