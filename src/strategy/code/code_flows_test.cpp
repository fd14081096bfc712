// The code method in the verification and recovery flows, over in-memory stores and a recording
// mailer (surrounding-api.md §9–10).
#include <gtest/gtest.h>

#include "strategy/address_strategies.hpp"
#include "strategy/code/code_module.hpp"
#include "testing/address_flow_world.hpp"

namespace bia::strategy::code {
namespace {

using nlohmann::json;
using selfservice::Completed;
using selfservice::FlowType;
using selfservice::Outcome;
using selfservice::ShowFlow;
using testing::AddressFlowWorld;

std::vector<int> MessageIds(const ui::Container& ui) {
    std::vector<int> ids;
    for (const auto& m : ui.messages) ids.push_back(m.id);
    return ids;
}

struct CodeWorld : AddressFlowWorld {
    CodeWorld()
        : AddressFlowWorld(41),
          v(AddressChallenge(VerificationSpec(cfg), cfg, identity_repo, secrets, mailer, clock, random)),
          r(AddressChallenge(RecoverySpec(cfg), cfg, identity_repo, secrets, mailer, clock, random), kSessionMethod,
            clock) {
        WireAddressFlows({&v}, {&r});
    }
    selfservice::verification::VerificationFlow NewVerification() {
        auto id = ShownId(verification->Init(type(), Anonymous("https://auth.example.com/self-service/verification")));
        return verification_flows.At(id);
    }
    selfservice::recovery::RecoveryFlow NewRecovery() {
        auto id = ShownId(recovery->Init(type(), Anonymous("https://auth.example.com/self-service/recovery")));
        return recovery_flows.At(id);
    }
    FlowType type() const { return browser ? FlowType::kBrowser : FlowType::kApi; }
    Outcome Verify(const selfservice::verification::VerificationFlow& f, json fields) {
        return verification->Submit(Anonymous("https://auth.example.com/self-service/verification"), f.id.ToString(),
                                    core::Result<json>(Body(f, std::move(fields))));
    }
    Outcome Recover(const selfservice::recovery::RecoveryFlow& f, json fields) {
        return recovery->Submit(Anonymous("https://auth.example.com/self-service/recovery"), f.id.ToString(),
                                core::Result<json>(Body(f, std::move(fields))));
    }
    ChallengeVerification v;
    ChallengeRecovery r;
};

TEST(CodeVerification, SendsACodeAndTheRightCodeVerifiesTheAddress) {
    CodeWorld w;
    auto f = w.NewVerification();
    ASSERT_NE(f.ui.Find("email"), nullptr);
    EXPECT_EQ(f.ui.Find("email")->group, "code");
    EXPECT_EQ(f.state, "choose_method");

    Outcome sent = w.Verify(f, {{"method", "code"}, {"email", "Alice@Example.com "}});
    ASSERT_TRUE(std::holds_alternative<ShowFlow>(sent));
    f = w.verification_flows.At(f.id);
    EXPECT_EQ(f.state, "sent_email");
    EXPECT_EQ(f.active, "code");
    EXPECT_EQ(MessageIds(f.ui), std::vector<int>{1080003});
    ASSERT_NE(f.ui.Find("code"), nullptr);
    ASSERT_EQ(w.mailer.sent.size(), 1u);
    const auto& mail = w.mailer.sent[0];
    EXPECT_EQ(mail.type, courier::Template::kVerificationCodeValid);
    EXPECT_EQ(mail.recipient, "alice@example.com");
    const std::string code = mail.model["VerificationCode"];
    EXPECT_EQ(code.size(), 6u);
    EXPECT_NE(mail.model["VerificationURL"].get<std::string>().find("code=" + code), std::string::npos);
    EXPECT_EQ(mail.model["Identity"]["id"], w.who.id.ToString());
    // Only an HMAC of the code is stored.
    ASSERT_EQ(w.secrets.rows.size(), 1u);
    EXPECT_EQ(w.secrets.rows[0].digest.find(code), std::string::npos);

    Outcome wrong = w.Verify(f, {{"method", "code"}, {"code", code == "000000" ? "111111" : "000000"}});
    ASSERT_TRUE(std::holds_alternative<ShowFlow>(wrong));
    EXPECT_EQ(std::get<ShowFlow>(wrong).kind, ShowFlow::Kind::kRejected);
    EXPECT_EQ(MessageIds(w.verification_flows.At(f.id).ui), std::vector<int>{4070006});
    EXPECT_FALSE(w.identity_repo.rows.at(w.who.id).verifiable_addresses[0].verified);

    Outcome ok = w.Verify(w.verification_flows.At(f.id), {{"method", "code"}, {"code", code}});
    ASSERT_TRUE(std::holds_alternative<ShowFlow>(ok));
    EXPECT_EQ(std::get<ShowFlow>(ok).kind, ShowFlow::Kind::kUpdated);
    f = w.verification_flows.At(f.id);
    EXPECT_EQ(f.state, "passed_challenge");
    EXPECT_EQ(MessageIds(f.ui), std::vector<int>{1080002});
    ASSERT_NE(f.ui.Find("continue"), nullptr);
    const auto& addr = w.identity_repo.rows.at(w.who.id).verifiable_addresses[0];
    EXPECT_TRUE(addr.verified);
    EXPECT_EQ(addr.status, "completed");
    ASSERT_TRUE(addr.verified_at.has_value());

    // A finished flow cannot be answered again.
    Outcome again = w.Verify(f, {{"method", "code"}, {"code", code}});
    EXPECT_EQ(MessageIds(w.verification_flows.At(f.id).ui), std::vector<int>{4070002});
    (void)again;
}

TEST(CodeVerification, UnknownAddressesLookTheSameAndGetMailOnlyWhenConfigured) {
    CodeWorld w;
    auto f = w.NewVerification();
    w.Verify(f, {{"method", "code"}, {"email", "nobody@example.com"}});
    EXPECT_EQ(w.verification_flows.At(f.id).state, "sent_email");
    EXPECT_EQ(MessageIds(w.verification_flows.At(f.id).ui), std::vector<int>{1080003});
    EXPECT_TRUE(w.mailer.sent.empty());
    EXPECT_TRUE(w.secrets.rows.empty());

    w.cfg.selfservice.flows.verification.notify_unknown_recipients = true;
    auto g = w.NewVerification();
    w.Verify(g, {{"method", "code"}, {"email", "nobody@example.com"}});
    ASSERT_EQ(w.mailer.sent.size(), 1u);
    EXPECT_EQ(w.mailer.sent[0].type, courier::Template::kVerificationCodeInvalid);
    EXPECT_FALSE(w.mailer.sent[0].model.contains("VerificationCode"));
}

TEST(CodeVerification, BadAddressesAreShownOnTheEmailNode) {
    CodeWorld w;
    auto f = w.NewVerification();
    w.Verify(f, {{"method", "code"}});
    EXPECT_EQ(w.verification_flows.At(f.id).ui.Find("email")->messages.at(0).id, 4000002);
    w.Verify(f, {{"method", "code"}, {"email", "not-an-address"}});
    EXPECT_EQ(w.verification_flows.At(f.id).ui.Find("email")->messages.at(0).id, 4000004);
    w.Verify(f, {{"method", "code"}, {"email", std::string(400, 'a') + "@example.com"}});
    EXPECT_EQ(w.verification_flows.At(f.id).ui.Find("email")->messages.at(0).id, 4000017);
    EXPECT_TRUE(w.mailer.sent.empty());
}

TEST(CodeVerification, GuessesAreBoundedPerFlow) {
    CodeWorld w;
    auto f = w.NewVerification();
    w.Verify(f, {{"method", "code"}, {"email", "alice@example.com"}});
    const std::string code = w.mailer.sent.at(0).model["VerificationCode"];
    const std::string wrong = code == "123456" ? "654321" : "123456";
    for (int i = 0; i < 5; ++i) w.Verify(w.verification_flows.At(f.id), {{"method", "code"}, {"code", wrong}});
    w.Verify(w.verification_flows.At(f.id), {{"method", "code"}, {"code", code}});
    f = w.verification_flows.At(f.id);
    EXPECT_NE(f.state, "passed_challenge");
    EXPECT_EQ(MessageIds(f.ui), std::vector<int>{4000001});
    EXPECT_FALSE(w.identity_repo.rows.at(w.who.id).verifiable_addresses[0].verified);
}

TEST(CodeVerification, ANewCodeReplacesTheOldOne) {
    CodeWorld w;
    auto f = w.NewVerification();
    w.Verify(f, {{"method", "code"}, {"email", "alice@example.com"}});
    const std::string first = w.mailer.sent.at(0).model["VerificationCode"];
    w.Verify(w.verification_flows.At(f.id), {{"method", "code"}, {"email", "alice@example.com"}});
    const std::string second = w.mailer.sent.at(1).model["VerificationCode"];
    if (first != second) {
        w.Verify(w.verification_flows.At(f.id), {{"method", "code"}, {"code", first}});
        EXPECT_EQ(MessageIds(w.verification_flows.At(f.id).ui), std::vector<int>{4070006});
    }
    w.Verify(w.verification_flows.At(f.id), {{"method", "code"}, {"code", second}});
    EXPECT_EQ(w.verification_flows.At(f.id).state, "passed_challenge");
}

TEST(CodeVerification, TheLinkInTheMailVerifiesInAnyBrowser) {
    CodeWorld w;
    auto f = w.NewVerification();
    w.Verify(f, {{"method", "code"}, {"email", "alice@example.com"}});
    const std::string code = w.mailer.sent.at(0).model["VerificationCode"];
    core::Query q;
    q.Set("flow", f.id.ToString());
    q.Set("code", code);
    Outcome out = w.verification->SubmitLink(w.Anonymous("https://auth.example.com/self-service/verification"),
                                             f.id.ToString(), q);
    ASSERT_TRUE(std::holds_alternative<Completed>(out));
    EXPECT_EQ(std::get<Completed>(out).redirect_to, "https://auth.example.com/?flow=" + f.id.ToString());
    EXPECT_TRUE(w.identity_repo.rows.at(w.who.id).verifiable_addresses[0].verified);
}

TEST(CodeVerification, BrowserSubmissionsNeedTheCsrfToken) {
    CodeWorld w;
    w.browser = true;
    auto f = w.NewVerification();
    Outcome out = w.Verify(f, {{"method", "code"}, {"email", "alice@example.com"}, {"csrf_token", "forged"}});
    ASSERT_TRUE(std::holds_alternative<selfservice::Failed>(out));
    EXPECT_EQ(std::get<selfservice::Failed>(out).error.code, 403);
    EXPECT_TRUE(w.mailer.sent.empty());
}

TEST(CodeVerification, SendForPendingAddressStartsAFlowAndMarksTheAddressSent) {
    CodeWorld w;
    identity::Identity who = w.identity_repo.rows.at(w.who.id);
    auto started = w.verification->SendForPendingAddress(
        w.Anonymous("https://auth.example.com/self-service/registration"), FlowType::kApi, who);
    ASSERT_TRUE(started);
    ASSERT_TRUE(started->has_value());
    EXPECT_EQ((*started)->address, "alice@example.com");
    EXPECT_EQ((*started)->url, "https://app.example.com/verification?flow=" + (*started)->flow_id.ToString());
    EXPECT_EQ(w.identity_repo.rows.at(w.who.id).verifiable_addresses[0].status, "sent");
    EXPECT_EQ(w.verification_flows.At((*started)->flow_id).state, "sent_email");
    ASSERT_EQ(w.mailer.sent.size(), 1u);
    const json item = selfservice::ShowVerificationUi(**started);
    EXPECT_EQ(item["action"], "show_verification_ui");
    EXPECT_EQ(item["flow"]["verifiable_address"], "alice@example.com");
    // Nothing pending any more: nothing sent.
    who = w.identity_repo.rows.at(w.who.id);
    auto none = w.verification->SendForPendingAddress(w.Anonymous("x"), FlowType::kApi, who);
    ASSERT_TRUE(none);
    EXPECT_FALSE(none->has_value());
}

TEST(CodeRecovery, TheRightCodeSignsInAndOpensAPrivilegedSettingsFlow) {
    CodeWorld w;
    w.cfg.feature_flags = {{"use_continue_with_transitions", true}};
    auto f = w.NewRecovery();
    w.Recover(f, {{"method", "code"}, {"email", "alice@example.com"}});
    f = w.recovery_flows.At(f.id);
    EXPECT_EQ(MessageIds(f.ui), std::vector<int>{1060003});
    ASSERT_EQ(w.mailer.sent.size(), 1u);
    EXPECT_EQ(w.mailer.sent[0].type, courier::Template::kRecoveryCodeValid);
    const std::string code = w.mailer.sent[0].model["RecoveryCode"];

    Outcome out = w.Recover(f, {{"method", "code"}, {"code", code}});
    ASSERT_TRUE(std::holds_alternative<Completed>(out)) << out.index();
    const auto& done = std::get<Completed>(out);
    ASSERT_EQ(done.body.Dom()["continue_with"].size(), 2u);
    EXPECT_EQ(done.body.Dom()["continue_with"][0]["action"], "set_ory_session_token");
    const std::string token = done.body.Dom()["continue_with"][0]["ory_session_token"];
    EXPECT_EQ(done.body.Dom()["continue_with"][1]["action"], "show_settings_ui");
    auto s = w.sessions.ResolveToken(token);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->identity_id, w.who.id);
    EXPECT_EQ(s->methods.at(0).method, "code_recovery");
    const auto settings_id = core::Uuid::Parse(done.body.Dom()["continue_with"][1]["flow"]["id"].get<std::string>());
    ASSERT_TRUE(settings_id);
    EXPECT_EQ(MessageIds(w.settings_flows.At(*settings_id).ui), std::vector<int>{1060001});
    // Proving the address also verified it.
    EXPECT_TRUE(w.identity_repo.rows.at(w.who.id).verifiable_addresses[0].verified);
}

TEST(CodeRecovery, ApiClientsWithoutTransitionsGet422AndBrowsersASessionCookie) {
    CodeWorld w;
    auto f = w.NewRecovery();
    w.Recover(f, {{"method", "code"}, {"email", "alice@example.com"}});
    Outcome api =
        w.Recover(w.recovery_flows.At(f.id), {{"method", "code"}, {"code", w.mailer.sent.at(0).model["RecoveryCode"]}});
    ASSERT_TRUE(std::holds_alternative<selfservice::Failed>(api));
    EXPECT_EQ(std::get<selfservice::Failed>(api).error.code, 422);

    w.browser = true;
    auto g = w.NewRecovery();
    w.Recover(g, {{"method", "code"}, {"email", "alice@example.com"}});
    Outcome browser =
        w.Recover(w.recovery_flows.At(g.id), {{"method", "code"}, {"code", w.mailer.sent.at(1).model["RecoveryCode"]}});
    ASSERT_TRUE(std::holds_alternative<Completed>(browser));
    const auto& done = std::get<Completed>(browser);
    EXPECT_EQ(done.status, 422);
    EXPECT_EQ(done.body.Dom()["error"]["id"], "browser_location_change_required");
    ASSERT_TRUE(done.issue_session.has_value());
    EXPECT_EQ(done.redirect_to.rfind("https://app.example.com/settings?flow=", 0), 0u);
}

TEST(CodeRecovery, AdminCodesWorkOnTheirFlowWithoutACsrfCookie) {
    CodeWorld w;
    selfservice::recovery::AdminRecoveryRequest req;
    req.identity_id = w.who.id;
    auto made = w.recovery->CreateForAdmin("code", req);
    ASSERT_TRUE(made) << made.error().reason;
    const std::string code = (*made)["recovery_code"];
    const std::string link = (*made)["recovery_link"];
    EXPECT_TRUE(w.mailer.sent.empty());
    const auto flow_id = core::Uuid::Parse(link.substr(link.find("flow=") + 5));
    ASSERT_TRUE(flow_id);
    auto f = w.recovery_flows.At(*flow_id);
    EXPECT_EQ(f.type, FlowType::kBrowser);
    // A browser that never saw this flow's CSRF cookie submits the code.
    Outcome out = w.recovery->Submit(w.Anonymous("https://auth.example.com/self-service/recovery"), f.id.ToString(),
                                     core::Result<json>(json{{"method", "code"}, {"code", code}}));
    ASSERT_TRUE(std::holds_alternative<Completed>(out));
    EXPECT_TRUE(std::get<Completed>(out).issue_session.has_value());

    req.identity_id = core::Uuid::V4(w.random);
    EXPECT_EQ(w.recovery->CreateForAdmin("code", req).error().code, 404);
}

}  // namespace
}  // namespace bia::strategy::code
