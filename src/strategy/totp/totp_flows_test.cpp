// TOTP end to end below HTTP: enrolment, confirmation and unlinking through SettingsService, and
// the aal2 login through LoginService, on in-memory stores with a fake clock.
#include <gtest/gtest.h>

#include "core/encoding.hpp"
#include "selfservice/login/login_service.hpp"
#include "selfservice/settings/settings_service.hpp"
#include "session/session_service.hpp"
#include "strategy/totp/totp.hpp"
#include "strategy/totp/totp_login.hpp"
#include "strategy/totp/totp_module.hpp"
#include "strategy/totp/totp_settings.hpp"
#include "testing/method_flow_world.hpp"

namespace bia::strategy::totp {
namespace {

using nlohmann::json;
using selfservice::Completed;
using selfservice::FlowType;
using selfservice::Outcome;
using selfservice::RequestContext;
using selfservice::ShowFlow;
using selfservice::settings::SettingsFlow;
using namespace std::chrono_literals;

constexpr const char* kSchema = R"({"$schema":"http://json-schema.org/draft-07/schema#","type":"object",
  "properties":{"traits":{"type":"object","properties":{"email":{"type":"string","format":"email",
  "ory.sh/kratos":{"credentials":{"password":{"identifier":true},"totp":{"account_name":true}}}}}}}})";

struct World : bia::testing::MethodFlowWorld {
    World() : MethodFlowWorld(kSchema, 11) {
        cfg.selfservice.methods.totp.enabled = true;
        aal_rules.Add("totp", &Factors);
        Wire({&totp_settings}, {&totp_login});
    }
    std::string SecretOf(const SettingsFlow& f) {
        return SecretOfKeyUrl(f.internal_context["totp"]["url"].get<std::string>()).value_or("");
    }
    int64_t Now() const {
        return std::chrono::duration_cast<std::chrono::seconds>(clock.Now().time_since_epoch()).count();
    }

    TotpSettings totp_settings{cfg, *schemas, clock, random};
    TotpLogin totp_login{cfg, clock, random};
};

const ui::Node* NodeOf(const SettingsFlow& f, std::string_view id) {
    for (const auto& n : f.ui.nodes) {
        if (n.group == ui::kGroupTotp && n.Id() == id) return &n;
    }
    return nullptr;
}

TEST(TotpSettings, NewFlowShowsAFreshSecretAsQrCodeAndText) {
    World w;
    SettingsFlow f = w.NewSettingsFlow();
    const std::string url = f.internal_context["totp"]["url"];
    EXPECT_EQ(url.rfind("otpauth://totp/auth.example.com:alice@example.com?algorithm=SHA1&digits=6&issuer="
                        "auth.example.com&period=30&secret=",
                        0),
              0u)
        << url << " (issuer: the public host; account: the trait marked account_name)";
    const std::string secret = w.SecretOf(f);
    EXPECT_EQ(secret.size(), kSecretBytes);
    const ui::Node* qr = NodeOf(f, kQrNode);
    ASSERT_NE(qr, nullptr);
    EXPECT_EQ(std::get<ui::ImageAttributes>(qr->attributes).src, QrPngDataUrl(url));
    EXPECT_EQ(std::get<ui::ImageAttributes>(qr->attributes).width, 256);
    EXPECT_EQ(qr->meta.label->id, text::kInfoSettingsTotpQrCode);
    const ui::Node* text = NodeOf(f, kSecretNode);
    ASSERT_NE(text, nullptr);
    EXPECT_EQ(std::get<ui::TextAttributes>(text->attributes).text.text, Base32Encode(secret));
    EXPECT_EQ(std::get<ui::TextAttributes>(text->attributes).text.context->at("secret"), Base32Encode(secret));
    ASSERT_NE(NodeOf(f, kCodeField), nullptr);
    EXPECT_TRUE(NodeOf(f, kCodeField)->Input()->required);
    EXPECT_EQ(NodeOf(f, "method")->Input()->value, "totp");
    EXPECT_EQ(NodeOf(f, kUnlinkField), nullptr);
    EXPECT_NE(w.SecretOf(w.NewSettingsFlow()), secret) << "a new secret per flow";
    // The JSON a client fetches never shows the pending key URL.
    EXPECT_EQ(f.ToJson(w.who, w.cfg.PublicBaseUrl()).dump().find("otpauth://"), std::string::npos);
}

TEST(TotpSettings, ConfirmingWithAValidCodeStoresTheCredentialAndRaisesTheSessionToAal2) {
    World w;
    SettingsFlow f = w.NewSettingsFlow();
    const std::string secret = w.SecretOf(f);

    Outcome missing = w.SubmitSettings(f, {{"method", "totp"}});
    ASSERT_TRUE(std::holds_alternative<ShowFlow>(missing));
    EXPECT_EQ(std::get<ShowFlow>(missing).flow.Dom()["ui"]["nodes"].dump().find("4000002") != std::string::npos, true);

    Outcome wrong = w.SubmitSettings(f, {{"method", "totp"}, {"totp_code", TotpCode(secret, w.Now() - 90)}});
    ASSERT_TRUE(std::holds_alternative<ShowFlow>(wrong));
    EXPECT_NE(std::get<ShowFlow>(wrong).flow.Dom().dump().find(std::to_string(text::kErrorValidationTotpVerifierWrong)),
              std::string::npos);
    EXPECT_FALSE(w.identity_repo.rows.at(w.who.id).FindCredential("totp"));

    Outcome done = w.SubmitSettings(f, {{"method", "totp"}, {"totp_code", TotpCode(secret, w.Now() - 30)}});
    ASSERT_TRUE(std::holds_alternative<Completed>(done)) << "outcome " << done.index();
    EXPECT_EQ(std::get<Completed>(done).body.Dom()["state"], "success");
    const identity::Credential* c = w.identity_repo.rows.at(w.who.id).FindCredential("totp");
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->identifiers, std::vector<std::string>{w.who.id.ToString()});
    EXPECT_EQ(SecretOfKeyUrl(c->config["totp_url"].get<std::string>()), secret);
    const auto s = w.sessions.ResolveToken(w.token);
    ASSERT_TRUE(s);
    ASSERT_EQ(s->methods.size(), 2u);
    EXPECT_EQ(s->methods[1].method, "totp");
    EXPECT_EQ(s->methods[1].aal, "aal2");
    EXPECT_EQ(session::ComputeAal(s->methods), "aal2");
    // The success flow now offers the unlink button instead of a new secret.
    const SettingsFlow after = w.settings_flows.At(f.id);
    EXPECT_NE(NodeOf(after, kUnlinkField), nullptr);
    EXPECT_EQ(NodeOf(after, kQrNode), nullptr);
}

TEST(TotpSettings, ChangesNeedAPrivilegedSessionAndUnlinkRemovesTheCredential) {
    World w;
    SettingsFlow f = w.NewSettingsFlow();
    const std::string secret = w.SecretOf(f);
    ASSERT_TRUE(std::holds_alternative<Completed>(
        w.SubmitSettings(f, {{"method", "totp"}, {"totp_code", TotpCode(secret, w.Now())}})));

    w.clock.Advance(10min);  // no longer privileged
    SettingsFlow g = w.NewSettingsFlow();
    Outcome refused = w.SubmitSettings(g, {{"method", "totp"}, {"totp_unlink", true}});
    ASSERT_TRUE(std::holds_alternative<selfservice::ErrorOrRedirect>(refused));
    EXPECT_EQ(std::get<selfservice::ErrorOrRedirect>(refused).error.id, "session_refresh_required");
    EXPECT_NE(w.identity_repo.rows.at(w.who.id).FindCredential("totp"), nullptr);

    auto s = w.sessions.ResolveToken(w.token);
    ASSERT_TRUE(s);
    s->authenticated_at = w.clock.Now();
    ASSERT_TRUE(w.session_repo.Update(*s));
    // The unlink button posts its own name only, without `method`.
    Outcome unlinked = w.SubmitSettings(g, {{"totp_unlink", "true"}});
    ASSERT_TRUE(std::holds_alternative<Completed>(unlinked)) << "outcome " << unlinked.index();
    EXPECT_EQ(w.identity_repo.rows.at(w.who.id).FindCredential("totp"), nullptr);
}

TEST(TotpSettings, AFlowWithoutAPendingSecretAnswersOnTheFlowNotWithA500) {
    World w;
    w.cfg.selfservice.methods.totp.enabled = false;
    SettingsFlow f = w.NewSettingsFlow();  // created while TOTP was off: no secret on it
    w.cfg.selfservice.methods.totp.enabled = true;
    Outcome out = w.SubmitSettings(f, {{"method", "totp"}, {"totp_code", "123456"}});
    ASSERT_TRUE(std::holds_alternative<ShowFlow>(out)) << "outcome " << out.index();
    EXPECT_EQ(std::get<ShowFlow>(out).flow.Dom()["ui"]["messages"][0]["text"],
              "This flow holds no authenticator secret to confirm. Please start a new flow.");
}

TEST(TotpLogin, Aal2FlowAsksForTheCodeAndAValidOneUpgradesTheSameSession) {
    World w;
    SettingsFlow f = w.NewSettingsFlow();
    const std::string secret = w.SecretOf(f);
    ASSERT_TRUE(std::holds_alternative<Completed>(
        w.SubmitSettings(f, {{"method", "totp"}, {"totp_code", TotpCode(secret, w.Now())}})));
    // A new aal1 session for the same identity (as after a password login).
    const session::Session s = w.SignInAgain();

    RequestContext ctx = w.Ctx();
    ctx.url = "https://auth.example.com/self-service/login/api?aal=aal2";
    Outcome init = w.login->Init(FlowType::kApi, ctx);
    ASSERT_TRUE(std::holds_alternative<ShowFlow>(init)) << "outcome " << init.index();
    const auto& shown = std::get<ShowFlow>(init);
    const std::string nodes = shown.flow.Dom()["ui"]["nodes"].dump();
    EXPECT_NE(nodes.find("\"totp_code\""), std::string::npos);
    EXPECT_NE(nodes.find(std::to_string(text::kInfoLoginTotp)), std::string::npos);

    Outcome wrong = w.login->Submit(ctx, shown.id.ToString(),
                                    json{{"method", "totp"}, {"totp_code", TotpCode(secret, w.Now() + 120)}});
    ASSERT_TRUE(std::holds_alternative<ShowFlow>(wrong));
    ASSERT_EQ(std::get<ShowFlow>(wrong).flow.Dom()["ui"]["messages"].size(), 1u) << "on the flow, as Kratos's \"#/\"";
    EXPECT_EQ(std::get<ShowFlow>(wrong).flow.Dom()["ui"]["messages"][0]["id"], text::kErrorValidationTotpVerifierWrong);

    Outcome done =
        w.login->Submit(ctx, shown.id.ToString(), json{{"method", "totp"}, {"totp_code", TotpCode(secret, w.Now())}});
    ASSERT_TRUE(std::holds_alternative<Completed>(done)) << "outcome " << done.index();
    const json session = std::get<Completed>(done).body.Dom()["session"];
    EXPECT_EQ(session["id"], s.id.ToString()) << "the same session is upgraded";
    EXPECT_EQ(session["authenticator_assurance_level"], "aal2");
    EXPECT_EQ(session["authentication_methods"][1]["method"], "totp");
}

TEST(TotpLogin, NoCodeFormWithoutACredentialOrOutsideAal2) {
    World w;
    RequestContext ctx = w.Ctx();
    ctx.url = "https://auth.example.com/self-service/login/api?aal=aal2";
    Outcome init = w.login->Init(FlowType::kApi, ctx);
    ASSERT_TRUE(std::holds_alternative<ShowFlow>(init));
    EXPECT_EQ(std::get<ShowFlow>(init).flow.Dom()["ui"]["nodes"].dump().find("totp_code"), std::string::npos);
    Outcome none =
        w.login->Submit(ctx, std::get<ShowFlow>(init).id.ToString(), json{{"method", "totp"}, {"totp_code", "123456"}});
    ASSERT_TRUE(std::holds_alternative<ShowFlow>(none));
    EXPECT_NE(std::get<ShowFlow>(none).flow.Dom().dump().find(std::to_string(text::kErrorValidationNoTotpDevice)),
              std::string::npos);
}

}  // namespace
}  // namespace bia::strategy::totp
