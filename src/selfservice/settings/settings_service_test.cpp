// SettingsService with in-memory stores, a fake clock and scripted strategies: expiry, privilege
// age, continuity lifetime, dispatch order and node ordering (settings-flow.md §5, §7.5, §9, §10).
#include "selfservice/settings/settings_service.hpp"

#include <gtest/gtest.h>

#include <map>
#include <optional>

#include "core/encoding.hpp"
#include "core/time.hpp"
#include "selfservice/flow/flow_errors.hpp"
#include "testing/memory_flow_store.hpp"
#include "testing/memory_stores.hpp"

namespace bia::selfservice::settings {
namespace {

using nlohmann::json;

constexpr const char* kSchema = R"({"$schema":"http://json-schema.org/draft-07/schema#","type":"object",
  "properties":{"traits":{"type":"object","properties":{"email":{"type":"string","title":"E-Mail"},
  "name":{"type":"string"}}}}})";

class NoSessions final : public session::SessionRepository {
  public:
    core::Status Create(const session::Session&) override { return {}; }
    core::Status Update(const session::Session&) override { return {}; }
    core::Result<session::Session> FindByToken(std::string_view) override { return FlowNotFound(); }
    core::Result<session::SessionStamp> FindStamp(std::string_view) override { return FlowNotFound(); }
    core::Result<session::Session> FindById(const core::Uuid&, bool) override { return FlowNotFound(); }
    core::Result<std::vector<session::Session>> ListByIdentity(const core::Uuid&, std::optional<bool>, int64_t,
                                                               int64_t) override {
        return std::vector<session::Session>{};
    }
    core::Result<int64_t> CountByIdentity(const core::Uuid&, std::optional<bool>) override { return int64_t{0}; }
    core::Result<int64_t> RevokeAllExcept(const core::Uuid&, const core::Uuid&) override { return int64_t{0}; }
    core::Result<int64_t> RevokeAll(const core::Uuid&) override { return int64_t{0}; }
    core::Status Revoke(const core::Uuid&) override { return {}; }
};

// A strategy that claims `method == id_` and answers what the test scripted.
class Scripted final : public SettingsStrategy {
  public:
    Scripted(std::string id, std::string group) : id_(std::move(id)), group_(std::move(group)) {}
    std::string_view Id() const override { return id_; }
    std::string_view PrivilegeNeeded() const override {
        return group_ == ui::kGroupProfile ? kPrivilegeIdentifierChanges : kPrivilegeAlways;
    }
    core::Status Populate(const RequestContext&, SettingsFlow& flow, const identity::Identity&) override {
        flow.ui.Upsert(ui::NewInput(ui::kMethodName, group_, ui::kInputSubmit, id_));
        if (group_ == ui::kGroupProfile) {
            flow.ui.Upsert(ui::NewInput("traits.name", group_, "text"));
            flow.ui.Upsert(ui::NewInput("traits.email", group_, "email"));
        }
        if (group_ == ui::kGroupPassword) flow.ui.Upsert(ui::NewInput("password", group_, "password"));
        return {};
    }
    SettingsAttempt Submit(SettingsSubmission& sub) override {
        if (sub.body.value("method", "") != id_) return SettingsAttempt::NotResponsible();
        ++calls;
        saw_unparsed_form = !sub.flow.ui_text.empty() && sub.flow.ui.nodes.empty();
        if (needs_privilege && !sub.privileged) return SettingsAttempt::NeedsPrivilege();
        if (reject) return SettingsAttempt::Rejected(Rejection::OnFlow(text::NewErrorValidationIdentifierMissing()));
        identity::Identity after = sub.identity;
        after.traits["name"] = id_;
        return SettingsAttempt::Succeeded({std::move(after), {}});
    }
    bool SubmitEditsForm() const override { return edits_form; }
    // The submitted name, echoed into the form shown again.
    void EchoSubmission(ui::Container& form, const json& body) const override {
        form.SetValue("traits.name", body.value("name", ""));
    }
    bool needs_privilege = false;
    bool reject = false;
    bool edits_form = true;
    bool saw_unparsed_form = false;
    int calls = 0;

  private:
    std::string id_, group_;
};

// The factor rule the totp module declares, for the AAL checks of these tests.
session::AalRules TotpIsASecondFactor() {
    session::AalRules rules;
    rules.Add("totp", [](const identity::Credential& c) {
        return session::FactorCount{0, c.config.contains("totp_url") ? 1 : 0};
    });
    return rules;
}

// A unit of work over the memory stores (which overwrite on every write): runs fn `runs` times, as
// a store that retries a unit does, and then answers `fail_with` instead of committing, if set.
class ScriptedUnits final : public core::UnitOfWork {
  public:
    core::Status Run(const std::function<core::Status()>& fn) override {
        core::Status st;
        for (int i = 0; i < runs; ++i) {
            if (before_run) before_run(i);
            st = fn();
        }
        if (st && fail_with) return *fail_with;
        return st;
    }
    int runs = 1;
    std::optional<core::Error> fail_with;
    std::function<void(int)> before_run;  // called with the run's index before each run
};

class SettingsServiceTest : public ::testing::Test {
  protected:
    SettingsServiceTest()
        : random_(7),
          session_service_(no_sessions_, clock_, random_, session::SessionOptions{.aal_rules = &aal_rules_}),
          return_to_({"https://app.example.com/"}, "https://auth.example.com/"),
          profile_("profile", std::string(ui::kGroupProfile)),
          password_("password", std::string(ui::kGroupPassword)) {
        config_.serve.public_api.base_url = "https://auth.example.com/";
        config_.selfservice.flows.settings.ui_url = "https://app.example.com/settings";
        config_.selfservice.flows.settings.lifespan = std::chrono::minutes(10);
        config_.selfservice.flows.settings.privileged_session_max_age = std::chrono::minutes(5);
        config_.selfservice.flows.settings.required_aal = config::RequiredAal::kAal1;
        auto loaded = schema::SchemaRegistry::Load({{"default", "base64://" + core::Base64Encode(kSchema)}}, "default");
        EXPECT_TRUE(loaded.ok());
        schemas_ = std::move(loaded).value();
        service_ = std::make_unique<SettingsService>(
            config_, flows_, continuity_, std::vector<SettingsStrategy*>{&profile_, &password_}, hooks_, identities_,
            session_service_, *schemas_, return_to_, clock_, random_, units_);
        who_.id = core::Uuid::V4(random_);
        who_.schema_id = "default";
        who_.traits = {{"email", "a@example.com"}};
        session::Session s;
        s.id = core::Uuid::V4(random_);
        s.identity_id = who_.id;
        s.authenticated_at = clock_.Now();
        s.expires_at = clock_.Now() + std::chrono::hours(24);
        s.methods.push_back({"password", "aal1", clock_.Now(), ""});
        s.identity = who_;
        ctx_.session = s;
        ctx_.url = "https://auth.example.com/self-service/settings/browser";
        ctx_.csrf_token = "";
    }

    SettingsFlow NewFlow(FlowType type) {
        ContinuityRefs refs;
        auto out = service_->Init(type, ctx_, refs);
        auto* shown = std::get_if<ShowFlow>(&out);
        EXPECT_NE(shown, nullptr);
        return flows_.At(shown->id);
    }

    Outcome Submit(const SettingsFlow& f, json body, ContinuityRefs& refs, bool json_request = true) {
        RequestContext c = ctx_;
        c.json_request = json_request;
        c.url = "https://auth.example.com/self-service/settings?flow=" + f.id.ToString();
        return service_->Submit(c, f.id.ToString(), core::Result<json>(std::move(body)), HookRequestFacts{}, refs);
    }

    core::FakeClock clock_;
    core::SeededRandom random_;
    config::Config config_;
    bia::testing::MemoryFlows<SettingsFlow> flows_;
    bia::testing::MemoryContinuity continuity_;
    bia::testing::MemoryIdentities identities_;
    NoSessions no_sessions_;
    session::AalRules aal_rules_ = TotpIsASecondFactor();
    session::SessionService session_service_;
    ReturnToValidator return_to_;
    SettingsHooks hooks_;
    ScriptedUnits units_;
    std::unique_ptr<schema::SchemaRegistry> schemas_;
    Scripted profile_, password_;
    std::unique_ptr<SettingsService> service_;
    identity::Identity who_;
    RequestContext ctx_;
};

TEST_F(SettingsServiceTest, NodesAreOrderedByGroupThenSchemaPathWithMethodLast) {
    SettingsFlow f = NewFlow(FlowType::kApi);
    std::vector<std::string> order;
    for (const auto& n : f.ui.nodes) order.push_back(n.group + ":" + n.Id());
    EXPECT_EQ(order, (std::vector<std::string>{"default:csrf_token", "profile:traits.email", "profile:traits.name",
                                               "profile:method", "password:password", "password:method"}));
    json j = f.ToJson(who_, config_.PublicBaseUrl());
    EXPECT_EQ(j["ui"]["action"], "https://auth.example.com/self-service/settings?flow=" + f.id.ToString());
    EXPECT_FALSE(j["ui"]["nodes"][0]["attributes"].contains("value")) << "API flows: no csrf value";
    EXPECT_EQ(j["state"], "show_form");
    EXPECT_FALSE(j.contains("return_to"));
    EXPECT_FALSE(j["identity"].contains("credentials"));
}

TEST_F(SettingsServiceTest, ExpiredFlowAnswersGoneWithReplacementId) {
    SettingsFlow f = NewFlow(FlowType::kApi);
    clock_.Advance(std::chrono::minutes(11));
    ContinuityRefs refs;
    auto out = Submit(f, {{"method", "profile"}}, refs);
    auto* e = std::get_if<ErrorOrRedirect>(&out);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->error.code, 410);
    EXPECT_EQ(e->error.id, kErrorFlowExpired);
    auto replacement = core::Uuid::Parse(e->error.extra["use_flow_id"].get<std::string>());
    ASSERT_TRUE(replacement);
    const SettingsFlow next = flows_.At(*replacement);
    ASSERT_EQ(next.ui.messages.size(), 1u);
    EXPECT_EQ(next.ui.messages[0].id, text::kErrorValidationSettingsFlowExpired);
    EXPECT_EQ(profile_.calls, 0);
}

TEST_F(SettingsServiceTest, FirstClaimingStrategyWinsAndSuccessUsesASiblingFlow) {
    SettingsFlow f = NewFlow(FlowType::kApi);
    ContinuityRefs refs;
    auto out = Submit(f, {{"method", "password"}}, refs);
    auto* done = std::get_if<Completed>(&out);
    ASSERT_NE(done, nullptr);
    EXPECT_EQ(profile_.calls, 0);
    EXPECT_EQ(password_.calls, 1);
    EXPECT_EQ(done->body.Dom()["id"], f.id.ToString());
    EXPECT_EQ(done->body.Dom()["state"], "success");
    EXPECT_NE(done->body.Dom()["ui"]["action"], f.ui.action) << "ui.action names the sibling flow (§9.2)";
    EXPECT_EQ(done->body.Dom()["ui"]["messages"][0]["id"], text::kInfoSettingsUpdateSuccess);
    EXPECT_EQ(identities_.rows.at(who_.id).traits["name"], "password");
    EXPECT_EQ(flows_.size(), 2u);
}

// The store may run the unit again from its start (PostgreSQL, after a serialization failure or a
// deadlock): the second run must write exactly what one run writes.
TEST_F(SettingsServiceTest, ASuccessfulSubmitWritesTheSameWhenTheStoreRunsItsUnitTwice) {
    for (int runs : {1, 2, 3}) {
        units_.runs = runs;
        SettingsFlow f = NewFlow(FlowType::kApi);
        const size_t flows_before = flows_.size();
        ContinuityRefs refs;
        auto out = Submit(f, {{"method", "profile"}}, refs);
        auto* done = std::get_if<Completed>(&out);
        ASSERT_NE(done, nullptr) << "runs " << runs;
        EXPECT_EQ(flows_.size(), flows_before + 1) << "one sibling flow";
        SettingsFlow stored = flows_.At(f.id);
        EXPECT_EQ(stored.state, "success");
        ASSERT_EQ(stored.ui.messages.size(), 1u) << "runs " << runs;
        EXPECT_EQ(stored.ui.messages[0].id, text::kInfoSettingsUpdateSuccess);
        const std::string sibling_id = stored.ui.action.substr(stored.ui.action.find("flow=") + 5);
        ASSERT_NE(sibling_id, f.id.ToString());
        SettingsFlow sibling = flows_.At(core::Uuid::Parse(sibling_id).value());
        EXPECT_EQ(sibling.state, "show_form");
        EXPECT_TRUE(sibling.ui.messages.empty()) << "runs " << runs;
        EXPECT_EQ(sibling.ui.action, stored.ui.action);
        EXPECT_EQ(sibling.ui.nodes.size(), stored.ui.nodes.size());
        EXPECT_EQ(done->body.Dom()["ui"]["messages"].size(), 1u);
        EXPECT_EQ(done->body.Dom()["ui"]["action"], stored.ui.action);
    }
}

// The store retries the unit and the identity's address is taken meanwhile: the rejection shows
// the flow as it was (not the success the first run had marked), with the duplicate message.
TEST_F(SettingsServiceTest, ARetriedUnitRejectedOnItsSecondRunShowsTheFlowAsItWas) {
    SettingsFlow f = NewFlow(FlowType::kApi);
    units_.runs = 2;
    units_.before_run = [&](int run) {
        if (run == 1) identities_.fail_update = core::Conflict(std::string(identity::kConflictReason));
    };
    ContinuityRefs refs;
    auto out = Submit(f, {{"method", "profile"}}, refs);
    auto* shown = std::get_if<ShowFlow>(&out);
    ASSERT_NE(shown, nullptr) << "outcome variant index " << out.index();
    EXPECT_EQ(shown->kind, ShowFlow::Kind::kRejected);
    EXPECT_EQ(shown->flow.Dom()["state"], "show_form");
    EXPECT_EQ(shown->flow.Dom()["ui"]["action"], f.ui.action) << "the flow's own UI, not the sibling's";
    EXPECT_EQ(shown->flow.Dom()["ui"]["messages"][0]["id"], 4000007);
}

// A unit the store could not commit: nothing is reported as saved, the error is the answer.
TEST_F(SettingsServiceTest, AUnitTheStoreCouldNotCommitFailsTheSubmit) {
    SettingsFlow f = NewFlow(FlowType::kBrowser);
    units_.fail_with = core::Unavailable("The database is busy, please retry.");
    ContinuityRefs refs;
    auto out = Submit(f, {{"method", "profile"}}, refs);
    auto* failed = std::get_if<Failed>(&out);
    ASSERT_NE(failed, nullptr) << "outcome variant index " << out.index();
    EXPECT_EQ(failed->error.code, 503);
}

// A strategy that leaves the form alone while it submits (SubmitEditsForm false) is handed the
// stored form unparsed; a success replaces it unread, a failure shows it parsed with the
// strategy's echo. One that edits it gets it parsed.
TEST_F(SettingsServiceTest, TheStoredFormIsParsedOnlyWhenItIsShownAgainOrAStrategyEditsIt) {
    profile_.edits_form = false;
    SettingsFlow f = NewFlow(FlowType::kApi);
    ContinuityRefs refs;
    auto out = Submit(f, {{"method", "profile"}, {"name", "n1"}}, refs);
    ASSERT_NE(std::get_if<Completed>(&out), nullptr);
    EXPECT_TRUE(profile_.saw_unparsed_form);
    const SettingsFlow done = flows_.At(f.id);
    EXPECT_EQ(done.state, "success");
    ASSERT_FALSE(done.ui.messages.empty());
    EXPECT_EQ(done.ui.messages[0].id, text::kInfoSettingsUpdateSuccess);

    profile_.reject = true;
    SettingsFlow g = NewFlow(FlowType::kApi);
    out = Submit(g, {{"method", "profile"}, {"name", "typed"}}, refs);
    auto* shown = std::get_if<ShowFlow>(&out);
    ASSERT_NE(shown, nullptr);
    EXPECT_TRUE(profile_.saw_unparsed_form);
    const json ui = shown->flow.Dom()["ui"];
    EXPECT_EQ(ui["messages"][0]["id"], text::kErrorValidationIdentifierMissing);
    EXPECT_EQ(ui["nodes"].size(), g.ui.nodes.size()) << "the stored form, parsed";
    bool echoed = false;
    for (const auto& n : ui["nodes"]) echoed = echoed || n["attributes"].value("value", json()) == "typed";
    EXPECT_TRUE(echoed) << ui.dump();
    EXPECT_EQ(flows_.At(g.id).ui.ToJson(), shown->flow.Dom()["ui"]) << "stored as shown";

    profile_.edits_form = true;
    SettingsFlow h = NewFlow(FlowType::kApi);
    out = Submit(h, {{"method", "profile"}, {"name", "x"}}, refs);
    EXPECT_FALSE(profile_.saw_unparsed_form);
    shown = std::get_if<ShowFlow>(&out);
    ASSERT_NE(shown, nullptr);
    const json unechoed = shown->flow.Dom()["ui"]["nodes"];
    for (const auto& n : unechoed) EXPECT_NE(n["attributes"].value("value", json()), "x");
}

TEST_F(SettingsServiceTest, UnclaimedSubmissionIsRejectedWithNoStrategyMessage) {
    SettingsFlow f = NewFlow(FlowType::kApi);
    ContinuityRefs refs;
    auto out = Submit(f, {{"method", "totp"}}, refs);
    auto* shown = std::get_if<ShowFlow>(&out);
    ASSERT_NE(shown, nullptr);
    EXPECT_EQ(shown->kind, ShowFlow::Kind::kRejected);
    EXPECT_EQ(shown->flow.Dom()["ui"]["messages"][0]["id"], text::kErrorValidationSettingsNoStrategyFound);
}

TEST_F(SettingsServiceTest, FlowTellsWhenPrivilegeEndsAndWhatEachShownMethodNeeds) {
    ContinuityRefs refs;
    auto out = service_->Init(FlowType::kApi, ctx_, refs);
    auto* shown = std::get_if<ShowFlow>(&out);
    ASSERT_NE(shown, nullptr);
    EXPECT_EQ(shown->flow.Dom()["privileged_until"], core::FormatRfc3339(clock_.Now() + std::chrono::minutes(5)));
    EXPECT_EQ(shown->flow.Dom()["reauthentication"],
              json::parse(R"({"aal":"aal1","required_for":{"profile":"identifier_changes","password":"always"}})"));
    // The view is the flow's document plus those two members, written as its DOM would be.
    json view = flows_.At(shown->id).ToJson(who_, config_.PublicBaseUrl());
    view["privileged_until"] = shown->flow.Dom()["privileged_until"];
    view["reauthentication"] = shown->flow.Dom()["reauthentication"];
    const std::string text = std::move(shown->flow).TakeText();
    EXPECT_EQ(text, core::DumpJsonText(view, core::kAnswerUtf8Errors));
    // A fetch answers the same view.
    auto fetched = service_->Fetch(ctx_, shown->id.ToString());
    ASSERT_TRUE(fetched);
    EXPECT_EQ(*fetched, text) << "byte for byte";
}

TEST_F(SettingsServiceTest, ReauthenticationAsksForAal2WhenTheIdentityHasASecondFactor) {
    password_.needs_privilege = true;
    identity::Credential totp;
    totp.type = "totp";
    totp.config = {{"totp_url", "otpauth://totp/x?secret=ABC"}};
    ctx_.session->identity->credentials["totp"] = totp;
    ctx_.session->methods.push_back({"totp", "aal2", clock_.Now(), ""});
    SettingsFlow f = NewFlow(FlowType::kBrowser);
    EXPECT_EQ(nlohmann::json::parse(service_->Fetch(ctx_, f.id.ToString()).value())["reauthentication"]["aal"], "aal2");
    clock_.Advance(std::chrono::minutes(6));
    ContinuityRefs refs;
    auto out = Submit(f, {{"method", "password"}, {"password", "x"}}, refs, false);
    auto* e = std::get_if<ErrorOrRedirect>(&out);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->error.id, kErrorSessionRefreshRequired);
    EXPECT_EQ(e->location,
              "https://auth.example.com/self-service/login/browser?refresh=true&aal=aal2&return_to=https%3A%2F%2Fauth."
              "example.com%2Fself-service%2Fsettings%3Fflow%3D" +
                  f.id.ToString());
}

TEST_F(SettingsServiceTest, PrivilegeExpiresAfterMaxAgeAndBrowserSubmissionIsPaused) {
    password_.needs_privilege = true;
    SettingsFlow f = NewFlow(FlowType::kBrowser);
    clock_.Advance(std::chrono::minutes(4));
    ContinuityRefs refs;
    EXPECT_TRUE(std::holds_alternative<Completed>(Submit(f, {{"method", "password"}}, refs)));

    clock_.Advance(std::chrono::minutes(2));  // authenticated 6 minutes ago > 5 minutes
    SettingsFlow g = NewFlow(FlowType::kBrowser);
    auto out = Submit(g, {{"method", "password"}, {"password", "x"}}, refs, false);
    auto* e = std::get_if<ErrorOrRedirect>(&out);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->error.id, kErrorSessionRefreshRequired);
    EXPECT_EQ(e->location,
              "https://auth.example.com/self-service/login/browser?refresh=true&return_to=https%3A%2F%2Fauth.example."
              "com%2Fself-service%2Fsettings%3Fflow%3D" +
                  g.id.ToString());
    ASSERT_TRUE(refs.changed);
    ASSERT_EQ(refs.containers.count("ory_kratos_settings_password"), 1u);
    const auto& c = continuity_.rows.at(refs.containers.at("ory_kratos_settings_password"));
    EXPECT_EQ(c.payload["flow"], g.id.ToString());
    EXPECT_EQ(c.expires_at, clock_.Now() + std::chrono::minutes(15));
}

TEST_F(SettingsServiceTest, PausedSubmissionResumesAfterReauthenticationButNotAfterFifteenMinutes) {
    password_.needs_privilege = true;
    clock_.Advance(std::chrono::minutes(6));
    SettingsFlow f = NewFlow(FlowType::kBrowser);
    ContinuityRefs refs;
    (void)Submit(f, {{"method", "password"}}, refs, false);
    ASSERT_EQ(refs.containers.size(), 1u);

    // Re-authenticated: the GET resume carries only the flow id, the payload comes from the container.
    ctx_.session->authenticated_at = clock_.Now();
    ContinuityRefs resume = refs;
    resume.changed = false;
    auto out = Submit(f, {{"flow", f.id.ToString()}}, resume, false);
    EXPECT_TRUE(std::holds_alternative<Completed>(out));
    EXPECT_TRUE(resume.containers.empty());
    EXPECT_TRUE(continuity_.rows.empty());

    // A container older than 15 minutes is refused with a flow message.
    clock_.Advance(std::chrono::minutes(6));
    ctx_.session->authenticated_at = clock_.Now() - std::chrono::minutes(6);
    SettingsFlow g = NewFlow(FlowType::kBrowser);
    ContinuityRefs late;
    (void)Submit(g, {{"method", "password"}}, late, false);
    clock_.Advance(std::chrono::minutes(16));
    ctx_.session->authenticated_at = clock_.Now();
    config_.selfservice.flows.settings.lifespan = std::chrono::hours(1);
    flows_.Edit(g.id, [&](SettingsFlow& stored) { stored.expires_at = clock_.Now() + std::chrono::minutes(1); });
    auto refused = Submit(g, {{"flow", g.id.ToString()}}, late, false);
    auto* shown = std::get_if<ShowFlow>(&refused);
    ASSERT_NE(shown, nullptr);
    EXPECT_EQ(shown->flow.Dom()["ui"]["messages"][0]["id"], text::kErrorValidationGeneric);
}

TEST_F(SettingsServiceTest, AnotherIdentitysFlowIsForbidden) {
    SettingsFlow f = NewFlow(FlowType::kApi);
    flows_.Edit(f.id, [&](SettingsFlow& stored) { stored.identity_id = core::Uuid::V4(random_); });
    ContinuityRefs refs;
    auto out = Submit(f, {{"method", "profile"}}, refs);
    auto* failed = std::get_if<Failed>(&out);
    ASSERT_NE(failed, nullptr);
    EXPECT_EQ(failed->error.code, 403);
    EXPECT_EQ(failed->error.id, kErrorIdentityMismatch);
    EXPECT_EQ(service_->Fetch(ctx_, f.id.ToString()).error().id, kErrorIdentityMismatch);
}

// Issue 13: a write that lost a race (the stored identity changed since it was read) is not a
// duplicate identifier; the flow reports it as a retryable 409 and stays usable.
TEST_F(SettingsServiceTest, StaleWriteIsAConcurrentChangeErrorNotDuplicateCredentials) {
    for (FlowType type : {FlowType::kApi, FlowType::kBrowser}) {
        SettingsFlow f = NewFlow(type);
        identities_.fail_update = identity::ConcurrentUpdateError();
        ContinuityRefs refs;
        auto out = Submit(f, {{"method", "profile"}}, refs);
        auto* failed = std::get_if<Failed>(&out);
        ASSERT_NE(failed, nullptr) << "outcome variant index " << out.index();
        EXPECT_EQ(failed->error.code, 409);
        EXPECT_EQ(failed->error.id, identity::kConcurrentUpdateErrorId);
        EXPECT_EQ(failed->error.reason, identity::kConcurrentUpdateReason);
        // Nothing was written and the flow can be submitted again.
        EXPECT_EQ(flows_.At(f.id).state, "show_form");
        identities_.fail_update.reset();
        auto again = Submit(f, {{"method", "profile"}}, refs);
        EXPECT_NE(std::get_if<Completed>(&again), nullptr) << "outcome variant index " << again.index();
    }
}

TEST_F(SettingsServiceTest, TakenIdentifierIsStillDuplicateCredentials) {
    SettingsFlow f = NewFlow(FlowType::kApi);
    identities_.fail_update = core::Conflict(std::string(identity::kConflictReason));
    ContinuityRefs refs;
    auto out = Submit(f, {{"method", "profile"}}, refs);
    auto* shown = std::get_if<ShowFlow>(&out);
    ASSERT_NE(shown, nullptr) << "outcome variant index " << out.index();
    EXPECT_EQ(shown->kind, ShowFlow::Kind::kRejected);
    EXPECT_EQ(shown->flow.Dom()["ui"]["messages"][0]["id"], 4000007);
}

TEST(SettingsPrivilege, PrivilegedUntilMaxAgeHasPassed) {
    session::Session s;
    const core::TimePoint t0(std::chrono::seconds(1000));
    s.authenticated_at = t0;
    EXPECT_TRUE(IsPrivileged(s, t0 + std::chrono::seconds(59), std::chrono::minutes(1)));
    EXPECT_FALSE(IsPrivileged(s, t0 + std::chrono::seconds(60), std::chrono::minutes(1)));
}

}  // namespace
}  // namespace bia::selfservice::settings
