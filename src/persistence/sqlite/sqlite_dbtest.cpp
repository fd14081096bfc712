#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>
#include <vector>

#include "persistence/sqlite/continuity_repository_sqlite.hpp"
#include "persistence/sqlite/database.hpp"
#include "persistence/sqlite/error_repository_sqlite.hpp"
#include "persistence/sqlite/identity_repository_sqlite.hpp"
#include "persistence/sqlite/login_flow_repository_sqlite.hpp"
#include "persistence/sqlite/registration_flow_repository_sqlite.hpp"
#include "persistence/sqlite/session_repository_sqlite.hpp"
#include "persistence/sqlite/settings_flow_repository_sqlite.hpp"
#include "persistence/testing/flow_repository_contract.hpp"
#include "persistence/testing/identity_repository_contract.hpp"
#include "persistence/testing/session_repository_contract.hpp"

namespace bia::persistence::sqlite {
namespace {

// Each test gets a fresh database file in a temp folder: the real on-disk WAL setup.
struct SqliteHandle {
    std::filesystem::path dir;
    std::unique_ptr<Database> db;
    std::unique_ptr<IdentityRepositorySqlite> identities_repo;
    std::unique_ptr<SessionRepositorySqlite> sessions_repo;
    identity::IdentityRepository& identities() { return *identities_repo; }
    session::SessionRepository& sessions() { return *sessions_repo; }
    ~SqliteHandle() {
        sessions_repo.reset();
        identities_repo.reset();
        db.reset();
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
};

struct SqliteBackend {
    static std::unique_ptr<SqliteHandle> Make() {
        auto h = std::make_unique<SqliteHandle>();
        core::SecureRandom r;
        h->dir = std::filesystem::temp_directory_path() / ("bia-dbtest-" + r.AlphaNumeric(12));
        std::filesystem::create_directories(h->dir);
        auto db = Database::Open("sqlite://" + (h->dir / "bia.sqlite").string() + "?_fk=true");
        EXPECT_TRUE(db);
        h->db = std::move(*db);
        auto m = h->db->Migrate();
        EXPECT_TRUE(m) << (m ? "" : m.error().reason + " " + m.error().debug);
        h->identities_repo = std::make_unique<IdentityRepositorySqlite>(*h->db);
        h->sessions_repo = std::make_unique<SessionRepositorySqlite>(*h->db);
        return h;
    }
};

struct SqliteFlowBackend : SqliteBackend {
    static Database& Db(SqliteHandle& h) { return *h.db; }
    using LoginFlows = LoginFlowRepositorySqlite;
    using RegistrationFlows = RegistrationFlowRepositorySqlite;
    using SettingsFlows = SettingsFlowRepositorySqlite;
    using Continuity = ContinuityRepositorySqlite;
    using Errors = ErrorRepositorySqlite;
};

}  // namespace
}  // namespace bia::persistence::sqlite

namespace bia::persistence::testing {
INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, IdentityRepositoryContract, sqlite::SqliteBackend);
INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, SessionRepositoryContract, sqlite::SqliteBackend);
INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, FlowRepositoryContract, sqlite::SqliteFlowBackend);
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
    auto h = SqliteBackend::Make();
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

TEST(SqliteDatabase, RejectsUnknownDsn) {
    auto db = Database::Open("mysql://x");
    ASSERT_FALSE(db);
    EXPECT_NE(db.error().reason.find("DSN"), std::string::npos);
}

}  // namespace
}  // namespace bia::persistence::sqlite
