// Contract suite every identity::IdentityRepository backend must pass. A backend instantiates it
// with a Backend type providing `static std::unique_ptr<BackendHandle> Make()` where the handle
// exposes `identity::IdentityRepository& identities()`.
#pragma once

#include <gtest/gtest.h>

#include "core/random.hpp"
#include "identity/identity_repository.hpp"
#include "session/session.hpp"

namespace bia::persistence::testing {

inline identity::Identity MakeIdentity(core::Random& r, const std::string& email) {
    identity::Identity i;
    i.id = core::Uuid::V4(r);
    i.schema_id = "default";
    i.traits = {{"email", email}};
    i.created_at = i.updated_at =
        core::TimePoint(std::chrono::seconds(1700000000)) + std::chrono::microseconds(r.Bytes(1)[0]);
    identity::Credential pw;
    pw.type = "password";
    pw.identifiers = {email};
    pw.config = {{"hashed_password", "$2b$04$abcdefghijklmnopqrstuu0123456789012345678901234567890"}};
    pw.created_at = pw.updated_at = i.created_at;
    i.credentials.emplace("password", pw);
    identity::VerifiableAddress va;
    va.id = core::Uuid::V4(r);
    va.value = email;
    va.created_at = va.updated_at = i.created_at;
    i.verifiable_addresses.push_back(va);
    identity::RecoveryAddress ra;
    ra.id = core::Uuid::V4(r);
    ra.value = email;
    ra.created_at = ra.updated_at = i.created_at;
    i.recovery_addresses.push_back(ra);
    return i;
}

// An active aal1 password session of `identity_id`, issued at a fixed time, valid for a day.
inline session::Session MakeSession(core::Random& r, const core::Uuid& identity_id) {
    session::Session s;
    s.id = core::Uuid::V4(r);
    s.token = "ory_st_" + r.AlphaNumeric(32);
    s.logout_token = "ory_lo_" + r.AlphaNumeric(32);
    s.identity_id = identity_id;
    s.created_at = s.updated_at = s.issued_at = s.authenticated_at = core::TimePoint(std::chrono::seconds(1700000000));
    s.expires_at = s.created_at + std::chrono::hours(24);
    s.methods = {{"password", "aal1", s.created_at, ""}};
    return s;
}

template <class Backend>
class IdentityRepositoryContract : public ::testing::Test {
  protected:
    void SetUp() override { handle_ = Backend::Make(); }
    identity::IdentityRepository& repo() { return handle_->identities(); }
    core::SecureRandom random_;
    decltype(Backend::Make()) handle_;
};

TYPED_TEST_SUITE_P(IdentityRepositoryContract);

TYPED_TEST_P(IdentityRepositoryContract, CreateThenGetReturnsEverything) {
    auto i = MakeIdentity(this->random_, "a@example.com");
    i.metadata_public = {{"plan", "pro"}};
    i.metadata_admin = {{"crm", 42}};
    ASSERT_TRUE(this->repo().Create(i));
    auto got = this->repo().Get(i.id);
    ASSERT_TRUE(got) << got.error().reason;
    EXPECT_EQ(got->traits, i.traits);
    EXPECT_EQ(got->metadata_public, i.metadata_public);
    EXPECT_EQ(got->metadata_admin, i.metadata_admin);
    EXPECT_EQ(got->created_at, i.created_at);
    ASSERT_NE(got->FindCredential("password"), nullptr);
    EXPECT_EQ(got->FindCredential("password")->identifiers, std::vector<std::string>{"a@example.com"});
    EXPECT_EQ(got->FindCredential("password")->config, i.credentials.at("password").config);
    ASSERT_EQ(got->verifiable_addresses.size(), 1u);
    EXPECT_EQ(got->verifiable_addresses[0].id, i.verifiable_addresses[0].id);
    EXPECT_EQ(got->verifiable_addresses[0].status, "pending");
    ASSERT_EQ(got->recovery_addresses.size(), 1u);
    EXPECT_TRUE(got->metadata_public.is_object());
}

TYPED_TEST_P(IdentityRepositoryContract, UnsetMetadataStaysNull) {
    auto i = MakeIdentity(this->random_, "n@example.com");
    ASSERT_TRUE(this->repo().Create(i));
    auto got = this->repo().Get(i.id);
    ASSERT_TRUE(got);
    EXPECT_TRUE(got->metadata_public.is_null());
    EXPECT_TRUE(got->metadata_admin.is_null());
}

TYPED_TEST_P(IdentityRepositoryContract, DuplicateIdentifierIsConflictAndWritesNothing) {
    auto a = MakeIdentity(this->random_, "dup@example.com");
    ASSERT_TRUE(this->repo().Create(a));
    auto b = MakeIdentity(this->random_, "dup@example.com");
    auto s = this->repo().Create(b);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, 409);
    EXPECT_FALSE(identity::IsConcurrentUpdate(s.error())) << "a taken identifier is not a stale write";
    auto got = this->repo().Get(b.id);
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().code, 404);
}

TYPED_TEST_P(IdentityRepositoryContract, FindByCredentialIdentifier) {
    auto a = MakeIdentity(this->random_, "find@example.com");
    ASSERT_TRUE(this->repo().Create(a));
    auto got = this->repo().FindByCredentialIdentifier("password", "find@example.com");
    ASSERT_TRUE(got);
    EXPECT_EQ(got->id, a.id);
    EXPECT_FALSE(this->repo().FindByCredentialIdentifier("password", "nobody@example.com"));
    EXPECT_FALSE(this->repo().FindByCredentialIdentifier("webauthn", "find@example.com"));
}

TYPED_TEST_P(IdentityRepositoryContract, FindByAddress) {
    auto a = MakeIdentity(this->random_, "addr@example.com");
    ASSERT_TRUE(this->repo().Create(a));
    for (auto kind : {identity::AddressKind::kVerifiable, identity::AddressKind::kRecovery}) {
        auto got = this->repo().FindByAddress(kind, "email", "addr@example.com");
        ASSERT_TRUE(got);
        EXPECT_EQ(got->id, a.id);
        EXPECT_EQ(got->verifiable_addresses.size(), 1u);
        EXPECT_EQ(this->repo().FindByAddress(kind, "email", "other@example.com").error().code, 404);
        EXPECT_EQ(this->repo().FindByAddress(kind, "sms", "addr@example.com").error().code, 404);
    }
}

TYPED_TEST_P(IdentityRepositoryContract, UpdateReplacesChildrenAtomically) {
    auto a = MakeIdentity(this->random_, "old@example.com");
    ASSERT_TRUE(this->repo().Create(a));
    auto other = MakeIdentity(this->random_, "taken@example.com");
    ASSERT_TRUE(this->repo().Create(other));

    auto changed = a;
    changed.traits = {{"email", "new@example.com"}};
    changed.credentials.at("password").identifiers = {"new@example.com"};
    changed.verifiable_addresses[0].value = "new@example.com";
    changed.recovery_addresses[0].value = "new@example.com";
    ASSERT_TRUE(this->repo().Update(changed));
    EXPECT_TRUE(this->repo().FindByCredentialIdentifier("password", "new@example.com"));
    EXPECT_FALSE(this->repo().FindByCredentialIdentifier("password", "old@example.com"));

    // A conflicting update leaves the previous state intact.
    auto clash = changed;
    clash.traits = {{"email", "taken@example.com"}};
    clash.credentials.at("password").identifiers = {"taken@example.com"};
    auto s = this->repo().Update(clash);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, 409);
    EXPECT_FALSE(identity::IsConcurrentUpdate(s.error())) << "a taken identifier is not a stale write";
    auto got = this->repo().Get(a.id);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->traits["email"], "new@example.com");
    EXPECT_EQ(got->FindCredential("password")->identifiers, std::vector<std::string>{"new@example.com"});
}

TYPED_TEST_P(IdentityRepositoryContract, StaleReadModifyWriteIsRefusedNotLost) {
    auto created = MakeIdentity(this->random_, "stale@example.com");
    ASSERT_TRUE(this->repo().Create(created));
    auto first = this->repo().Get(created.id);
    auto second = this->repo().Get(created.id);
    ASSERT_TRUE(first);
    ASSERT_TRUE(second);
    first->traits["name"] = "admin";
    first->updated_at += std::chrono::seconds(1);
    ASSERT_TRUE(this->repo().Update(*first));
    // `second` was read before `first` was written: writing it would lose the admin change.
    second->metadata_public = {{"x", 1}};
    second->updated_at += std::chrono::seconds(2);
    auto s = this->repo().Update(*second);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, 409);
    // Distinguishable from a unique-constraint 409 by its id (issue 13).
    EXPECT_TRUE(identity::IsConcurrentUpdate(s.error())) << s.error().id << " " << s.error().reason;
    auto now = this->repo().Get(created.id);
    ASSERT_TRUE(now);
    EXPECT_EQ(now->traits["name"], "admin");
    EXPECT_TRUE(now->metadata_public.is_null());
    // A fresh read can be written; an identity built without a read is written unconditionally.
    now->metadata_public = {{"x", 2}};
    now->updated_at += std::chrono::seconds(3);
    EXPECT_TRUE(this->repo().Update(*now));
    auto blind = *now;
    blind.stored_updated_at.reset();
    EXPECT_TRUE(this->repo().Update(blind));
}

// An update that names the identity as the caller loaded it is compared with what is stored when
// another write came after that load: a credential added meanwhile is not taken for one the
// caller still has (the update below writes its children, without the added one, as it would
// without the hint).
TYPED_TEST_P(IdentityRepositoryContract, UpdateAfterAnotherWriteComparesWithTheStoredChildren) {
    auto created = MakeIdentity(this->random_, "hint@example.com");
    ASSERT_TRUE(this->repo().Create(created));
    auto mine = this->repo().Get(created.id);
    auto theirs = this->repo().Get(created.id);
    ASSERT_TRUE(mine);
    ASSERT_TRUE(theirs);
    auto added = *theirs;
    identity::Credential totp;
    totp.type = "totp";
    totp.config = {{"totp_url", "otpauth://totp/x?secret=ABC"}};
    totp.created_at = totp.updated_at = added.updated_at;
    added.credentials.emplace("totp", totp);
    ASSERT_TRUE(this->repo().Update(added, &*theirs));
    auto blind = *mine;
    blind.stored_updated_at.reset();  // written whatever came since
    blind.traits["name"] = "mine";
    ASSERT_TRUE(this->repo().Update(blind, &*mine));
    auto now = this->repo().Get(created.id);
    ASSERT_TRUE(now);
    EXPECT_EQ(now->traits["name"], "mine");
    EXPECT_EQ(now->credentials, mine->credentials);
    EXPECT_EQ(now->FindCredential("totp"), nullptr);
    EXPECT_EQ(now->revision, mine->revision + 2);
    // With no other write between, the hint and a plain update agree.
    auto again = *now;
    again.credentials.erase("password");
    again.updated_at += std::chrono::seconds(1);
    ASSERT_TRUE(this->repo().Update(again, &*now));
    auto last = this->repo().Get(created.id);
    ASSERT_TRUE(last);
    EXPECT_EQ(last->credentials, again.credentials);
    EXPECT_FALSE(this->repo().FindByCredentialIdentifier("password", "hint@example.com"));
}

TYPED_TEST_P(IdentityRepositoryContract, ListCountAndDelete) {
    std::vector<core::Uuid> ids;
    for (int k = 0; k < 5; ++k) {
        auto i = MakeIdentity(this->random_, "list" + std::to_string(k) + "@example.com");
        ASSERT_TRUE(this->repo().Create(i));
        ids.push_back(i.id);
    }
    auto count = this->repo().Count();
    ASSERT_TRUE(count);
    EXPECT_EQ(*count, 5);
    auto page1 = this->repo().List(0, 2);
    auto page3 = this->repo().List(4, 2);
    ASSERT_TRUE(page1);
    ASSERT_TRUE(page3);
    EXPECT_EQ(page1->size(), 2u);
    EXPECT_EQ(page3->size(), 1u);
    ASSERT_TRUE(this->repo().Delete(ids[0]));
    auto again = this->repo().Delete(ids[0]);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, 404);
    EXPECT_EQ(*this->repo().Count(), 4);
    EXPECT_FALSE(this->repo().FindByCredentialIdentifier("password", "list0@example.com"));
}

REGISTER_TYPED_TEST_SUITE_P(IdentityRepositoryContract, CreateThenGetReturnsEverything, UnsetMetadataStaysNull,
                            UpdateAfterAnotherWriteComparesWithTheStoredChildren,
                            DuplicateIdentifierIsConflictAndWritesNothing, FindByCredentialIdentifier, FindByAddress,
                            UpdateReplacesChildrenAtomically, StaleReadModifyWriteIsRefusedNotLost, ListCountAndDelete);

}  // namespace bia::persistence::testing
