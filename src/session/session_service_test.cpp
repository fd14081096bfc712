// SessionService::ResolveToken with its cache of resolved sessions: a kept session is served only
// under the exact revisions its stamp shows now, so every write is seen on the very next call.
#include <gtest/gtest.h>

#include "session/session_service.hpp"

namespace bia::session {
namespace {

using namespace std::chrono_literals;

// One session with its identity, stamped the way the SQL stores stamp them; counts full loads.
class OneSessionRepository final : public SessionRepository {
  public:
    Session row;
    int loads = 0;
    int stamps = 0;

    core::Status Create(const Session&) override { return core::Internal("unused"); }
    core::Status Update(const Session&) override { return core::Internal("unused"); }
    core::Result<Session> FindByToken(std::string_view token) override {
        ++loads;
        if (token != row.token) return core::ResourceNotFound();
        return row;
    }
    core::Result<SessionStamp> FindStamp(std::string_view token) override {
        ++stamps;
        if (token != row.token) return core::ResourceNotFound();
        return SessionStamp{.session_revision = row.revision,
                            .identity_revision = row.identity->revision,
                            .active = row.active,
                            .expires_at = row.expires_at,
                            .identity_active = row.identity->IsActive()};
    }
    core::Result<Session> FindById(const core::Uuid&, bool) override { return core::Internal("unused"); }
    core::Result<std::vector<Session>> ListByIdentity(const core::Uuid&, std::optional<bool>, int64_t,
                                                      int64_t) override {
        return core::Internal("unused");
    }
    core::Result<int64_t> CountByIdentity(const core::Uuid&, std::optional<bool>) override {
        return core::Internal("unused");
    }
    core::Result<int64_t> RevokeAllExcept(const core::Uuid&, const core::Uuid&) override {
        return core::Internal("unused");
    }
    core::Result<int64_t> RevokeAll(const core::Uuid&) override { return core::Internal("unused"); }
    core::Status Revoke(const core::Uuid&) override { return core::Internal("unused"); }

    // A write as a store makes it: the content and the revision change together.
    void WriteSession(const std::function<void(Session&)>& change) {
        change(row);
        ++row.revision;
    }
    void WriteIdentity(const std::function<void(identity::Identity&)>& change) {
        change(*row.identity);
        ++row.identity->revision;
    }
};

class SessionCacheTest : public ::testing::Test {
  protected:
    SessionCacheTest() {
        repo_.row.token = "ory_st_token";
        repo_.row.active = true;
        repo_.row.expires_at = clock_.Now() + 1h;
        repo_.row.revision = 3;
        identity::Identity i;
        i.traits = {{"email", "a@example.com"}};
        i.revision = 7;
        identity::Credential pw;
        pw.type = "password";
        pw.identifiers = {"a@example.com"};
        pw.config = {{"hashed_password", "$2a$04$old"}};
        i.credentials.emplace("password", pw);
        repo_.row.identity = i;
    }
    SessionService Service(size_t cache_bytes = kSessionCacheBytes) {
        return SessionService(repo_, clock_, random_, SessionOptions{.cache_bytes = cache_bytes});
    }

    OneSessionRepository repo_;
    core::FakeClock clock_;
    core::SeededRandom random_{1};
};

TEST_F(SessionCacheTest, AnUnchangedSessionIsServedFromTheCacheAfterOneStampRead) {
    auto sessions = Service();
    auto first = sessions.ResolveToken("ory_st_token");
    ASSERT_TRUE(first);
    EXPECT_EQ(repo_.loads, 1);
    auto second = sessions.ResolveToken("ory_st_token");
    ASSERT_TRUE(second);
    EXPECT_EQ(repo_.loads, 1) << "served from the cache";
    EXPECT_EQ(repo_.stamps, 2) << "but only after reading the stamp";
    EXPECT_EQ(second->identity->traits, first->identity->traits);
    EXPECT_EQ(second->identity->credentials.at("password").config, first->identity->credentials.at("password").config);
    // Proof that the revisions alone decide: content changed without a revision is still served.
    repo_.row.identity->traits["email"] = "unstamped@example.com";
    EXPECT_EQ(sessions.ResolveToken("ory_st_token")->identity->traits["email"], "a@example.com");
}

TEST_F(SessionCacheTest, EveryWriteIsSeenOnTheVeryNextCall) {
    auto sessions = Service();
    ASSERT_TRUE(sessions.ResolveToken("ory_st_token"));
    // A trait.
    repo_.WriteIdentity([](identity::Identity& i) { i.traits["email"] = "b@example.com"; });
    EXPECT_EQ(sessions.ResolveToken("ory_st_token")->identity->traits["email"], "b@example.com");
    // A credential only (a changed password).
    repo_.WriteIdentity([](identity::Identity& i) { i.credentials["password"].config["hashed_password"] = "$2a$new"; });
    EXPECT_EQ(sessions.ResolveToken("ory_st_token")->identity->credentials.at("password").config["hashed_password"],
              "$2a$new");
    // The session row (a method added).
    repo_.WriteSession([](Session& s) { s.methods.push_back({"totp", "aal2", {}, ""}); });
    EXPECT_EQ(sessions.ResolveToken("ory_st_token")->methods.size(), 1u);
    EXPECT_EQ(repo_.loads, 4);
    // Revoked, then (another session) a deactivated identity: refused at once.
    repo_.WriteSession([](Session& s) { s.active = false; });
    EXPECT_EQ(sessions.ResolveToken("ory_st_token").error().code, 401);
    repo_.WriteSession([](Session& s) { s.active = true; });
    ASSERT_TRUE(sessions.ResolveToken("ory_st_token"));
    repo_.WriteIdentity([](identity::Identity& i) { i.state = std::string(identity::kStateInactive); });
    EXPECT_EQ(sessions.ResolveToken("ory_st_token").error().code, 401);
}

// A caller that has just written the identity keeps the session with it under the revision it
// wrote: the next call serves that copy without a load while the store shows that revision, and
// loads as soon as it shows another (a write that came between, or after).
TEST_F(SessionCacheTest, ARememberedSessionIsServedOnlyUnderTheRevisionsItCarries) {
    auto sessions = Service();
    auto loaded = sessions.ResolveToken("ory_st_token");
    ASSERT_TRUE(loaded);
    ASSERT_EQ(repo_.loads, 1);
    // The write as the store makes it, and the copy the writer keeps (same content, same revision).
    repo_.WriteIdentity([](identity::Identity& i) { i.traits["email"] = "kept@example.com"; });
    Session kept = *loaded;
    kept.identity->traits["email"] = "kept@example.com";
    kept.identity->revision = repo_.row.identity->revision;
    sessions.Remember("ory_st_token", kept);
    auto served = sessions.ResolveToken("ory_st_token");
    ASSERT_TRUE(served);
    EXPECT_EQ(repo_.loads, 1) << "the kept copy is served";
    EXPECT_EQ(served->identity->traits["email"], "kept@example.com");

    // Kept under a revision the store does not show (another write came first): never served.
    repo_.WriteIdentity([](identity::Identity& i) { i.traits["email"] = "other@example.com"; });
    Session stale = kept;
    stale.identity->revision = repo_.row.identity->revision - 1;
    sessions.Remember("ory_st_token", stale);
    EXPECT_EQ(sessions.ResolveToken("ory_st_token")->identity->traits["email"], "other@example.com");
    EXPECT_EQ(repo_.loads, 2);

    // Without a cache nothing is kept.
    auto uncached = Service(0);
    uncached.Remember("ory_st_token", *served);
    ASSERT_TRUE(uncached.ResolveToken("ory_st_token"));
    EXPECT_EQ(repo_.loads, 3);
}

TEST_F(SessionCacheTest, ExpiryNeedsNoWriteAndUnknownTokensAreRefused) {
    auto sessions = Service();
    ASSERT_TRUE(sessions.ResolveToken("ory_st_token"));
    clock_.Advance(1h);
    EXPECT_EQ(sessions.ResolveToken("ory_st_token").error().code, 401);
    EXPECT_EQ(sessions.ResolveToken("ory_st_other").error().code, 401);
    EXPECT_EQ(sessions.ResolveToken("").error().code, 401);
    EXPECT_EQ(sessions.ResolveToken(std::string(kMaxTokenLength + 1, 'x')).error().code, 401);
}

TEST_F(SessionCacheTest, TokensNoSessionCouldHaveAreRefusedBeforeAnyLookup) {
    // No issued token holds a byte outside visible ASCII: such a token names no session on every
    // backend, without asking the store (PostgreSQL would fail a lookup of bytes that are not UTF-8).
    for (const size_t cache_bytes : {kSessionCacheBytes, size_t{0}}) {
        auto sessions = Service(cache_bytes);
        for (const std::string& bad : {std::string("ory_st_\xff\xfe"), std::string("ory_st_to ken"),
                                       std::string("ory_st_\0x", 9), std::string("ory_st_tok\x7f")}) {
            EXPECT_EQ(sessions.ResolveToken(bad).error().code, 401);
            EXPECT_EQ(sessions.CurrentStamp(bad).error().code, 401);
        }
    }
    EXPECT_EQ(repo_.stamps + repo_.loads, 0);
    EXPECT_TRUE(CouldBeToken("ory_st_token"));
    EXPECT_TRUE(CouldBeToken(std::string(kMaxTokenLength, '~')));
    EXPECT_FALSE(CouldBeToken(std::string(kMaxTokenLength + 1, '!')));
    EXPECT_FALSE(CouldBeToken(""));
}

TEST_F(SessionCacheTest, WithoutACacheEveryCallLoadsTheSession) {
    auto sessions = Service(0);
    ASSERT_TRUE(sessions.ResolveToken("ory_st_token"));
    ASSERT_TRUE(sessions.ResolveToken("ory_st_token"));
    EXPECT_EQ(repo_.loads, 2);
    EXPECT_EQ(repo_.stamps, 0);
}

TEST_F(SessionCacheTest, AStampTheCallerJustReadIsNotReadAgain) {
    auto sessions = Service();
    auto stamp = sessions.CurrentStamp("ory_st_token");
    ASSERT_TRUE(stamp);
    ASSERT_TRUE(sessions.ResolveToken("ory_st_token", *stamp));  // loads and keeps
    ASSERT_TRUE(sessions.ResolveToken("ory_st_token", *stamp));  // served
    EXPECT_EQ(repo_.stamps, 1);
    EXPECT_EQ(repo_.loads, 1);
    // A stamp showing a later write loads again; one read before the session expired is judged now.
    repo_.WriteIdentity([](identity::Identity& i) { i.traits["email"] = "c@example.com"; });
    auto later = sessions.CurrentStamp("ory_st_token");
    EXPECT_EQ(sessions.ResolveToken("ory_st_token", *later)->identity->traits["email"], "c@example.com");
    EXPECT_EQ(repo_.loads, 2);
    clock_.Advance(1h);
    EXPECT_EQ(sessions.ResolveToken("ory_st_token", *later).error().code, 401);
    EXPECT_EQ(repo_.loads, 2);
    // Without a cache the stamp still decides validity, and the session is loaded.
    auto uncached = Service(0);
    EXPECT_EQ(uncached.ResolveToken("ory_st_token", *later).error().code, 401);
    clock_.Advance(-1h);
    EXPECT_TRUE(uncached.ResolveToken("ory_st_token", *later));
    EXPECT_EQ(repo_.loads, 3);
}

TEST(CachedSession, CostGrowsWithWhatTheSessionHolds) {
    CachedSession small;
    small.session.identity = identity::Identity{};
    CachedSession large = small;
    large.session.identity->traits = {{"bio", std::string(10000, 'x')}};
    EXPECT_GT(large.Cost(), small.Cost() + 10000);
    EXPECT_GT(small.Cost(), sizeof(Session));
}

}  // namespace
}  // namespace bia::session
