#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>
#include <vector>

#include "persistence/sqlite/database.hpp"
#include "persistence/sqlite/sqlite_test_backend.hpp"
#include "persistence/testing/courier_repository_contract.hpp"
#include "persistence/testing/flow_repository_contract.hpp"
#include "persistence/testing/identity_repository_contract.hpp"
#include "persistence/testing/one_time_secret_contract.hpp"
#include "persistence/testing/session_repository_contract.hpp"

namespace bia::persistence::testing {
INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, IdentityRepositoryContract, sqlite::SqliteTestBackend);
INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, SessionRepositoryContract, sqlite::SqliteTestBackend);
INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, FlowRepositoryContract, sqlite::SqliteTestBackend);
INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, CourierRepositoryContract, sqlite::SqliteTestBackend);
INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, OneTimeSecretContract, sqlite::SqliteTestBackend);
}  // namespace bia::persistence::testing

namespace bia::persistence::sqlite {
namespace {

TEST(SqliteDatabase, MigrationsAreIdempotentAndMemoryDsnWorks) {
    auto db = Database::Open("memory");
    ASSERT_TRUE(db);
    auto first = (*db)->Migrate();
    ASSERT_TRUE(first);
    EXPECT_FALSE(first->empty());
    auto second = (*db)->Migrate();
    ASSERT_TRUE(second);
    EXPECT_TRUE(second->empty());
    EXPECT_TRUE((*db)->Ping());
}

// Many connections writing at once wait for the write lock (the busy handler) and every write lands:
// none fails with "database is busy", none is lost.
TEST(SqliteDatabase, ConcurrentWritersOnManyConnectionsAllCommit) {
    auto h = SqliteTestBackend::Make();
    Database& db = *h->db;
    ASSERT_TRUE(db.Transaction([](Connection& c) { return c.Exec("CREATE TABLE counter (n INTEGER NOT NULL)"); }));
    ASSERT_TRUE(db.Transaction([](Connection& c) { return c.Exec("INSERT INTO counter (n) VALUES (0)"); }));
    constexpr int kThreads = 8;
    constexpr int kWrites = 150;
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < kWrites; ++i) {
                auto s = db.Transaction([](Connection& c) -> core::Status {
                    BIA_TRY_ASSIGN(auto st, c.Prepare("SELECT n FROM counter"));
                    BIA_TRY_ASSIGN(bool row, st.Step());
                    if (!row) return core::Internal("no counter row");
                    const int64_t n = st.Int(0);
                    BIA_TRY_ASSIGN(auto up, c.Prepare("UPDATE counter SET n = ?"));
                    up.Bind(1, n + 1);
                    return up.Run();
                });
                if (!s) ++failures;
                // autocommit writes outside a transaction take the same lock
                auto lease = db.Acquire();
                if (!lease || !(*lease)->Exec("UPDATE counter SET n = n + 1")) ++failures;
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(failures.load(), 0);
    auto lease = db.Acquire();
    ASSERT_TRUE(lease);
    auto st = (*lease)->Prepare("SELECT n FROM counter");
    ASSERT_TRUE(st);
    auto row = st->Step();
    ASSERT_TRUE(row && *row);
    EXPECT_EQ(st->Int(0), 2 * kThreads * kWrites);
}

// An update writes only the child tables whose rows changed: a traits change keeps the stored
// credential and address rows (their row ids), a credential change rewrites credentials only.
TEST(SqliteIdentities, UpdateRewritesOnlyChangedChildTables) {
    auto h = SqliteTestBackend::Make();
    core::SecureRandom r;
    identity::Identity i = persistence::testing::MakeIdentity(r, "a@example.com");
    i.traits["name"] = "A";
    ASSERT_TRUE(h->identities().Create(i));
    // Every row written into a child table is logged by a trigger.
    ASSERT_TRUE(h->db->Transaction([](Connection& c) -> core::Status {
        BIA_TRY(c.Exec("CREATE TABLE test_child_writes (t TEXT NOT NULL)"));
        for (const char* t : {"identity_credentials", "identity_credential_identifiers",
                              "identity_verifiable_addresses", "identity_recovery_addresses"}) {
            const std::string trigger = std::string("CREATE TRIGGER log_") + t + " AFTER INSERT ON " + t +
                                        " BEGIN INSERT INTO test_child_writes VALUES ('" + t + "'); END";
            BIA_TRY(c.Exec(trigger.c_str()));
        }
        return {};
    }));
    auto writes = [&](const std::string& table) {
        return h->ScalarText("SELECT COUNT(*) FROM test_child_writes WHERE t = ?", &table);
    };

    auto loaded = h->identities().Get(i.id);
    ASSERT_TRUE(loaded);
    loaded->traits["name"] = "B";
    loaded->updated_at += std::chrono::seconds(1);
    ASSERT_TRUE(h->identities().Update(*loaded));
    EXPECT_EQ(h->Count("test_child_writes"), 0);

    auto again = h->identities().Get(i.id);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->traits["name"], "B");
    again->credentials["password"].config["hashed_password"] = "$2b$04$y";
    again->updated_at += std::chrono::seconds(1);
    ASSERT_TRUE(h->identities().Update(*again));
    EXPECT_EQ(writes("identity_credentials"), "1");
    EXPECT_EQ(writes("identity_credential_identifiers"), "1");
    EXPECT_EQ(writes("identity_verifiable_addresses"), "0");
    auto last = h->identities().Get(i.id);
    ASSERT_TRUE(last);
    EXPECT_EQ(last->credentials["password"].config["hashed_password"], "$2b$04$y");
    EXPECT_EQ(last->credentials["password"].identifiers, std::vector<std::string>{"a@example.com"});
    ASSERT_EQ(last->verifiable_addresses.size(), 1u);
    EXPECT_EQ(last->verifiable_addresses[0].id, i.verifiable_addresses[0].id);
}

TEST(SqliteDatabase, RejectsUnknownDsn) {
    auto db = Database::Open("mysql://x");
    ASSERT_FALSE(db);
    EXPECT_NE(db.error().reason.find("DSN"), std::string::npos);
}

}  // namespace
}  // namespace bia::persistence::sqlite
