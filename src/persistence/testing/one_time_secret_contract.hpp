// Contract suite every backend's selfservice::OneTimeSecretRepository must pass: lookups by kind
// and digest (optionally scoped to a flow), single use under a conditional write, retiring a
// flow's earlier secrets, and secrets going with their identity. A backend instantiates it with
// its test backend (handle exposing identities() and one_time_secrets()).
#pragma once

#include <gtest/gtest.h>

#include "core/random.hpp"
#include "persistence/testing/identity_repository_contract.hpp"
#include "selfservice/flow/one_time_secret.hpp"

namespace bia::persistence::testing {

template <class Backend>
class OneTimeSecretContract : public ::testing::Test {
  protected:
    void SetUp() override { handle_ = Backend::Make(); }
    selfservice::OneTimeSecretRepository& repo() { return handle_->one_time_secrets(); }
    identity::IdentityRepository& identities() { return handle_->identities(); }

    selfservice::OneTimeSecret Secret(const identity::Identity& who, const core::Uuid& flow, std::string digest,
                                      selfservice::SecretKind kind = selfservice::SecretKind::kRecoveryCode) {
        selfservice::OneTimeSecret s;
        s.id = core::Uuid::V4(random_);
        s.kind = kind;
        s.digest = std::move(digest);
        s.flow_id = flow;
        s.identity_id = who.id;
        s.address = "alice@example.com";
        s.created_at = core::TimePoint(std::chrono::seconds(1700000000));
        s.expires_at = s.created_at + std::chrono::hours(1);
        return s;
    }

    core::SeededRandom random_{29};
    decltype(Backend::Make()) handle_;
};

TYPED_TEST_SUITE_P(OneTimeSecretContract);

TYPED_TEST_P(OneTimeSecretContract, FindsUnusedSecretsByKindDigestAndFlow) {
    auto who = MakeIdentity(this->random_, "secret@example.com");
    ASSERT_TRUE(this->identities().Create(who));
    const auto flow = core::Uuid::V4(this->random_);
    auto s = this->Secret(who, flow, "d1");
    s.payload = {{"traits", {{"email", "before@example.com"}}}};
    ASSERT_TRUE(this->repo().Create(s));
    auto got = this->repo().FindUnused(selfservice::SecretKind::kRecoveryCode, "d1", flow);
    ASSERT_TRUE(got) << got.error().reason;
    EXPECT_EQ(got->id, s.id);
    EXPECT_EQ(got->identity_id, who.id);
    EXPECT_EQ(got->flow_id, flow);
    EXPECT_EQ(got->address, "alice@example.com");
    EXPECT_EQ(got->expires_at, s.expires_at);
    EXPECT_EQ(got->payload, s.payload);
    EXPECT_TRUE(this->repo().FindUnused(selfservice::SecretKind::kRecoveryCode, "d1", std::nullopt));
    EXPECT_EQ(this->repo()
                  .FindUnused(selfservice::SecretKind::kRecoveryCode, "d1", core::Uuid::V4(this->random_))
                  .error()
                  .code,
              404);
    EXPECT_EQ(this->repo().FindUnused(selfservice::SecretKind::kVerificationCode, "d1", flow).error().code, 404);
    EXPECT_EQ(this->repo().FindUnused(selfservice::SecretKind::kRecoveryCode, "d2", flow).error().code, 404);
}

TYPED_TEST_P(OneTimeSecretContract, ASecretIsUsedOnce) {
    auto who = MakeIdentity(this->random_, "once@example.com");
    ASSERT_TRUE(this->identities().Create(who));
    auto s = this->Secret(who, core::Uuid::V4(this->random_), "once");
    ASSERT_TRUE(this->repo().Create(s));
    const auto now = s.created_at + std::chrono::minutes(1);
    EXPECT_EQ(this->repo().Use(s.id, now).value(), true);
    EXPECT_EQ(this->repo().Use(s.id, now).value(), false);
    EXPECT_EQ(this->repo().FindUnused(s.kind, "once", std::nullopt).error().code, 404);
}

TYPED_TEST_P(OneTimeSecretContract, RetireEndsAFlowsEarlierSecretsOfThatKind) {
    auto who = MakeIdentity(this->random_, "retire@example.com");
    ASSERT_TRUE(this->identities().Create(who));
    const auto flow = core::Uuid::V4(this->random_);
    ASSERT_TRUE(this->repo().Create(this->Secret(who, flow, "a")));
    ASSERT_TRUE(this->repo().Create(this->Secret(who, flow, "b", selfservice::SecretKind::kRecoveryLink)));
    ASSERT_TRUE(this->repo().Retire(selfservice::SecretKind::kRecoveryCode, flow,
                                    core::TimePoint(std::chrono::seconds(1700000100))));
    EXPECT_EQ(this->repo().FindUnused(selfservice::SecretKind::kRecoveryCode, "a", flow).error().code, 404);
    EXPECT_TRUE(this->repo().FindUnused(selfservice::SecretKind::kRecoveryLink, "b", flow));
}

TYPED_TEST_P(OneTimeSecretContract, SecretsGoWithTheirIdentity) {
    auto who = MakeIdentity(this->random_, "gone@example.com");
    ASSERT_TRUE(this->identities().Create(who));
    ASSERT_TRUE(this->repo().Create(this->Secret(who, core::Uuid::V4(this->random_), "gone")));
    ASSERT_TRUE(this->identities().Delete(who.id));
    EXPECT_EQ(this->repo().FindUnused(selfservice::SecretKind::kRecoveryCode, "gone", std::nullopt).error().code, 404);
}

REGISTER_TYPED_TEST_SUITE_P(OneTimeSecretContract, FindsUnusedSecretsByKindDigestAndFlow, ASecretIsUsedOnce,
                            RetireEndsAFlowsEarlierSecretsOfThatKind, SecretsGoWithTheirIdentity);

}  // namespace bia::persistence::testing
