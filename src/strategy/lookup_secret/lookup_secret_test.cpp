// Backup recovery codes below HTTP: the codes and their nodes, the settings actions of §8.4
// (regenerate → confirm, reveal, disable) through SettingsService, and spending a code in an aal2
// login through LoginService — on in-memory stores with a fake clock.
#include <gtest/gtest.h>

#include <set>

#include "core/encoding.hpp"
#include "core/time.hpp"
#include "selfservice/login/login_service.hpp"
#include "selfservice/settings/settings_service.hpp"
#include "session/session_service.hpp"
#include "strategy/lookup_secret/lookup_codes.hpp"
#include "strategy/lookup_secret/lookup_login.hpp"
#include "strategy/lookup_secret/lookup_module.hpp"
#include "strategy/lookup_secret/lookup_settings.hpp"
#include "testing/method_flow_world.hpp"

namespace bia::strategy::lookup_secret {
namespace {

using nlohmann::json;
using selfservice::Completed;
using selfservice::ErrorOrRedirect;
using selfservice::Failed;
using selfservice::FlowType;
using selfservice::Outcome;
using selfservice::RequestContext;
using selfservice::ShowFlow;
using selfservice::settings::SettingsFlow;
using namespace std::chrono_literals;

constexpr const char* kSchema = R"({"$schema":"http://json-schema.org/draft-07/schema#","type":"object",
  "properties":{"traits":{"type":"object","properties":{"email":{"type":"string","format":"email",
  "ory.sh/kratos":{"credentials":{"password":{"identifier":true}}}}}}}})";

TEST(LookupCodes, TwelveCodesOfEightLowercaseAlphanumerics) {
    core::SeededRandom random(3);
    const auto codes = NewCodes(random);
    ASSERT_EQ(codes.size(), 12u);
    std::set<std::string> distinct;
    for (const auto& c : codes) {
        EXPECT_EQ(c.code.size(), 8u);
        EXPECT_EQ(c.code.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789"), std::string::npos) << c.code;
        EXPECT_FALSE(c.used_at);
        distinct.insert(c.code);
    }
    EXPECT_EQ(distinct.size(), 12u);
}

TEST(LookupCodes, StoredShapeRoundTripsAndUnreadableTimesStayUsed) {
    std::vector<RecoveryCode> codes{{"0a1b2c3d", std::nullopt},
                                    {"x9y8z7w6", core::ParseRfc3339("2022-06-01T10:00:00Z")}};
    const json config = CodesConfig(codes);
    EXPECT_EQ(
        config.dump(),
        R"({"recovery_codes":[{"code":"0a1b2c3d","used_at":null},{"code":"x9y8z7w6","used_at":"2022-06-01T10:00:00Z"}]})");
    EXPECT_EQ(ParseCodes(config), codes);
    const auto odd =
        ParseCodes(json::parse(R"({"recovery_codes":[{"code":"aaaa1111","used_at":"yesterday"},7,{"code":3}]})"));
    ASSERT_TRUE(odd);
    ASSERT_EQ(odd->size(), 1u) << "entries without a string code are skipped";
    EXPECT_TRUE((*odd)[0].used_at) << "a used_at that does not parse still counts as used";
    EXPECT_FALSE(ParseCodes(json::object()));
    EXPECT_FALSE(ParseCodes(json::parse(R"({"recovery_codes":"none"})")));
}

TEST(LookupCodes, CodesTextShowsUsedCodesAsUsed) {
    const ui::Node n =
        CodesText({{"0a1b2c3d", std::nullopt}, {"x9y8z7w6", core::ParseRfc3339("2022-06-01T10:00:00Z")}});
    const json j = n.ToJson();
    EXPECT_EQ(j["attributes"]["id"], "lookup_secret_codes");
    EXPECT_EQ(j["group"], "lookup_secret");
    EXPECT_EQ(j["meta"]["label"]["id"], 1050010);
    const json& t = j["attributes"]["text"];
    EXPECT_EQ(t["id"], 1050015);
    EXPECT_EQ(t["text"], "0a1b2c3d, used");
    ASSERT_EQ(t["context"]["secrets"].size(), 2u);
    EXPECT_EQ(t["context"]["secrets"][0]["id"], 1050009);
    EXPECT_EQ(t["context"]["secrets"][0]["context"]["secret"], "0a1b2c3d");
    EXPECT_EQ(t["context"]["secrets"][1]["id"], 1050014);
    EXPECT_EQ(t["context"]["secrets"][1]["text"], "Secret was used at 2022-06-01 10:00:00 +0000 UTC");
    EXPECT_EQ(t["context"]["secrets"][1]["context"]["used_at"], "2022-06-01T10:00:00Z");
    EXPECT_EQ(t["context"]["secrets"][1]["context"]["used_at_unix"], 1654077600);
}

struct World : bia::testing::MethodFlowWorld {
    World() : MethodFlowWorld(kSchema, 17) {
        cfg.selfservice.methods.lookup_secret.enabled = true;
        aal_rules.Add("lookup_secret", &Factors);
        Wire({&lookup_settings}, {&lookup_login});
    }
    // Regenerates and confirms a set of codes in a new flow; returns them.
    std::vector<std::string> Enrol() {
        SettingsFlow f = NewSettingsFlow();
        Outcome shown = SubmitSettings(f, {{"lookup_secret_regenerate", true}});
        EXPECT_TRUE(std::holds_alternative<ShowFlow>(shown));
        std::vector<std::string> codes;
        const auto pending = CodesFromJson(settings_flows.At(f.id).internal_context["lookup_secret"]["regenerated"]);
        EXPECT_TRUE(pending);
        for (const auto& c : pending.value_or(std::vector<RecoveryCode>{})) codes.push_back(c.code);
        Outcome done = SubmitSettings(f, {{"lookup_secret_confirm", "true"}});
        EXPECT_TRUE(std::holds_alternative<Completed>(done)) << "outcome " << done.index();
        return codes;
    }
    std::vector<RecoveryCode> Stored() {
        const identity::Credential* c = identity_repo.rows.at(who.id).FindCredential("lookup_secret");
        if (c == nullptr) return {};
        return ParseCodes(c->config).value_or(std::vector<RecoveryCode>{});
    }

    LookupSettings lookup_settings{cfg, clock, random};
    LookupLogin lookup_login{cfg, identity_repo, clock, random};
};

std::vector<std::string> LookupNodeIds(const json& flow) {
    std::vector<std::string> ids;
    for (const auto& n : flow["ui"]["nodes"]) {
        if (n["group"] == "lookup_secret") {
            ids.push_back(n["attributes"].contains("name") ? n["attributes"]["name"].get<std::string>()
                                                           : n["attributes"]["id"].get<std::string>());
        }
    }
    return ids;
}

TEST(LookupSettings, RegenerateShowsCodesWithoutStoringThemAndConfirmStoresThemAndRaisesTheSession) {
    World w;
    SettingsFlow f = w.NewSettingsFlow();
    EXPECT_EQ(LookupNodeIds(f.ToJson(w.who, w.cfg.PublicBaseUrl())),
              std::vector<std::string>{"lookup_secret_regenerate"});

    Outcome confirm_first = w.SubmitSettings(f, {{"lookup_secret_confirm", true}});
    ASSERT_TRUE(std::holds_alternative<ShowFlow>(confirm_first));
    EXPECT_EQ(std::get<ShowFlow>(confirm_first).kind, ShowFlow::Kind::kRejected);
    EXPECT_EQ(std::get<ShowFlow>(confirm_first).flow.Dom()["ui"]["messages"][0]["text"],
              "You must (re-)generate recovery backup codes before you can save them.");

    // The `method` field is ignored: the button alone addresses the method (§5.2).
    Outcome shown = w.SubmitSettings(f, {{"method", "whatever"}, {"lookup_secret_regenerate", "true"}});
    ASSERT_TRUE(std::holds_alternative<ShowFlow>(shown)) << "outcome " << shown.index();
    EXPECT_EQ(std::get<ShowFlow>(shown).kind, ShowFlow::Kind::kUpdated) << "return to UI: 200 / 303";
    const json flow = std::get<ShowFlow>(shown).flow.Dom();
    EXPECT_EQ(flow["state"], "show_form");
    EXPECT_EQ(LookupNodeIds(flow), (std::vector<std::string>{"lookup_secret_codes", "lookup_secret_confirm"}));
    EXPECT_TRUE(w.Stored().empty()) << "nothing stored before confirmation";
    const auto pending = CodesFromJson(w.settings_flows.At(f.id).internal_context["lookup_secret"]["regenerated"]);
    ASSERT_TRUE(pending);
    ASSERT_EQ(pending->size(), 12u);
    EXPECT_NE(flow.dump().find((*pending)[0].code), std::string::npos) << "the codes are shown";

    Outcome done = w.SubmitSettings(f, {{"lookup_secret_confirm", true}});
    ASSERT_TRUE(std::holds_alternative<Completed>(done)) << "outcome " << done.index();
    EXPECT_EQ(std::get<Completed>(done).body.Dom()["state"], "success");
    EXPECT_EQ(w.Stored(), *pending);
    const identity::Credential* c = w.identity_repo.rows.at(w.who.id).FindCredential("lookup_secret");
    EXPECT_EQ(c->identifiers, std::vector<std::string>{w.who.id.ToString()});
    EXPECT_EQ(c->config["recovery_codes"][0]["used_at"], nullptr);
    const auto s = w.sessions.ResolveToken(w.token);
    ASSERT_TRUE(s);
    ASSERT_EQ(s->methods.size(), 2u);
    EXPECT_EQ(s->methods[1].method, "lookup_secret");
    EXPECT_EQ(session::ComputeAal(s->methods), "aal2");
    // The success UI offers reveal and disable, and the pending set is gone.
    EXPECT_EQ(LookupNodeIds(std::get<Completed>(done).body.Dom()),
              (std::vector<std::string>{"lookup_secret_reveal", "lookup_secret_disable"}));
    EXPECT_FALSE(w.settings_flows.At(f.id).internal_context["lookup_secret"].contains("regenerated"));
}

TEST(LookupSettings, RevealShowsTheStoredCodesAndChangesNothingElse) {
    World w;
    SettingsFlow none = w.NewSettingsFlow();
    Outcome nothing = w.SubmitSettings(none, {{"lookup_secret_reveal", true}});
    ASSERT_TRUE(std::holds_alternative<ShowFlow>(nothing));
    EXPECT_EQ(std::get<ShowFlow>(nothing).flow.Dom()["ui"]["messages"][0]["id"], 4000001);
    EXPECT_EQ(std::get<ShowFlow>(nothing).flow.Dom()["ui"]["messages"][0]["text"],
              "Can not reveal lookup codes because you have none.");

    const auto codes = w.Enrol();
    const auto before = w.identity_repo.rows.at(w.who.id).updated_at;
    w.clock.Advance(1min);
    SettingsFlow f = w.NewSettingsFlow();
    Outcome shown = w.SubmitSettings(f, {{"lookup_secret_reveal", true}, {"lookup_secret_regenerate", true}});
    ASSERT_TRUE(std::holds_alternative<ShowFlow>(shown));
    EXPECT_EQ(std::get<ShowFlow>(shown).kind, ShowFlow::Kind::kUpdated);
    const json flow = std::get<ShowFlow>(shown).flow.Dom();
    EXPECT_EQ(LookupNodeIds(flow),
              (std::vector<std::string>{"lookup_secret_codes", "lookup_secret_disable", "lookup_secret_regenerate"}))
        << "reveal wins over regenerate";
    for (const auto& c : codes) EXPECT_NE(flow.dump().find(c), std::string::npos) << c;
    EXPECT_EQ(w.settings_flows.At(f.id).internal_context["lookup_secret"]["revealed"], true);
    EXPECT_EQ(w.identity_repo.rows.at(w.who.id).updated_at, before) << "no identity change";
    // What the client got is what a fetch returns.
    const auto fetched = w.settings->Fetch(w.Ctx(), f.id.ToString());
    ASSERT_TRUE(fetched);
    EXPECT_EQ(flow, json::parse(*fetched));
}

TEST(LookupSettings, DisableRemovesTheCodesAndEveryActionNeedsAPrivilegedSession) {
    World w;
    w.Enrol();
    w.clock.Advance(10min);  // no longer privileged
    SettingsFlow f = w.NewSettingsFlow();
    for (const char* action : {"lookup_secret_reveal", "lookup_secret_disable", "lookup_secret_regenerate"}) {
        Outcome refused = w.SubmitSettings(f, {{action, true}});
        ASSERT_TRUE(std::holds_alternative<ErrorOrRedirect>(refused)) << action;
        EXPECT_EQ(std::get<ErrorOrRedirect>(refused).error.id, "session_refresh_required") << action;
    }
    EXPECT_EQ(w.Stored().size(), 12u);

    auto s = w.sessions.ResolveToken(w.token);
    ASSERT_TRUE(s);
    s->authenticated_at = w.clock.Now();
    ASSERT_TRUE(w.session_repo.Update(*s));
    Outcome done = w.SubmitSettings(f, {{"lookup_secret_disable", true}});
    ASSERT_TRUE(std::holds_alternative<Completed>(done)) << "outcome " << done.index();
    EXPECT_EQ(w.identity_repo.rows.at(w.who.id).FindCredential("lookup_secret"), nullptr);
    EXPECT_EQ(LookupNodeIds(std::get<Completed>(done).body.Dom()),
              std::vector<std::string>{"lookup_secret_regenerate"});
}

TEST(LookupSettings, AalFollowsTheCodesWithoutLockingAnyoneOut) {
    World w;
    w.cfg.selfservice.flows.settings.required_aal = config::RequiredAal::kHighestAvailable;
    w.Enrol();
    const std::string enrolled = w.token;
    // With codes stored, an aal1 session no longer reaches settings (highest_available)...
    const session::Session aal1 = w.SignInAgain();
    selfservice::ContinuityRefs refs;
    Outcome refused = w.settings->Init(FlowType::kApi, w.Ctx(), refs);
    ASSERT_TRUE(std::holds_alternative<Failed>(refused));
    EXPECT_EQ(std::get<Failed>(refused).error.id, "session_aal2_required");
    // ...the aal2 session disables them and keeps working, and the aal1 session is enough again.
    w.token = enrolled;
    ASSERT_TRUE(
        std::holds_alternative<Completed>(w.SubmitSettings(w.NewSettingsFlow(), {{"lookup_secret_disable", true}})));
    EXPECT_TRUE(std::holds_alternative<ShowFlow>(w.settings->Init(FlowType::kApi, w.Ctx(), refs)));
    w.token = aal1.token;
    EXPECT_TRUE(std::holds_alternative<ShowFlow>(w.settings->Init(FlowType::kApi, w.Ctx(), refs)));
}

TEST(LookupSettings, DisabledMethodAddsNothingAndRefusesItsButtons) {
    World w;
    w.cfg.selfservice.methods.lookup_secret.enabled = false;
    SettingsFlow f = w.NewSettingsFlow();
    EXPECT_TRUE(LookupNodeIds(f.ToJson(w.who, w.cfg.PublicBaseUrl())).empty());
    Outcome refused = w.SubmitSettings(f, {{"lookup_secret_regenerate", true}});
    ASSERT_TRUE(std::holds_alternative<Failed>(refused));
    EXPECT_EQ(std::get<Failed>(refused).error.code, 404);
}

TEST(LookupLogin, Aal2FlowSpendsACodeOnceAndUpgradesTheSameSession) {
    World w;
    const auto codes = w.Enrol();
    const session::Session s = w.SignInAgain();
    RequestContext ctx = w.Ctx();
    ctx.url = "https://auth.example.com/self-service/login/api?aal=aal2";

    Outcome init = w.login->Init(FlowType::kApi, ctx);
    ASSERT_TRUE(std::holds_alternative<ShowFlow>(init)) << "outcome " << init.index();
    const std::string id = std::get<ShowFlow>(init).id.ToString();
    const json nodes = std::get<ShowFlow>(init).flow.Dom()["ui"]["nodes"];
    EXPECT_NE(nodes.dump().find("\"lookup_secret\""), std::string::npos);
    EXPECT_NE(nodes.dump().find("1010010"), std::string::npos);

    Outcome wrong = w.login->Submit(ctx, id, json{{"method", "lookup_secret"}, {"lookup_secret", "notacode"}});
    ASSERT_TRUE(std::holds_alternative<ShowFlow>(wrong));
    EXPECT_EQ(std::get<ShowFlow>(wrong).flow.Dom()["ui"]["messages"][0]["id"], text::kErrorValidationLookupInvalid);

    w.clock.Advance(1500ms);
    Outcome done = w.login->Submit(ctx, id, json{{"method", "lookup_secret"}, {"lookup_secret", codes[3]}});
    ASSERT_TRUE(std::holds_alternative<Completed>(done)) << "outcome " << done.index();
    const json session = std::get<Completed>(done).body.Dom()["session"];
    EXPECT_EQ(session["id"], s.id.ToString());
    EXPECT_EQ(session["authenticator_assurance_level"], "aal2");
    EXPECT_EQ(session["authentication_methods"][1]["method"], "lookup_secret");
    const auto stored = w.Stored();
    ASSERT_EQ(stored.size(), 12u);
    ASSERT_TRUE(stored[3].used_at);
    EXPECT_EQ(*stored[3].used_at, std::chrono::floor<std::chrono::seconds>(w.clock.Now())) << "whole seconds";
    for (size_t i = 0; i < stored.size(); ++i) EXPECT_EQ(stored[i].used_at.has_value(), i == 3) << i;

    // A second aal2 flow cannot spend the same code again.
    const session::Session again = w.SignInAgain();
    RequestContext ctx2 = w.Ctx();
    ctx2.url = ctx.url;
    Outcome init2 = w.login->Init(FlowType::kApi, ctx2);
    ASSERT_TRUE(std::holds_alternative<ShowFlow>(init2));
    Outcome used = w.login->Submit(ctx2, std::get<ShowFlow>(init2).id.ToString(),
                                   json{{"method", "lookup_secret"}, {"lookup_secret", codes[3]}});
    ASSERT_TRUE(std::holds_alternative<ShowFlow>(used));
    EXPECT_EQ(std::get<ShowFlow>(used).flow.Dom()["ui"]["messages"][0]["id"], text::kErrorValidationLookupAlreadyUsed);

    // The settings flow (of the aal2 session) shows the spent code as used.
    w.token = s.token;
    SettingsFlow f = w.NewSettingsFlow();
    Outcome revealed = w.SubmitSettings(f, {{"lookup_secret_reveal", true}});
    ASSERT_TRUE(std::holds_alternative<ShowFlow>(revealed));
    EXPECT_NE(std::get<ShowFlow>(revealed).flow.Dom().dump().find("Secret was used at"), std::string::npos);
}

TEST(LookupLogin, NoCodeFormWithoutCodes) {
    World w;
    RequestContext ctx = w.Ctx();
    ctx.url = "https://auth.example.com/self-service/login/api?aal=aal2";
    Outcome init = w.login->Init(FlowType::kApi, ctx);
    ASSERT_TRUE(std::holds_alternative<ShowFlow>(init));
    EXPECT_EQ(std::get<ShowFlow>(init).flow.Dom()["ui"]["nodes"].dump().find("lookup_secret"), std::string::npos);
    Outcome none = w.login->Submit(ctx, std::get<ShowFlow>(init).id.ToString(),
                                   json{{"method", "lookup_secret"}, {"lookup_secret", "abcd1234"}});
    ASSERT_TRUE(std::holds_alternative<ShowFlow>(none));
    EXPECT_EQ(std::get<ShowFlow>(none).flow.Dom()["ui"]["messages"][0]["id"], text::kErrorValidationNoLookup);
}

}  // namespace
}  // namespace bia::strategy::lookup_secret
