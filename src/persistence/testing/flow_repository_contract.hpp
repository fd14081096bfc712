// Contract suite every backend's self-service stores must pass: login, registration and settings
// flows (with their UI), continuity containers and stored self-service errors round-trip exactly.
// A backend instantiates it with a type providing `Make()` (a handle with `identities()`),
// `Db(handle)`, the flow repositories `login_flows()`, `registration_flows()`, `settings_flows()`
// of the handle, and the repository types Continuity and Errors, each constructible from `Db(handle)`.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <utility>

#include "core/random.hpp"
#include "persistence/testing/identity_repository_contract.hpp"
#include "selfservice/flow/continuity.hpp"
#include "selfservice/flow/error_store.hpp"
#include "selfservice/login/login_flow.hpp"
#include "selfservice/registration/registration_flow.hpp"
#include "selfservice/settings/settings_flow.hpp"
#include "session/session_repository.hpp"
#include "text/message.hpp"
#include "ui/container.hpp"
#include "ui/node.hpp"

namespace bia::persistence::testing {

template <class Backend>
class FlowRepositoryContract : public ::testing::Test {
  protected:
    void SetUp() override { handle_ = Backend::Make(); }
    auto& db() { return Backend::Db(*handle_); }
    ui::Container SomeUi() {
        ui::Container c;
        c.action = "http://p/self-service/login?flow=x";
        c.SetCsrf("masked");
        c.nodes.push_back(ui::WithLabel(ui::NewInput("identifier", ui::kGroupDefault, ui::kInputText, nullptr, true),
                                        text::NewInfoNodeLabelId()));
        c.AddMessage(text::NewInfoLoginReAuth());
        return c;
    }
    // A browser flow of kind `Flow` issued at a fixed second, with SomeUi().
    template <class Flow>
    Flow SomeFlow(std::string request_url, std::chrono::seconds lifespan) {
        Flow f;
        f.id = core::Uuid::V4(random_);
        f.issued_at = f.created_at = f.updated_at = core::TimePoint(std::chrono::seconds(1700000000));
        f.expires_at = f.issued_at + lifespan;
        f.request_url = std::move(request_url);
        f.ui = SomeUi();
        return f;
    }

    decltype(Backend::Make()) handle_;
    core::SeededRandom random_{42};
};

TYPED_TEST_SUITE_P(FlowRepositoryContract);

using namespace std::chrono_literals;

TYPED_TEST_P(FlowRepositoryContract, LoginFlowRoundTripAndUpdate) {
    auto& repo = this->handle_->login_flows();
    selfservice::login::LoginFlow f;
    f.id = core::Uuid::V4(this->random_);
    f.type = selfservice::FlowType::kApi;
    f.issued_at = f.created_at = f.updated_at =
        core::TimePoint(std::chrono::seconds(1700000000)) + 123456us;  // whole microseconds: PostgreSQL keeps no more
    f.expires_at = f.issued_at + 1h;
    f.request_url = "http://p/self-service/login/api?refresh=true&return_to=http%3A%2F%2Fui%2F";
    f.refresh = true;
    f.requested_aal = "aal1";
    f.csrf_token = "tok";
    f.ui = this->SomeUi();
    f.internal_context = {{"k", 1}, {"nested", {{"list", {1, 2.5, "x"}}}}};
    ASSERT_TRUE(repo.Create(f));
    auto got = repo.Get(f.id);
    ASSERT_TRUE(got) << got.error().reason;
    EXPECT_EQ(got->ToJson(), f.ToJson());
    EXPECT_EQ(got->csrf_token, "tok");
    EXPECT_EQ(got->internal_context, f.internal_context);
    EXPECT_EQ(got->ToJson()["return_to"], "http://ui/");

    f.active = "password";
    f.state = "passed_challenge";
    f.ui.AddNodeMessage("identifier", text::NewErrorValidationInvalidCredentials());
    f.updated_at += 1s;
    ASSERT_TRUE(repo.Update(f));
    got = repo.Get(f.id);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->ToJson(), f.ToJson());

    EXPECT_EQ(repo.Get(core::Uuid::V4(this->random_)).error().code, 404);
    f.id = core::Uuid::V4(this->random_);
    EXPECT_EQ(repo.Update(f).error().code, 404);
}

// A read that keeps the stored form as text (settings submissions) returns exactly what a parsing
// read returns once parsed; the flow writes that text back unchanged when nothing parsed it, and
// answers with the same JSON either way.
TYPED_TEST_P(FlowRepositoryContract, AFormKeptAsTextParsesAndStoresAsTheParsedOne) {
    auto& repo = this->handle_->login_flows();
    auto f = this->template SomeFlow<selfservice::login::LoginFlow>("http://p/self-service/login/browser", 1h);
    ASSERT_TRUE(repo.Create(f));

    auto kept = repo.Get(f.id, selfservice::UiRead::kKeepText);
    ASSERT_TRUE(kept) << kept.error().reason;
    EXPECT_TRUE(kept->ui.nodes.empty());
    EXPECT_FALSE(kept->ui_text.empty());
    EXPECT_EQ(kept->ToJson(), f.ToJson());  // answers parse it on the way
    EXPECT_EQ(kept->AnswerText({}), f.AnswerText({}));

    // Written back unparsed (another column changed): the form is the stored one.
    kept->state = "passed_challenge";
    ASSERT_TRUE(repo.Update(*kept));
    auto got = repo.Get(f.id);
    ASSERT_TRUE(got);
    EXPECT_TRUE(got->ui_text.empty());
    EXPECT_EQ(got->ui.ToJson(), f.ui.ToJson());
    EXPECT_EQ(got->state, "passed_challenge");

    // Parsed, it is the form a parsing read returns, and edits to it are stored.
    ASSERT_TRUE(kept->ParseUi());
    EXPECT_TRUE(kept->ui_text.empty());
    EXPECT_EQ(kept->ui.ToJson(), got->ui.ToJson());
    kept->ui.AddMessage(text::NewErrorValidationInvalidCredentials());
    ASSERT_TRUE(repo.Update(*kept));
    EXPECT_EQ(repo.Get(f.id)->ui.ToJson(), kept->ui.ToJson());
    EXPECT_NE(repo.Get(f.id)->ui.ToJson(), f.ui.ToJson());
}

TYPED_TEST_P(FlowRepositoryContract, RegistrationFlowRoundTrip) {
    auto& repo = this->handle_->registration_flows();
    auto f = this->template SomeFlow<selfservice::registration::RegistrationFlow>(
        "http://p/self-service/registration/browser", 10min);
    f.csrf_token = "masked";
    ASSERT_TRUE(repo.Create(f));
    auto got = repo.Get(f.id);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->ToJson(), f.ToJson());
    EXPECT_EQ(got->type, selfservice::FlowType::kBrowser);
    f.state = "passed_challenge";
    ASSERT_TRUE(repo.Update(f));
    EXPECT_EQ(repo.Get(f.id)->state, "passed_challenge");
}

TYPED_TEST_P(FlowRepositoryContract, ErrorsAreStoredAndMarkedSeen) {
    typename TypeParam::Errors repo(this->db());
    selfservice::StoredError e;
    e.id = core::Uuid::V4(this->random_);
    e.error = core::Forbidden("x").WithId("security_csrf_violation").ToJson();
    e.created_at = e.updated_at = core::TimePoint(std::chrono::seconds(1700000000));
    ASSERT_TRUE(repo.Add(e));
    auto got = repo.Get(e.id);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->error, e.error);
    EXPECT_FALSE(got->seen);
    ASSERT_TRUE(repo.MarkSeen(e.id, e.created_at + 1s));
    got = repo.Get(e.id);
    EXPECT_TRUE(got->seen);
    EXPECT_EQ(got->updated_at, e.created_at + 1s);
    EXPECT_EQ(repo.Get(core::Uuid::V4(this->random_)).error().code, 404);
}

TYPED_TEST_P(FlowRepositoryContract, SettingsFlowRoundTripFollowsItsIdentity) {
    identity::IdentityRepository& identities = this->handle_->identities();
    core::SecureRandom r;
    auto owner = persistence::testing::MakeIdentity(r, "settings@example.com");
    ASSERT_TRUE(identities.Create(owner));
    auto& repo = this->handle_->settings_flows();
    selfservice::settings::SettingsFlow f;
    f.id = core::Uuid::V4(this->random_);
    f.type = selfservice::FlowType::kApi;
    f.issued_at = f.created_at = f.updated_at = core::TimePoint(std::chrono::seconds(1700000000)) + 5us;
    f.expires_at = f.issued_at + 1h;
    f.request_url = "http://p/self-service/settings/api";
    f.identity_id = owner.id;
    f.ui = this->SomeUi();
    f.internal_context = {{"totp_secret", "abc"}};
    ASSERT_TRUE(repo.Create(f));
    auto got = repo.Get(f.id);
    ASSERT_TRUE(got) << got.error().reason << " " << got.error().debug;
    EXPECT_EQ(got->ToJson(owner, "http://p/"), f.ToJson(owner, "http://p/"));
    EXPECT_EQ(got->identity_id, owner.id);
    EXPECT_EQ(got->internal_context, f.internal_context);
    EXPECT_EQ(got->created_at, f.created_at);
    EXPECT_EQ(got->expires_at, f.expires_at);

    // The stamp (what cached fetch answers are checked against) changes with every update, also
    // one that keeps updated_at as it was.
    auto stamp = repo.Stamp(f.id);
    ASSERT_TRUE(stamp) << stamp.error().reason;
    EXPECT_EQ(stamp->expires_at, f.expires_at);
    f.state = "success";
    f.ui.AddMessage(text::NewInfoLoginReAuth());
    ASSERT_TRUE(repo.Update(f));
    auto stamp_after = repo.Stamp(f.id);
    ASSERT_TRUE(stamp_after);
    EXPECT_NE(stamp_after->revision, stamp->revision);
    f.updated_at += 1s;
    ASSERT_TRUE(repo.Update(f));
    EXPECT_NE(repo.Stamp(f.id)->revision, stamp_after->revision);
    EXPECT_EQ(repo.Stamp(core::Uuid::V4(this->random_)).error().code, 404);
    got = repo.Get(f.id);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->state, "success");
    EXPECT_EQ(got->ToJson(owner, "http://p/"), f.ToJson(owner, "http://p/"));
    EXPECT_EQ(got->updated_at, f.updated_at);

    auto stranger = f;
    stranger.id = core::Uuid::V4(this->random_);
    EXPECT_EQ(repo.Update(stranger).error().code, 404);
    // Deleting the identity takes its flows with it.
    ASSERT_TRUE(identities.Delete(owner.id));
    EXPECT_EQ(repo.Get(f.id).error().code, 404);
}

// The settings fetch's one statement: the flow's stamp with the stamp of the session a token
// names. Each part moves with its own writes; an unknown token gives no session, an unknown flow 404.
TYPED_TEST_P(FlowRepositoryContract, StampWithSessionReadsBothStampsInOneStatement) {
    identity::IdentityRepository& identities = this->handle_->identities();
    session::SessionRepository& sessions = this->handle_->sessions();
    core::SecureRandom r;
    auto owner = persistence::testing::MakeIdentity(r, "stamps" + r.AlphaNumeric(6) + "@example.com");
    ASSERT_TRUE(identities.Create(owner));
    const session::Session s = persistence::testing::MakeSession(r, owner.id);
    ASSERT_TRUE(sessions.Create(s));
    auto& repo = this->handle_->settings_flows();
    selfservice::settings::SettingsFlow f;
    f.id = core::Uuid::V4(this->random_);
    f.type = selfservice::FlowType::kApi;
    f.issued_at = f.created_at = f.updated_at = core::TimePoint(std::chrono::seconds(1700000000));
    f.expires_at = f.issued_at + 1h;
    f.request_url = "http://p/self-service/settings/api";
    f.identity_id = owner.id;
    f.ui = this->SomeUi();
    ASSERT_TRUE(repo.Create(f));

    auto both = repo.StampWithSession(f.id, s.token);
    ASSERT_TRUE(both) << both.error().reason << " " << both.error().debug;
    auto flow_alone = repo.Stamp(f.id);
    auto session_alone = sessions.FindStamp(s.token);
    ASSERT_TRUE(flow_alone && session_alone);
    EXPECT_EQ(both->flow.revision, flow_alone->revision);
    EXPECT_EQ(both->flow.expires_at, f.expires_at);
    ASSERT_TRUE(both->session.has_value());
    EXPECT_EQ(both->session->session_revision, session_alone->session_revision);
    EXPECT_EQ(both->session->identity_revision, session_alone->identity_revision);
    EXPECT_EQ(both->session->expires_at, s.expires_at);
    EXPECT_TRUE(both->session->active);
    EXPECT_TRUE(both->session->identity_active);

    // Each write moves its own part.
    ASSERT_TRUE(repo.Update(f));
    auto after_flow = repo.StampWithSession(f.id, s.token);
    ASSERT_TRUE(after_flow && after_flow->session);
    EXPECT_NE(after_flow->flow.revision, both->flow.revision);
    EXPECT_EQ(after_flow->session->session_revision, both->session->session_revision);
    ASSERT_TRUE(sessions.Revoke(s.id));
    auto after_revoke = repo.StampWithSession(f.id, s.token);
    ASSERT_TRUE(after_revoke && after_revoke->session);
    EXPECT_FALSE(after_revoke->session->active);
    EXPECT_NE(after_revoke->session->session_revision, both->session->session_revision);
    EXPECT_EQ(after_revoke->flow.revision, after_flow->flow.revision);
    owner.state = "inactive";
    ASSERT_TRUE(identities.Update(owner));
    auto after_deactivate = repo.StampWithSession(f.id, s.token);
    ASSERT_TRUE(after_deactivate && after_deactivate->session);
    EXPECT_FALSE(after_deactivate->session->identity_active);
    EXPECT_NE(after_deactivate->session->identity_revision, both->session->identity_revision);

    auto unknown_token = repo.StampWithSession(f.id, "ory_st_" + r.AlphaNumeric(32));
    ASSERT_TRUE(unknown_token);
    EXPECT_FALSE(unknown_token->session.has_value());
    EXPECT_EQ(unknown_token->flow.revision, after_flow->flow.revision);
    EXPECT_EQ(repo.StampWithSession(core::Uuid::V4(this->random_), s.token).error().code, 404);
}

TYPED_TEST_P(FlowRepositoryContract, ContinuityContainersRoundTripAndDeleteIsIdempotent) {
    identity::IdentityRepository& identities = this->handle_->identities();
    core::SecureRandom r;
    auto owner = persistence::testing::MakeIdentity(r, "continuity@example.com");
    ASSERT_TRUE(identities.Create(owner));
    typename TypeParam::Continuity repo(this->db());
    selfservice::ContinuityContainer c;
    c.id = core::Uuid::V4(this->random_);
    c.name = "ory_kratos_settings_password";
    c.identity_id = owner.id;
    c.payload = {{"flow", "x"}, {"body", {{"password", "s3cret"}}}};
    c.created_at = core::TimePoint(std::chrono::seconds(1700000000)) + 7us;
    c.expires_at = c.created_at + selfservice::kContinuityLifespan;
    ASSERT_TRUE(repo.Create(c));
    auto got = repo.Get(c.id);
    ASSERT_TRUE(got) << got.error().debug;
    EXPECT_EQ(got->name, c.name);
    EXPECT_EQ(got->identity_id, owner.id);
    EXPECT_EQ(got->payload, c.payload);
    EXPECT_EQ(got->expires_at, c.expires_at);
    EXPECT_EQ(got->created_at, c.created_at);
    ASSERT_TRUE(repo.Delete(c.id));
    EXPECT_EQ(repo.Get(c.id).error().code, 404);
    EXPECT_TRUE(repo.Delete(c.id)) << "deleting an absent container is not an error";

    // Without an owner the container still round-trips, with the nil id.
    selfservice::ContinuityContainer anonymous = c;
    anonymous.id = core::Uuid::V4(this->random_);
    anonymous.identity_id = core::Uuid{};
    ASSERT_TRUE(repo.Create(anonymous));
    EXPECT_TRUE(repo.Get(anonymous.id)->identity_id.IsNil());
    // Deleting the owner takes its containers with it.
    ASSERT_TRUE(identities.Delete(owner.id));
    EXPECT_EQ(repo.Get(c.id).error().code, 404);
}

REGISTER_TYPED_TEST_SUITE_P(FlowRepositoryContract, LoginFlowRoundTripAndUpdate,
                            AFormKeptAsTextParsesAndStoresAsTheParsedOne, RegistrationFlowRoundTrip,
                            ErrorsAreStoredAndMarkedSeen, SettingsFlowRoundTripFollowsItsIdentity,
                            ContinuityContainersRoundTripAndDeleteIsIdempotent,
                            StampWithSessionReadsBothStampsInOneStatement);

}  // namespace bia::persistence::testing
