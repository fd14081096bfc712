// The link method in the verification and recovery flows, over in-memory stores and a recording
// mailer (surrounding-api.md §9–10).
#include <gtest/gtest.h>

#include "strategy/address_strategies.hpp"
#include "strategy/link/link_module.hpp"
#include "testing/address_flow_world.hpp"

namespace bia::strategy::link {
namespace {

using nlohmann::json;
using selfservice::Completed;
using selfservice::FlowType;
using selfservice::Outcome;
using selfservice::ShowFlow;
using testing::AddressFlowWorld;

struct LinkWorld : AddressFlowWorld {
    LinkWorld()
        : AddressFlowWorld(43),
          v(AddressChallenge(VerificationSpec(cfg), cfg, identity_repo, secrets, mailer, clock, random)),
          r(AddressChallenge(RecoverySpec(cfg), cfg, identity_repo, secrets, mailer, clock, random), kSessionMethod,
            clock) {
        cfg.selfservice.flows.verification.use = "link";
        cfg.selfservice.flows.recovery.use = "link";
        WireAddressFlows({&v}, {&r});
    }
    // Sends a link for alice and returns the query of the link in the mail.
    core::Query SendLink(bool recovery_flow) {
        auto url =
            recovery_flow
                ? "https://auth.example.com/self-service/recovery/browser?return_to=https://app.example.com/after"
                : "https://auth.example.com/self-service/verification/browser";
        auto ctx = Anonymous(url);
        core::Uuid id;
        json body = {{"method", "link"}, {"email", "alice@example.com"}};
        if (recovery_flow) {
            id = ShownId(recovery->Init(browser ? FlowType::kBrowser : FlowType::kApi, ctx));
            recovery->Submit(ctx, id.ToString(), core::Result<json>(Body(recovery_flows.At(id), body)));
        } else {
            id = ShownId(verification->Init(browser ? FlowType::kBrowser : FlowType::kApi, ctx));
            verification->Submit(ctx, id.ToString(), core::Result<json>(Body(verification_flows.At(id), body)));
        }
        EXPECT_FALSE(mailer.sent.empty());
        const std::string link = mailer.sent.back().model[recovery_flow ? "RecoveryURL" : "VerificationURL"];
        return core::Url::Parse(link).value().query();
    }
    ChallengeVerification v;
    ChallengeRecovery r;
};

TEST(LinkVerification, TheLinkVerifiesOnceAndRedirectsWithTheFlow) {
    LinkWorld w;
    w.browser = true;
    core::Query q = w.SendLink(false);
    ASSERT_EQ(w.mailer.sent[0].type, courier::Template::kVerificationValid);
    const std::string flow_id(q.Get("flow").value());
    const std::string token(q.Get("token").value());
    EXPECT_EQ(token.size(), 32u);
    auto f = w.verification_flows.At(*core::Uuid::Parse(flow_id));
    EXPECT_EQ(f.state, "sent_email");
    EXPECT_EQ(f.ui.messages.at(0).id, 1080001);
    EXPECT_EQ(f.ui.Find("email")->Input()->value, "alice@example.com");

    // Opened in another browser: no CSRF cookie, no session.
    w.browser = false;
    Outcome out =
        w.verification->SubmitLink(w.Anonymous("https://auth.example.com/self-service/verification"), flow_id, q);
    ASSERT_TRUE(std::holds_alternative<Completed>(out));
    EXPECT_EQ(std::get<Completed>(out).redirect_to, "https://auth.example.com/?flow=" + flow_id);
    EXPECT_TRUE(w.identity_repo.rows.at(w.who.id).verifiable_addresses[0].verified);

    // The same link again, on a new flow: invalid or used.
    auto g = w.verification_flows.At(
        AddressFlowWorld::ShownId(w.verification->Init(FlowType::kApi, w.Anonymous("https://auth.example.com/x"))));
    Outcome again = w.verification->SubmitLink(w.Anonymous("https://auth.example.com/x"), g.id.ToString(), q);
    ASSERT_TRUE(std::holds_alternative<ShowFlow>(again));
    EXPECT_EQ(w.verification_flows.At(g.id).ui.messages.at(0).id, 4070001);
}

TEST(LinkVerification, ExpiredLinksAreRefused) {
    LinkWorld w;
    core::Query q = w.SendLink(false);
    w.cfg.selfservice.flows.verification.lifespan = std::chrono::hours(5);
    auto g = w.verification_flows.At(
        AddressFlowWorld::ShownId(w.verification->Init(FlowType::kApi, w.Anonymous("https://auth.example.com/x"))));
    w.clock.Advance(std::chrono::hours(2));  // past the link's lifespan (1h), not the new flow's
    Outcome out = w.verification->SubmitLink(w.Anonymous("https://auth.example.com/x"), g.id.ToString(), q);
    ASSERT_TRUE(std::holds_alternative<ShowFlow>(out));
    EXPECT_EQ(w.verification_flows.At(g.id).ui.messages.at(0).id, 4070001);
    EXPECT_FALSE(w.identity_repo.rows.at(w.who.id).verifiable_addresses[0].verified);
}

TEST(LinkRecovery, TheLinkSignsTheBrowserInAndSendsItToSettings) {
    LinkWorld w;
    w.browser = true;
    core::Query q = w.SendLink(true);
    ASSERT_EQ(w.mailer.sent[0].type, courier::Template::kRecoveryValid);
    const std::string flow_id(q.Get("flow").value());
    Outcome out = w.recovery->SubmitLink(w.Anonymous("https://auth.example.com/self-service/recovery"), flow_id, q);
    ASSERT_TRUE(std::holds_alternative<Completed>(out));
    const auto& done = std::get<Completed>(out);
    ASSERT_TRUE(done.issue_session.has_value());
    EXPECT_EQ(done.issue_session->methods.at(0).method, "link_recovery");
    EXPECT_EQ(done.issue_session->methods.at(0).aal, "aal1");
    ASSERT_EQ(done.redirect_to.rfind("https://app.example.com/settings?flow=", 0), 0u);
    const auto settings_id = core::Uuid::Parse(done.redirect_to.substr(done.redirect_to.find("flow=") + 5));
    const auto sf = w.settings_flows.At(*settings_id);
    EXPECT_EQ(sf.identity_id, w.who.id);
    EXPECT_EQ(sf.ui.messages.at(0).id, 1060001);
    EXPECT_NE(sf.request_url.find("return_to=https%3A%2F%2Fapp.example.com%2Fafter"), std::string::npos);
    // Used up.
    Outcome again = w.recovery->SubmitLink(w.Anonymous("https://auth.example.com/self-service/recovery"), flow_id, q);
    ASSERT_TRUE(std::holds_alternative<ShowFlow>(again));
}

TEST(LinkRecovery, RevokeActiveSessionsHookEndsTheOtherSessions) {
    LinkWorld w;
    config::Hook revoke;
    revoke.name = "revoke_active_sessions";
    w.cfg.selfservice.flows.recovery.after.hooks.push_back(revoke);
    w.browser = true;
    core::Query q = w.SendLink(true);
    Outcome out = w.recovery->SubmitLink(w.Anonymous("https://auth.example.com/self-service/recovery"),
                                         std::string(q.Get("flow").value()), q);
    ASSERT_TRUE(std::holds_alternative<Completed>(out));
    EXPECT_FALSE(w.sessions.ResolveToken(w.token));  // the session from before the recovery
}

TEST(LinkRecovery, AdminLinksNeedAnExistingIdentityAndAnEnabledMethod) {
    LinkWorld w;
    selfservice::recovery::AdminRecoveryRequest req;
    req.identity_id = w.who.id;
    req.expires_in = std::chrono::minutes(10);
    auto made = w.recovery->CreateForAdmin("link", req);
    ASSERT_TRUE(made) << made.error().reason;
    EXPECT_FALSE(made->contains("recovery_code"));
    const core::Query q = core::Url::Parse((*made)["recovery_link"].get<std::string>()).value().query();
    Outcome out = w.recovery->SubmitLink(w.Anonymous("https://auth.example.com/self-service/recovery"),
                                         std::string(q.Get("flow").value()), q);
    EXPECT_TRUE(std::holds_alternative<Completed>(out));

    w.cfg.selfservice.methods.link.enabled = false;
    EXPECT_EQ(w.recovery->CreateForAdmin("link", req).error().code, 400);
}

}  // namespace
}  // namespace bia::strategy::link
