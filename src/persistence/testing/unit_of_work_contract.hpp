// Contract suite every backend's core::UnitOfWork must pass: writes of several repositories made
// inside Run commit together or not at all, the unit's own reads see them, and other threads see
// none of them before Run returns. The Backend exposes Db(handle) (the database, which is the
// unit of work) and the handle's repositories.
#pragma once

#include <gtest/gtest.h>

#include <thread>

#include "core/unit_of_work.hpp"
#include "persistence/testing/identity_repository_contract.hpp"

namespace bia::persistence::testing {

template <class Backend>
class UnitOfWorkContract : public ::testing::Test {
  protected:
    void SetUp() override {
        handle_ = Backend::Make();
        owner_ = MakeIdentity(random_, "owner" + random_.AlphaNumeric(6) + "@example.com");
        ASSERT_TRUE(handle_->identities().Create(owner_));
    }
    core::UnitOfWork& units() { return Backend::Db(*handle_); }
    identity::IdentityRepository& identities() { return handle_->identities(); }
    session::SessionRepository& sessions() { return handle_->sessions(); }
    // Whether another thread (another connection, outside the unit) finds the session.
    bool SeenOutside(const core::Uuid& session_id) {
        bool found = false;
        std::thread([&] { found = sessions().FindById(session_id, false).ok(); }).join();
        return found;
    }
    core::SecureRandom random_;
    decltype(Backend::Make()) handle_;
    identity::Identity owner_;
};

TYPED_TEST_SUITE_P(UnitOfWorkContract);

TYPED_TEST_P(UnitOfWorkContract, WritesOfSeveralRepositoriesCommitTogether) {
    auto s = persistence::testing::MakeSession(this->random_, this->owner_.id);
    identity::Identity changed = this->owner_;
    changed.traits["name"] = "Ada";
    int runs = 0;
    bool seen_inside = false, seen_outside = true, traits_inside = false;
    auto st = this->units().Run([&]() -> core::Status {
        ++runs;
        BIA_TRY(this->identities().Update(changed));
        BIA_TRY(this->sessions().Create(s));
        s.methods.push_back({"totp", "aal2", s.created_at, ""});
        BIA_TRY(this->sessions().Update(s));
        s.methods.pop_back();
        // The unit reads its own writes; another connection sees none of them yet.
        auto got = this->sessions().FindById(s.id, true);
        seen_inside = got.ok() && got->methods.size() == 2;
        traits_inside = got.ok() && got->identity && got->identity->traits.value("name", "") == "Ada";
        seen_outside = this->SeenOutside(s.id);
        return {};
    });
    ASSERT_TRUE(st) << st.error().message;
    EXPECT_EQ(runs, 1);
    EXPECT_TRUE(seen_inside);
    EXPECT_TRUE(traits_inside);
    EXPECT_FALSE(seen_outside) << "a write of the unit was visible before it committed";
    EXPECT_TRUE(this->SeenOutside(s.id));
    EXPECT_EQ(this->sessions().FindById(s.id, false)->methods.size(), 2u);
    EXPECT_EQ(this->identities().Get(this->owner_.id)->traits.value("name", ""), "Ada");
}

TYPED_TEST_P(UnitOfWorkContract, AFailingUnitLeavesNothingWritten) {
    auto s = persistence::testing::MakeSession(this->random_, this->owner_.id);
    identity::Identity changed = this->owner_;
    changed.traits["name"] = "Ada";
    auto st = this->units().Run([&]() -> core::Status {
        BIA_TRY(this->identities().Update(changed));
        BIA_TRY(this->sessions().Create(s));
        return core::Conflict("the caller changed its mind");
    });
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().code, 409);
    EXPECT_EQ(st.error().reason, "the caller changed its mind");
    EXPECT_FALSE(this->SeenOutside(s.id));
    EXPECT_EQ(this->identities().Get(this->owner_.id)->traits.value("name", "none"), "none");
}

TYPED_TEST_P(UnitOfWorkContract, AWriteRefusedInsideTheUnitUndoesTheOthers) {
    auto s = persistence::testing::MakeSession(this->random_, this->owner_.id);
    auto other = MakeIdentity(this->random_, "other" + this->random_.AlphaNumeric(6) + "@example.com");
    // The same address as the owner's: the store refuses it (409).
    auto clash = MakeIdentity(this->random_, this->owner_.traits["email"].template get<std::string>());
    auto st = this->units().Run([&]() -> core::Status {
        BIA_TRY(this->sessions().Create(s));
        BIA_TRY(this->identities().Create(other));
        return this->identities().Create(clash);
    });
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().code, 409);
    EXPECT_FALSE(this->SeenOutside(s.id));
    EXPECT_EQ(this->identities().Get(other.id).error().code, 404);
    // The store is usable afterwards.
    EXPECT_TRUE(this->units().Run([&] { return this->sessions().Create(s); }));
    EXPECT_TRUE(this->SeenOutside(s.id));
}

TYPED_TEST_P(UnitOfWorkContract, UnitsFromManyThreadsAllCommit) {
    constexpr int kThreads = 4, kEach = 10;
    std::vector<std::thread> threads;
    std::vector<std::vector<session::Session>> made(kThreads);
    std::atomic<int> failures{0};
    for (int t = 0; t < kThreads; ++t) {
        for (int k = 0; k < kEach; ++k) made[t].push_back(MakeSession(this->random_, this->owner_.id));
        threads.emplace_back([&, t] {
            for (int k = 0; k < kEach; ++k) {
                auto& s = made[t][k];
                auto st = this->units().Run([&]() -> core::Status {
                    BIA_TRY(this->sessions().Create(s));
                    session::Session extended = s;
                    extended.methods.push_back({"totp", "aal2", s.created_at, ""});
                    return this->sessions().Update(extended);
                });
                if (!st) ++failures;
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(failures.load(), 0);
    for (auto& per : made)
        for (auto& s : per) EXPECT_EQ(this->sessions().FindById(s.id, false)->methods.size(), 2u);
}

REGISTER_TYPED_TEST_SUITE_P(UnitOfWorkContract, WritesOfSeveralRepositoriesCommitTogether,
                            AFailingUnitLeavesNothingWritten, AWriteRefusedInsideTheUnitUndoesTheOthers,
                            UnitsFromManyThreadsAllCommit);

}  // namespace bia::persistence::testing
