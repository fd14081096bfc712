// Contract suite every session::SessionRepository backend must pass. The Backend handle exposes
// `identities()` and `sessions()`.
#pragma once

#include <gtest/gtest.h>

#include "persistence/testing/identity_repository_contract.hpp"
#include "session/session_repository.hpp"

namespace bia::persistence::testing {

template <class Backend>
class SessionRepositoryContract : public ::testing::Test {
  protected:
    void SetUp() override {
        handle_ = Backend::Make();
        owner_ = MakeIdentity(random_, "owner" + random_.AlphaNumeric(6) + "@example.com");
        ASSERT_TRUE(handle_->identities().Create(owner_));
    }
    session::Session MakeSession() {
        session::Session s;
        s.id = core::Uuid::V4(random_);
        s.token = "ory_st_" + random_.AlphaNumeric(32);
        s.logout_token = "ory_lo_" + random_.AlphaNumeric(32);
        s.identity_id = owner_.id;
        s.created_at = s.updated_at = s.issued_at = s.authenticated_at =
            core::TimePoint(std::chrono::seconds(1700000000));
        s.expires_at = s.created_at + std::chrono::hours(24);
        s.methods = {{"password", "aal1", s.created_at, ""}};
        return s;
    }
    session::SessionRepository& repo() { return handle_->sessions(); }
    core::SecureRandom random_;
    decltype(Backend::Make()) handle_;
    identity::Identity owner_;
};

TYPED_TEST_SUITE_P(SessionRepositoryContract);

TYPED_TEST_P(SessionRepositoryContract, FindByTokenLoadsIdentity) {
    auto s = this->MakeSession();
    ASSERT_TRUE(this->repo().Create(s));
    auto got = this->repo().FindByToken(s.token);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->id, s.id);
    ASSERT_TRUE(got->identity.has_value());
    EXPECT_EQ(got->identity->id, this->owner_.id);
    ASSERT_EQ(got->methods.size(), 1u);
    EXPECT_EQ(got->methods[0].method, "password");
    EXPECT_EQ(got->expires_at, s.expires_at);
    auto missing = this->repo().FindByToken("ory_st_nope");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, 404);
}

TYPED_TEST_P(SessionRepositoryContract, UpdateAndRevocation) {
    auto a = this->MakeSession();
    auto b = this->MakeSession();
    auto c = this->MakeSession();
    for (auto* s : {&a, &b, &c}) ASSERT_TRUE(this->repo().Create(*s));
    a.methods.push_back({"totp", "aal2", a.created_at, ""});
    ASSERT_TRUE(this->repo().Update(a));
    EXPECT_EQ(this->repo().FindById(a.id, false)->methods.size(), 2u);

    auto revoked = this->repo().RevokeAllExcept(this->owner_.id, a.id);
    ASSERT_TRUE(revoked);
    EXPECT_EQ(*revoked, 2);
    EXPECT_TRUE(this->repo().FindById(a.id, false)->active);
    EXPECT_FALSE(this->repo().FindById(b.id, false)->active);
    EXPECT_EQ(*this->repo().CountByIdentity(this->owner_.id, true), 1);
    EXPECT_EQ(*this->repo().CountByIdentity(this->owner_.id, std::nullopt), 3);
    ASSERT_TRUE(this->repo().Revoke(a.id));
    EXPECT_EQ(*this->repo().CountByIdentity(this->owner_.id, true), 0);
    EXPECT_EQ(this->repo().ListByIdentity(this->owner_.id, false, 0, 10)->size(), 3u);
}

TYPED_TEST_P(SessionRepositoryContract, DeletingIdentityRemovesSessions) {
    auto s = this->MakeSession();
    ASSERT_TRUE(this->repo().Create(s));
    ASSERT_TRUE(this->handle_->identities().Delete(this->owner_.id));
    EXPECT_FALSE(this->repo().FindByToken(s.token));
}

REGISTER_TYPED_TEST_SUITE_P(SessionRepositoryContract, FindByTokenLoadsIdentity, UpdateAndRevocation,
                            DeletingIdentityRemovesSessions);

}  // namespace bia::persistence::testing
