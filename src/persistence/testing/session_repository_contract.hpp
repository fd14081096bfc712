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
    session::Session MakeSession() { return persistence::testing::MakeSession(random_, owner_.id); }
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

// What whoami's cached answers rely on (core::AnswerCache): every write of the session, the
// identity row or one of its child tables changes a revision FindStamp reads, even when the
// writer keeps updated_at as it was; the data FindByToken loads carries the revisions it was
// read at; revocation, deactivation and deletion show in the stamp.
TYPED_TEST_P(SessionRepositoryContract, StampChangesWithEveryWrite) {
    auto s = this->MakeSession();
    ASSERT_TRUE(this->repo().Create(s));
    auto& identities = this->handle_->identities();
    const auto now = s.created_at + std::chrono::minutes(1);
    auto stamp = [&] {
        auto st = this->repo().FindStamp(s.token);
        EXPECT_TRUE(st) << st.error().reason;
        return st ? *st : session::SessionStamp{};
    };
    auto first = stamp();
    EXPECT_TRUE(first.active);
    EXPECT_TRUE(first.identity_active);
    EXPECT_EQ(first.expires_at, s.expires_at);
    EXPECT_TRUE(first.IsValidAt(now));
    EXPECT_FALSE(first.IsValidAt(s.expires_at));
    auto loaded = this->repo().FindByToken(s.token);
    ASSERT_TRUE(loaded);
    EXPECT_EQ(loaded->revision, first.session_revision);
    EXPECT_EQ(loaded->identity->revision, first.identity_revision);

    // The session row.
    loaded->methods.push_back({"totp", "aal2", now, ""});
    ASSERT_TRUE(this->repo().Update(*loaded));
    auto second = stamp();
    EXPECT_NE(second.session_revision, first.session_revision);
    EXPECT_EQ(second.identity_revision, first.identity_revision);

    // A trait, with updated_at left as it was.
    auto ident = identities.Get(this->owner_.id);
    ASSERT_TRUE(ident);
    ident->traits["email"] = "changed" + this->random_.AlphaNumeric(6) + "@example.com";
    ASSERT_TRUE(identities.Update(*ident));
    auto third = stamp();
    EXPECT_NE(third.identity_revision, second.identity_revision);
    EXPECT_EQ(third.session_revision, second.session_revision);

    // A child table only: the address becomes verified.
    ident = identities.Get(this->owner_.id);
    ASSERT_TRUE(ident);
    ASSERT_FALSE(ident->verifiable_addresses.empty());
    ident->verifiable_addresses[0].verified = true;
    ident->verifiable_addresses[0].status = "completed";
    ASSERT_TRUE(identities.Update(*ident));
    auto fourth = stamp();
    EXPECT_NE(fourth.identity_revision, third.identity_revision);
    auto reloaded = this->repo().FindByToken(s.token);
    ASSERT_TRUE(reloaded);
    EXPECT_EQ(reloaded->identity->revision, fourth.identity_revision);
    EXPECT_TRUE(reloaded->identity->verifiable_addresses[0].verified);

    // Deactivation shows in the stamp.
    ident = identities.Get(this->owner_.id);
    ASSERT_TRUE(ident);
    ident->state = std::string(identity::kStateInactive);
    ASSERT_TRUE(identities.Update(*ident));
    auto fifth = stamp();
    EXPECT_FALSE(fifth.identity_active);
    EXPECT_FALSE(fifth.IsValidAt(now));

    // Each way of revoking.
    auto other = this->MakeSession();
    ASSERT_TRUE(this->repo().Create(other));
    const auto before_others = stamp().session_revision;
    ASSERT_TRUE(this->repo().RevokeAllExcept(this->owner_.id, other.id));
    auto sixth = stamp();
    EXPECT_FALSE(sixth.active);
    EXPECT_NE(sixth.session_revision, before_others);
    const auto other_before = this->repo().FindStamp(other.token)->session_revision;
    ASSERT_TRUE(this->repo().RevokeAll(this->owner_.id));
    EXPECT_NE(this->repo().FindStamp(other.token)->session_revision, other_before);
    auto third_session = this->MakeSession();
    ASSERT_TRUE(this->repo().Create(third_session));
    ASSERT_TRUE(this->repo().Revoke(third_session.id));
    EXPECT_FALSE(this->repo().FindStamp(third_session.token)->active);
    EXPECT_NE(this->repo().FindStamp(third_session.token)->session_revision, 0);

    // Unknown tokens and deleted identities: 404.
    auto missing = this->repo().FindStamp("ory_st_nope");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, 404);
    ASSERT_TRUE(identities.Delete(this->owner_.id));
    auto gone = this->repo().FindStamp(s.token);
    ASSERT_FALSE(gone);
    EXPECT_EQ(gone.error().code, 404);
}

REGISTER_TYPED_TEST_SUITE_P(SessionRepositoryContract, FindByTokenLoadsIdentity, UpdateAndRevocation,
                            DeletingIdentityRemovesSessions, StampChangesWithEveryWrite);

}  // namespace bia::persistence::testing
