// The PostgreSQL backend against a real server: the shared repository contract suites, and
// what only this backend has to prove — migrations, pool limits, reconnects, timeouts, error
// mapping and concurrent writers.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sys/stat.h>

#include <pwd.h>
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "persistence/postgres/continuity_repository_postgres.hpp"
#include "persistence/postgres/database.hpp"
#include "persistence/postgres/error_repository_postgres.hpp"
#include "persistence/postgres/identity_repository_postgres.hpp"
#include "persistence/postgres/identity_rows.hpp"
#include "persistence/postgres/migrations.hpp"
#include "persistence/postgres/postgres_test_backend.hpp"
#include "persistence/postgres/postgres_test_support.hpp"
#include "persistence/postgres/session_repository_postgres.hpp"
#include "persistence/testing/courier_repository_contract.hpp"
#include "persistence/testing/flow_repository_contract.hpp"
#include "persistence/testing/identity_repository_contract.hpp"
#include "persistence/testing/one_time_secret_contract.hpp"
#include "persistence/testing/session_repository_contract.hpp"
#include "persistence/testing/unit_of_work_contract.hpp"

namespace bia::persistence::postgres {
namespace {

using namespace std::chrono_literals;
using testing::TestDatabase;

}  // namespace
}  // namespace bia::persistence::postgres

namespace bia::persistence::testing {
INSTANTIATE_TYPED_TEST_SUITE_P(Postgres, IdentityRepositoryContract, postgres::PostgresTestBackend);
INSTANTIATE_TYPED_TEST_SUITE_P(Postgres, SessionRepositoryContract, postgres::PostgresTestBackend);
INSTANTIATE_TYPED_TEST_SUITE_P(Postgres, FlowRepositoryContract, postgres::PostgresTestBackend);
INSTANTIATE_TYPED_TEST_SUITE_P(Postgres, CourierRepositoryContract, postgres::PostgresTestBackend);
INSTANTIATE_TYPED_TEST_SUITE_P(Postgres, OneTimeSecretContract, postgres::PostgresTestBackend);
INSTANTIATE_TYPED_TEST_SUITE_P(Postgres, UnitOfWorkContract, postgres::PostgresTestBackend);
}  // namespace bia::persistence::testing

namespace bia::persistence::postgres {
namespace {

// An identity with a session not yet stored, on a fresh database.
class PostgresUnitOfWork : public ::testing::Test {
  protected:
    void SetUp() override { ASSERT_TRUE(h->identities().Create(owner)); }
    std::unique_ptr<PostgresTestHandle> h = PostgresTestBackend::Make();
    Database& db = PostgresTestBackend::Db(*h);
    core::SecureRandom random;
    identity::Identity owner = persistence::testing::MakeIdentity(random, "unit@example.com");
    session::Session s = persistence::testing::MakeSession(random, owner.id);
};

// A serialization failure inside a unit re-runs the whole unit on a fresh transaction: what the
// first run wrote is gone, what the second wrote is committed once.
TEST_F(PostgresUnitOfWork, RetriesTheWholeUnitAfterASerializationFailure) {
    int runs = 0;
    auto st = db.Run([&]() -> core::Status {
        ++runs;
        BIA_TRY(h->sessions().Create(s));
        if (runs > 1) return {};
        return db.Read([](Connection& c) {
            return c.Exec("DO $$ BEGIN RAISE EXCEPTION 'provoked' USING ERRCODE = '40001'; END $$");
        });
    });
    ASSERT_TRUE(st) << st.error().message;
    EXPECT_EQ(runs, 2);
    EXPECT_EQ(h->Count("sessions"), 1);
}

// A statement that failed inside a unit aborts its transaction; a unit that goes on as if it had
// not failed is not committed (COMMIT would silently roll back) but answered with an error.
TEST_F(PostgresUnitOfWork, AFailedStatementTheUnitIgnoredFailsIt) {
    auto clash = persistence::testing::MakeIdentity(random, "unit@example.com");
    auto st = db.Run([&]() -> core::Status {
        BIA_TRY(h->sessions().Create(s));
        (void)h->identities().Create(clash);  // 409, ignored
        return {};
    });
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().code, 500);
    EXPECT_EQ(h->Count("sessions"), 0);
    EXPECT_EQ(db.Stats().open, db.Stats().idle) << "the unit's connection went back to the pool";
}

}  // namespace
}  // namespace bia::persistence::postgres

namespace bia::persistence::postgres {
namespace {

std::vector<std::string> AllVersions() {
    std::vector<std::string> out;
    for (const auto& m : Migrations()) out.emplace_back(m.version);
    return out;
}

template <class F>
auto Timed(F&& f) {
    const auto start = std::chrono::steady_clock::now();
    auto r = f();
    return std::make_pair(std::move(r), std::chrono::steady_clock::now() - start);
}

// A loopback TCP listener that completes handshakes but never says a word: a hung server.
class SilentServer {
  public:
    SilentServer() {
        fd_ = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
        listen(fd_, 16);
        socklen_t len = sizeof a;
        getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
    }
    ~SilentServer() { close(fd_); }
    int port() const { return port_; }

  private:
    int fd_ = -1;
    int port_ = 0;
};

// A loopback port nothing listens on (bound, then released).
int ClosedPort() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    close(fd);
    return ntohs(a.sin_port);
}

// An update writes only the child tables whose rows changed (the same rule as SQLite's): a trigger
// logs every child row inserted.
TEST(PostgresIdentities, UpdateRewritesOnlyChangedChildTables) {
    auto t = TestDatabase::Create();
    IdentityRepositoryPostgres repo(t->db());
    core::SecureRandom r;
    identity::Identity i = persistence::testing::MakeIdentity(r, "a@example.com");
    i.traits["name"] = "A";
    ASSERT_TRUE(repo.Create(i));
    ASSERT_TRUE(t->db().Transaction([](Connection& c) -> core::Status {
        BIA_TRY(c.Exec("CREATE TABLE test_child_writes (t TEXT NOT NULL)"));
        BIA_TRY(
            c.Exec("CREATE FUNCTION log_child_write() RETURNS trigger AS $$ BEGIN "
                   "INSERT INTO test_child_writes VALUES (TG_TABLE_NAME); RETURN NEW; END $$ LANGUAGE plpgsql"));
        for (const char* table : {"identity_credentials", "identity_credential_identifiers",
                                  "identity_verifiable_addresses", "identity_recovery_addresses"}) {
            BIA_TRY(c.Exec(std::string("CREATE TRIGGER log_write AFTER INSERT ON ") + table +
                           " FOR EACH ROW EXECUTE FUNCTION log_child_write()"));
        }
        return {};
    }));
    auto writes = [&](const std::string& table) -> int64_t {
        auto n = t->db().Read([&](Connection& c) -> core::Result<int64_t> {
            Params p;
            p.Add(table);
            BIA_TRY_ASSIGN(Rows rows, c.Query("SELECT COUNT(*) FROM test_child_writes WHERE t = $1", p));
            return rows.Int(0, 0);
        });
        return n ? *n : -1;
    };

    auto loaded = repo.Get(i.id);
    ASSERT_TRUE(loaded);
    loaded->traits["name"] = "B";
    loaded->updated_at += std::chrono::seconds(1);
    ASSERT_TRUE(repo.Update(*loaded));
    for (const char* table : {"identity_credentials", "identity_credential_identifiers",
                              "identity_verifiable_addresses", "identity_recovery_addresses"}) {
        EXPECT_EQ(writes(table), 0) << table;
    }

    auto again = repo.Get(i.id);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->traits["name"], "B");
    again->credentials["password"].config["hashed_password"] = "$2b$04$y";
    again->updated_at += std::chrono::seconds(1);
    ASSERT_TRUE(repo.Update(*again));
    EXPECT_EQ(writes("identity_credentials"), 1);
    EXPECT_EQ(writes("identity_credential_identifiers"), 1);
    EXPECT_EQ(writes("identity_verifiable_addresses"), 0);
    auto last = repo.Get(i.id);
    ASSERT_TRUE(last);
    EXPECT_EQ(last->credentials["password"].config["hashed_password"], "$2b$04$y");
    ASSERT_EQ(last->verifiable_addresses.size(), 1u);
    EXPECT_EQ(last->verifiable_addresses[0].id, i.verifiable_addresses[0].id);
}

TEST(PostgresDatabase, MigrationsReportPendingApplyOnceAndAreIdempotent) {
    auto t = TestDatabase::Create(/*migrate=*/false);
    auto pending = t->db().PendingMigrations();
    ASSERT_TRUE(pending) << pending.error().debug;
    EXPECT_EQ(*pending, AllVersions());
    auto first = t->db().Migrate();
    ASSERT_TRUE(first) << first.error().reason << " " << first.error().debug;
    EXPECT_EQ(*first, AllVersions());
    auto second = t->db().Migrate();
    ASSERT_TRUE(second);
    EXPECT_TRUE(second->empty());
    EXPECT_TRUE(t->db().PendingMigrations()->empty());
    EXPECT_TRUE(t->db().Ping());
}

TEST(PostgresDatabase, MigrationVersionsMirrorTheSqliteList) {
    // The SQLite list is the reference: same versions, same order (a later table lands in both).
    const std::vector<std::string> expected = {
        "20261127000001_identities",         "20261127000002_sessions",
        "20261127000003_selfservice_errors", "20261127000004_login_flows",
        "20261127000005_registration_flows", "20261127000006_settings_flows",
        "20261205100001_cleanup_indexes",    "20261205100002_continuity_sealed_payloads",
        "20261205200001_courier_messages",   "20261205210001_verification_recovery",
        "20261206000001_revisions"};
    EXPECT_EQ(AllVersions(), expected);
}

TEST(PostgresDatabase, ConcurrentMigratorsApplyEachVersionExactlyOnce) {
    auto t = TestDatabase::Create(/*migrate=*/false);
    constexpr int kInstances = 4;
    std::vector<std::unique_ptr<Database>> instances;
    for (int i = 0; i < kInstances; ++i) instances.push_back(std::move(Database::Open(t->dsn()).value()));
    std::vector<core::Result<std::vector<std::string>>> results(kInstances, std::vector<std::string>{});
    std::vector<std::thread> threads;
    for (int i = 0; i < kInstances; ++i) threads.emplace_back([&, i] { results[i] = instances[i]->Migrate(); });
    for (auto& th : threads) th.join();
    std::multiset<std::string> applied;
    for (auto& r : results) {
        ASSERT_TRUE(r) << r.error().reason << " " << r.error().debug;
        applied.insert(r->begin(), r->end());
    }
    const auto all = AllVersions();
    EXPECT_EQ(applied, std::multiset<std::string>(all.begin(), all.end()));
    EXPECT_TRUE(t->db().PendingMigrations()->empty());
}

TEST(PostgresDatabase, RefusedConnectionIs503WithTheUnavailableReason) {
    auto db = Database::Open("postgres://bia:x@127.0.0.1:" + std::to_string(ClosedPort()) + "/bia?sslmode=disable");
    ASSERT_TRUE(db);
    auto [ping, took] = Timed([&] { return (*db)->Ping(); });
    ASSERT_FALSE(ping);
    EXPECT_EQ(ping.error().code, 503);
    EXPECT_EQ(ping.error().reason, "The database is unavailable, please retry.");
    EXPECT_EQ(ping.error().debug.find(":x@"), std::string::npos) << "the password must not leak into errors";
    EXPECT_LT(took, 3s);
    // Repositories answer the same value instead of crashing.
    IdentityRepositoryPostgres repo(**db);
    auto got = repo.Get(core::Uuid{});
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().code, 503);
}

TEST(PostgresDatabase, SilentServerTimesOutWithinConnectTimeoutInsteadOfHanging) {
    SilentServer silent;
    auto db = Database::Open("postgres://bia:x@127.0.0.1:" + std::to_string(silent.port()) +
                             "/bia?sslmode=disable&connect_timeout=2");
    ASSERT_TRUE(db);
    auto [ping, took] = Timed([&] { return (*db)->Ping(); });
    ASSERT_FALSE(ping);
    EXPECT_EQ(ping.error().code, 503);
    EXPECT_GE(took, 1500ms);
    EXPECT_LT(took, 6s);
}

TEST(PostgresDatabase, SlowQueryIsCutAtQueryTimeoutAndTheConnectionReplaced) {
    auto t = TestDatabase::Create(false, [](Dsn& d) {
        d.query_timeout = 300ms;
        d.max_conns = 1;
    });
    int first_pid = 0;
    {
        auto lease = t->db().Acquire();
        ASSERT_TRUE(lease);
        first_pid = (*lease)->server_pid();
        auto [r, took] = Timed([&] { return (*lease)->Query("SELECT pg_sleep(5)"); });
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().code, 503);
        EXPECT_LT(took, 2s);
        EXPECT_TRUE((*lease)->IsBroken());
    }
    {
        auto lease = t->db().Acquire();
        ASSERT_TRUE(lease);
        EXPECT_NE((*lease)->server_pid(), first_pid);
        EXPECT_TRUE((*lease)->Query("SELECT 1"));
    }
    // A read that timed out is not repeated: a stalled server would only make it wait twice.
    int attempts = 0;
    auto [r, took] = Timed([&] {
        return t->db().Read([&](Connection& c) -> core::Status {
            ++attempts;
            BIA_TRY(c.Query("SELECT pg_sleep(5)"));
            return {};
        });
    });
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, 503);
    EXPECT_EQ(attempts, 1);
    EXPECT_LT(took, 2s);
}

TEST(PostgresDatabase, ReadRetriesOnceWhenItsConnectionDies) {
    auto t = TestDatabase::Create(false, [](Dsn& d) { d.max_conns = 1; });
    int attempts = 0;
    auto r = t->db().Read([&](Connection& c) -> core::Result<int64_t> {
        ++attempts;
        if (attempts == 1) {
            // The server ends this very connection mid-read, as a restart or failover would.
            auto killed = c.Query("SELECT pg_terminate_backend(pg_backend_pid())");
            if (!killed) return std::move(killed).error();
        }
        BIA_TRY_ASSIGN(Rows rows, c.Query("SELECT 41 + 1"));
        return rows.Int(0, 0);
    });
    ASSERT_TRUE(r) << r.error().reason << " " << r.error().debug;
    EXPECT_EQ(*r, 42);
    EXPECT_EQ(attempts, 2);
    EXPECT_EQ(t->db().Stats().open, 1);
}

TEST(PostgresDatabase, ReadFailsWith503WhenTheRetryFailsToo) {
    auto t = TestDatabase::Create(false, [](Dsn& d) { d.max_conns = 1; });
    int attempts = 0;
    auto r = t->db().Read([&](Connection& c) -> core::Status {
        ++attempts;
        BIA_TRY(c.Query("SELECT pg_terminate_backend(pg_backend_pid())"));
        return {};
    });
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, 503);
    EXPECT_EQ(attempts, 2);
}

TEST(PostgresDatabase, PooledConnectionsKilledWhileIdleAreReplacedBeforeWrites) {
    auto t = TestDatabase::Create(true, [](Dsn& d) { d.max_conns = 2; });
    IdentityRepositoryPostgres identities(t->db());
    core::SecureRandom random;
    auto a = persistence::testing::MakeIdentity(random, "idle-a@example.com");
    ASSERT_TRUE(identities.Create(a));
    ASSERT_GE(t->db().Stats().idle, 1);
    // Ends every backend of this test database, as a server restart does.
    Params p;
    p.Add(t->name());
    ASSERT_TRUE(t->AdminExec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", p));
    for (int i = 0; i < 250 && t->BackendCount() != 0; ++i) std::this_thread::sleep_for(20ms);
    ASSERT_EQ(t->BackendCount(), 0);
    // A write is not retried after an unknown outcome, so it must not be sent on a dead
    // connection in the first place.
    auto b = persistence::testing::MakeIdentity(random, "idle-b@example.com");
    auto created = identities.Create(b);
    ASSERT_TRUE(created) << created.error().reason << " " << created.error().debug;
    EXPECT_TRUE(identities.Get(b.id));
}

// Stops and starts the private cluster of scripts/start-postgres.sh ($BIA_TEST_POSTGRES_DIR),
// as its owner when we are root. Whatever happens, the destructor leaves the server running.
class ClusterControl {
  public:
    static std::optional<ClusterControl> FromEnvironment(const Dsn& dsn) {
        const char* dir = std::getenv("BIA_TEST_POSTGRES_DIR");
        if (!dir || !*dir || dsn.port.empty()) return std::nullopt;
        ClusterControl c;
        c.data_ = std::string(dir) + "/data";
        std::ifstream version(c.data_ + "/PG_VERSION");
        std::string v;
        if (!(version >> v)) return std::nullopt;
        c.pg_ctl_ = "/usr/lib/postgresql/" + v + "/bin/pg_ctl";
        if (access(c.pg_ctl_.c_str(), X_OK) != 0) c.pg_ctl_ = "pg_ctl";
        struct stat st {};
        if (stat(c.data_.c_str(), &st) != 0) return std::nullopt;
        if (getuid() == 0 && st.st_uid != 0) {
            const passwd* owner = getpwuid(st.st_uid);
            if (!owner) return std::nullopt;
            c.prefix_ = std::string("runuser -u ") + owner->pw_name + " -- ";
        } else if (st.st_uid != getuid()) {
            return std::nullopt;
        }
        c.port_ = dsn.port;
        return c;
    }
    bool Stop() { return Run("-m fast -w -t 30 stop"); }
    bool Start() { return Run("-w -t 30 -l '" + data_ + "/../server.log' -o '-p " + port_ + "' start"); }
    ~ClusterControl() {
        if (stopped_) (void)Start();
    }
    ClusterControl(ClusterControl&& o) noexcept = default;

  private:
    ClusterControl() = default;
    bool Run(const std::string& args) {
        const std::string cmd = prefix_ + pg_ctl_ + " -D '" + data_ + "' " + args + " >/dev/null 2>&1";
        const bool ok = std::system(cmd.c_str()) == 0;
        if (ok) stopped_ = args.find(" stop") != std::string::npos;
        return ok;
    }
    std::string data_, pg_ctl_, prefix_, port_;
    bool stopped_ = false;
};

TEST(PostgresDatabase, ServerRestartGives503MeanwhileAndRecoversWithoutIntervention) {
    auto t = TestDatabase::Create(true, [](Dsn& d) {
        d.max_conns = 2;
        d.connect_timeout_seconds = 2;
    });
    auto cluster = ClusterControl::FromEnvironment(t->dsn());
    if (!cluster) GTEST_SKIP() << "needs the private cluster of scripts/start-postgres.sh (BIA_TEST_POSTGRES_DIR)";
    IdentityRepositoryPostgres identities(t->db());
    auto sessions_repo = NewSessionRepository(t->db());
    session::SessionRepository& sessions = *sessions_repo;
    core::SecureRandom random;
    auto owner = persistence::testing::MakeIdentity(random, "restart@example.com");
    ASSERT_TRUE(identities.Create(owner));
    const session::Session s = persistence::testing::MakeSession(random, owner.id);
    ASSERT_TRUE(sessions.Create(s));
    {
        // Two pooled connections, both idle when the server goes away.
        auto a = t->db().Acquire();
        auto b = t->db().Acquire();
        ASSERT_TRUE(a && b);
    }
    ASSERT_EQ(t->db().Stats().idle, 2);

    ASSERT_TRUE(cluster->Stop());
    auto [down, took] = Timed([&] { return sessions.FindByToken(s.token); });
    ASSERT_FALSE(down);
    EXPECT_EQ(down.error().code, 503);
    EXPECT_EQ(down.error().reason, "The database is unavailable, please retry.");
    EXPECT_LT(took, 5s);
    auto write = identities.Create(persistence::testing::MakeIdentity(random, "while-down@example.com"));
    ASSERT_FALSE(write);
    EXPECT_EQ(write.error().code, 503);
    EXPECT_EQ(t->db().Stats().open, 0) << "dead connections are not kept";

    ASSERT_TRUE(cluster->Start());
    auto up = sessions.FindByToken(s.token);
    ASSERT_TRUE(up) << up.error().reason << " " << up.error().debug;
    EXPECT_EQ(up->identity->id, owner.id);
    EXPECT_TRUE(identities.Create(persistence::testing::MakeIdentity(random, "after@example.com")));
    EXPECT_TRUE(t->db().Ping());
}

TEST(PostgresDatabase, PoolNeverExceedsMaxConnsAndAcquireTimesOutWith503) {
    auto t = TestDatabase::Create(false, [](Dsn& d) {
        d.max_conns = 2;
        d.acquire_timeout = 300ms;
    });
    auto a = t->db().Acquire();
    auto b = t->db().Acquire();
    ASSERT_TRUE(a);
    ASSERT_TRUE(b);
    EXPECT_EQ(t->db().Stats().open, 2);
    auto [c, took] = Timed([&] { return t->db().Acquire(); });
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().code, 503);
    EXPECT_GE(took, 250ms);
    EXPECT_LT(took, 2s);
    // A connection handed back wakes a waiter, which reuses it.
    const int pid = (*a)->server_pid();
    std::thread giver([&, lease = std::move(*a)]() mutable {
        std::this_thread::sleep_for(50ms);
        auto dropped = std::move(lease);
    });
    auto d = t->db().Acquire();
    giver.join();
    ASSERT_TRUE(d);
    EXPECT_EQ((*d)->server_pid(), pid);
    EXPECT_EQ(t->db().Stats().open, 2);
}

TEST(PostgresDatabase, ManyThreadsShareTheSmallPool) {
    auto t = TestDatabase::Create(true, [](Dsn& d) { d.max_conns = 3; });
    IdentityRepositoryPostgres identities(t->db());
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int k = 0; k < 12; ++k) {
        threads.emplace_back([&, k] {
            core::SecureRandom random;
            for (int n = 0; n < 5; ++n) {
                auto i = persistence::testing::MakeIdentity(
                    random, "pool" + std::to_string(k) + "-" + std::to_string(n) + "@example.com");
                if (!identities.Create(i) || !identities.Get(i.id)) ++failures;
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(failures.load(), 0);
    EXPECT_EQ(*identities.Count(), 60);
    EXPECT_LE(t->db().Stats().open, 3);
    EXPECT_LE(t->BackendCount(), 3);
}

TEST(PostgresDatabase, MaxConnLifetimeRetiresOldConnections) {
    auto t = TestDatabase::Create(false, [](Dsn& d) {
        d.max_conns = 1;
        d.max_conn_lifetime = 100ms;
    });
    int first = 0;
    {
        auto lease = t->db().Acquire();
        ASSERT_TRUE(lease);
        first = (*lease)->server_pid();
    }
    {
        auto again = t->db().Acquire();
        ASSERT_TRUE(again);
        EXPECT_EQ((*again)->server_pid(), first) << "young connections are reused";
    }
    std::this_thread::sleep_for(150ms);
    auto later = t->db().Acquire();
    ASSERT_TRUE(later);
    EXPECT_NE((*later)->server_pid(), first);
}

TEST(PostgresDatabase, SerializableTransactionsRetryAndNeverLoseAnIncrement) {
    auto t = TestDatabase::Create(false, [](Dsn& d) { d.max_conns = 4; });
    ASSERT_TRUE(t->db().Read([](Connection& c) {
        return c.Exec("CREATE TABLE counter (id INT PRIMARY KEY, n INT NOT NULL); INSERT INTO counter VALUES (1, 0)");
    }));
    std::atomic<int> committed{0}, busy{0}, other{0}, runs{0};
    std::vector<std::thread> threads;
    for (int k = 0; k < 3; ++k) {
        threads.emplace_back([&] {
            for (int n = 0; n < 15; ++n) {
                // Read-modify-write: only serializable isolation (or retries) keeps every increment.
                auto s = t->db().Transaction([&](Connection& c) -> core::Status {
                    ++runs;
                    BIA_TRY_ASSIGN(Rows r, c.Query("SELECT n FROM counter WHERE id = 1"));
                    // Hold the read long enough for the other threads' transactions to overlap.
                    std::this_thread::sleep_for(3ms);
                    Params p;
                    p.Add(r.Int(0, 0) + 1);
                    BIA_TRY(c.Query("UPDATE counter SET n = $1 WHERE id = 1", p));
                    return {};
                });
                if (s)
                    ++committed;
                else if (s.error().code == 503)
                    ++busy;
                else
                    ++other;
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(other.load(), 0);
    EXPECT_GT(committed.load(), 0);
    EXPECT_GT(runs.load(), committed.load() + busy.load()) << "some transactions must have been retried";
    auto n = t->db().Read([](Connection& c) -> core::Result<int64_t> {
        BIA_TRY_ASSIGN(Rows r, c.Query("SELECT n FROM counter WHERE id = 1"));
        return r.Int(0, 0);
    });
    ASSERT_TRUE(n);
    EXPECT_EQ(*n, committed.load());
}

TEST(PostgresDatabase, ConcurrentIdentityUpdatesNeverInterleaveAndReadersSeeWholeIdentities) {
    auto t = TestDatabase::Create(true, [](Dsn& d) { d.max_conns = 6; });
    IdentityRepositoryPostgres identities(t->db());
    core::SecureRandom random;
    auto base = persistence::testing::MakeIdentity(random, "start@example.com");
    ASSERT_TRUE(identities.Create(base));
    std::atomic<bool> stop{false};
    std::atomic<int> failed_updates{0}, torn_reads{0}, reads{0};
    auto consistent = [](const identity::Identity& i) {
        const std::string email = i.traits.value("email", "");
        const auto* pw = i.FindCredential("password");
        return pw && pw->identifiers == std::vector<std::string>{email} && i.verifiable_addresses.size() == 1 &&
               i.verifiable_addresses[0].value == email && i.recovery_addresses.size() == 1 &&
               i.recovery_addresses[0].value == email;
    };
    std::vector<std::thread> writers, readers;
    for (int k = 0; k < 3; ++k) {
        writers.emplace_back([&, k] {
            core::SecureRandom r;
            for (int n = 0; n < 15; ++n) {
                auto next = base;
                const std::string email = "w" + std::to_string(k) + "-" + std::to_string(n) + "@example.com";
                next.traits = {{"email", email}};
                next.credentials.at("password").identifiers = {email};
                next.verifiable_addresses[0].id = core::Uuid::V4(r);
                next.verifiable_addresses[0].value = email;
                next.recovery_addresses[0].id = core::Uuid::V4(r);
                next.recovery_addresses[0].value = email;
                if (!identities.Update(next)) ++failed_updates;
            }
        });
    }
    for (int k = 0; k < 2; ++k) {
        readers.emplace_back([&] {
            while (!stop) {
                auto got = identities.Get(base.id);
                ++reads;
                if (!got || !consistent(*got)) ++torn_reads;
            }
        });
    }
    for (auto& th : writers) th.join();
    stop = true;
    for (auto& th : readers) th.join();
    EXPECT_EQ(failed_updates.load(), 0);
    EXPECT_EQ(torn_reads.load(), 0) << "of " << reads.load() << " reads";
    auto final = identities.Get(base.id);
    ASSERT_TRUE(final);
    EXPECT_TRUE(consistent(*final));
    // Exactly one identifier row survives: no writer's children leaked past another's delete.
    auto rows = t->db().Read([](Connection& c) -> core::Result<int64_t> {
        BIA_TRY_ASSIGN(Rows r, c.Query("SELECT COUNT(*) FROM identity_credential_identifiers"));
        return r.Int(0, 0);
    });
    EXPECT_EQ(*rows, 1);
}

TEST(PostgresDatabase, UniqueViolationIs409WithTheSqliteBackendsTexts) {
    auto t = TestDatabase::Create();
    IdentityRepositoryPostgres identities(t->db());
    core::SecureRandom random;
    ASSERT_TRUE(identities.Create(persistence::testing::MakeIdentity(random, "same@example.com")));
    auto s = identities.Create(persistence::testing::MakeIdentity(random, "same@example.com"));
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, 409);
    EXPECT_EQ(s.error().reason, identity::kConflictReason);
    EXPECT_EQ(s.error().message, identity::kConflictReason);
    // A taken address (not only an identifier) conflicts the same way.
    auto other = persistence::testing::MakeIdentity(random, "other@example.com");
    other.verifiable_addresses[0].value = "same@example.com";
    EXPECT_EQ(identities.Create(other).error().code, 409);
}

TEST(PostgresDatabase, EdgeCasesAnswerLikeTheSqliteBackend) {
    auto t = TestDatabase::Create();
    IdentityRepositoryPostgres identities(t->db());
    auto sessions_repo = NewSessionRepository(t->db());
    session::SessionRepository& sessions = *sessions_repo;
    core::SecureRandom random;
    // Updating an identity that does not exist is a 404, not a foreign-key error.
    auto ghost = persistence::testing::MakeIdentity(random, "ghost@example.com");
    auto updated = identities.Update(ghost);
    ASSERT_FALSE(updated);
    EXPECT_EQ(updated.error().code, 404);
    EXPECT_EQ(updated.error().EffectiveMessage(), "Unable to locate the resource");
    EXPECT_EQ(identities.Delete(ghost.id).error().code, 404);
    EXPECT_EQ(sessions.Revoke(ghost.id).error().code, 404);
    for (int k = 0; k < 3; ++k)
        ASSERT_TRUE(
            identities.Create(persistence::testing::MakeIdentity(random, "edge" + std::to_string(k) + "@x.io")));
    // Negative paging values mean "no limit" and "from the start", as in SQLite.
    EXPECT_EQ(identities.List(-5, -1)->size(), 3u);
    EXPECT_EQ(identities.List(1, -1)->size(), 2u);
    EXPECT_EQ(identities.List(0, 0)->size(), 0u);
    EXPECT_EQ(identities.List(10, 5)->size(), 0u);
    EXPECT_TRUE(sessions.ListByIdentity(ghost.id, std::nullopt, -1, -1)->empty());
    EXPECT_EQ(*sessions.CountByIdentity(ghost.id, true), 0);
    EXPECT_EQ(*sessions.RevokeAll(ghost.id), 0);
}

TEST(PostgresDatabase, NulBytesNeverTruncateALookupKey) {
    auto t = TestDatabase::Create();
    IdentityRepositoryPostgres identities(t->db());
    core::SecureRandom random;
    ASSERT_TRUE(identities.Create(persistence::testing::MakeIdentity(random, "victim@example.com")));
    auto got = identities.FindByCredentialIdentifier("password", std::string("victim@example.com\0x", 20));
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().code, 400);
    // JSON text cannot carry a NUL either (jsonb refuses \u0000): a 400, not a 500.
    auto i = persistence::testing::MakeIdentity(random, "nul@example.com");
    i.traits["name"] = std::string("a\0b", 3);
    auto s = identities.Create(i);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, 400);
    EXPECT_FALSE(identities.FindByCredentialIdentifier("password", "nul@example.com"));
}

TEST(PostgresDatabase, TimesAreKeptToTheMicrosecond) {
    auto t = TestDatabase::Create();
    IdentityRepositoryPostgres identities(t->db());
    core::SecureRandom random;
    auto i = persistence::testing::MakeIdentity(random, "time@example.com");
    const auto base = core::TimePoint(std::chrono::seconds(1700000000));
    i.created_at = base + 123456789ns;
    i.updated_at = base - 1ns;  // floors across a second boundary
    i.state_changed_at = core::TimePoint(std::chrono::seconds(-86400 * 365)) + 1500ns;  // before 1970
    ASSERT_TRUE(identities.Create(i));
    auto got = identities.Get(i.id);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->created_at, base + 123456us);
    EXPECT_EQ(got->updated_at, base - 1us);
    EXPECT_EQ(*got->state_changed_at, core::TimePoint(std::chrono::seconds(-86400 * 365)) + 1us);
}

TEST(PostgresDatabase, DsnServerSettingsReachTheSession) {
    auto t = TestDatabase::Create(false, [](Dsn& d) {
        d.runtime_params = {{"search_path", "bia_custom"}, {"statement_timeout", "200"}};
    });
    auto path = t->db().Read([](Connection& c) -> core::Result<std::string> {
        BIA_TRY_ASSIGN(Rows r, c.Query("SELECT current_setting('search_path')"));
        return r.Text(0, 0);
    });
    ASSERT_TRUE(path) << path.error().debug;
    EXPECT_EQ(*path, "bia_custom");
    // statement_timeout cancels on the server: the statement fails as busy, the connection lives.
    auto lease = t->db().Acquire();
    ASSERT_TRUE(lease);
    auto slow = (*lease)->Query("SELECT pg_sleep(2)");
    ASSERT_FALSE(slow);
    EXPECT_EQ(slow.error().code, 503);
    EXPECT_FALSE((*lease)->IsBroken());
    EXPECT_TRUE((*lease)->Query("SELECT 1"));
}

TEST(PostgresDatabase, StatementsArePreparedAgainAfterTheServerForgetsThem) {
    auto t = TestDatabase::Create(false, [](Dsn& d) { d.max_conns = 1; });
    auto lease = t->db().Acquire();
    ASSERT_TRUE(lease);
    Params p;
    p.Add(int64_t{7});
    ASSERT_TRUE((*lease)->Query("SELECT $1::int8 * 6", p));
    // A pooler or an operator may drop every prepared statement behind our back.
    ASSERT_TRUE((*lease)->Exec("DEALLOCATE ALL"));
    auto again = (*lease)->Query("SELECT $1::int8 * 6", p);
    ASSERT_TRUE(again) << again.error().debug;
    EXPECT_EQ(again->Int(0, 0), 42);
}

TEST(PostgresDatabase, BatchErrorsReportTheFailingStatementAndRollBackTheBatch) {
    auto t = TestDatabase::Create(false, [](Dsn& d) { d.max_conns = 1; });
    auto lease = t->db().Acquire();
    ASSERT_TRUE(lease);
    ASSERT_TRUE((*lease)->Exec("CREATE TABLE t (k INT PRIMARY KEY)"));
    Params one, two;
    one.Add(1);
    two.Add(2);
    const std::array<Command, 3> commands = {Command{"INSERT INTO t VALUES ($1)", &one},
                                             Command{"INSERT INTO t VALUES ($1)", &one},
                                             Command{"INSERT INTO t VALUES ($1)", &two}};
    auto r = (*lease)->Batch(commands);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, 409);
    EXPECT_EQ((*lease)->last_sqlstate(), kUniqueViolation);
    EXPECT_FALSE((*lease)->InTransaction());
    auto count = (*lease)->Query("SELECT COUNT(*) FROM t");
    ASSERT_TRUE(count);
    EXPECT_EQ(count->Int(0, 0), 0) << "a batch outside a transaction is all-or-nothing";
}

}  // namespace
}  // namespace bia::persistence::postgres

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    return bia::persistence::postgres::testing::RunAllTestsOrSkip();
}

namespace bia::persistence::postgres {
namespace {

// Stamp reads of concurrent callers share one statement (read_batcher.hpp). With the pool's only
// connection held, the first caller's batch waits for it and the others queue behind it, so once
// it is released they are answered by one batched statement: each with its own session's stamp,
// none for a missing token, a revoked one as revoked, the inactive identity's as inactive; a
// settings flow's stamp likewise, and a token no batch carries (non-ASCII, NUL) by the single
// statement as before.
class PostgresBatchedStamps : public ::testing::Test {
  protected:
    void SetUp() override {
        h->database = testing::TestDatabase::Create(true, [](Dsn& d) { d.max_conns = 1; });
        h->OpenStores(h->database->db());
        for (int k = 0; k < 6; ++k) {
            auto owner = persistence::testing::MakeIdentity(random, "batch" + std::to_string(k) + "@example.com");
            if (k == 5) owner.state = "inactive";
            ASSERT_TRUE(h->identities().Create(owner));
            auto s = persistence::testing::MakeSession(random, owner.id);
            s.active = k != 4;
            ASSERT_TRUE(h->sessions().Create(s));
            sessions.push_back(s);
            selfservice::settings::SettingsFlow f;
            f.id = core::Uuid::V4(random);
            f.type = selfservice::FlowType::kApi;
            f.issued_at = f.created_at = f.updated_at = core::TimePoint(std::chrono::seconds(1700000000 + k));
            f.expires_at = f.issued_at + 1h;
            f.request_url = "http://p/self-service/settings/api";
            f.identity_id = owner.id;
            ASSERT_TRUE(h->settings_flows().Create(f));
            flows.push_back(f);
        }
    }

    // Runs read(k) for k in [0, n) on n threads while the test holds the only connection, and
    // releases it once every thread is about to read and has had time to queue.
    template <class Read>
    void AllAtOnce(int n, Read read) {
        auto held = h->database->db().Acquire();
        ASSERT_TRUE(held);
        std::atomic<int> ready{0};
        std::vector<std::thread> threads;
        for (int k = 0; k < n; ++k) {
            threads.emplace_back([&, k] {
                ++ready;
                read(k);
            });
        }
        for (int i = 0; i < 1000 && ready.load() < n; ++i) std::this_thread::sleep_for(10ms);
        std::this_thread::sleep_for(300ms);
        { auto release = std::move(*held); }
        for (auto& t : threads) t.join();
    }

    // The six sessions' tokens, in order.
    std::vector<std::string> SessionTokens() const {
        std::vector<std::string> tokens;
        tokens.reserve(sessions.size());
        for (const auto& s : sessions) tokens.push_back(s.token);
        return tokens;
    }

    std::unique_ptr<PostgresTestHandle> h = std::make_unique<PostgresTestHandle>();
    core::SecureRandom random;
    std::vector<session::Session> sessions;
    std::vector<selfservice::settings::SettingsFlow> flows;
};

TEST_F(PostgresBatchedStamps, ConcurrentSessionStampsEachGetTheirOwnRow) {
    // Keys 0–5: the six sessions; 6: a token never issued; 7: session 0 again (a duplicate in
    // the batch); 8: a token with a byte PostgreSQL refuses as UTF-8 (read alone).
    std::vector<std::string> tokens = SessionTokens();
    tokens.push_back("ory_st_never_issued");
    tokens.push_back(sessions[0].token);
    tokens.push_back("ory_st_\xff\xfe");
    std::vector<core::Result<session::SessionStamp>> got(tokens.size(), core::Error(0, "not run"));
    const auto before = StampReads(h->sessions());
    AllAtOnce(static_cast<int>(tokens.size()), [&](int k) { got[k] = h->sessions().FindStamp(tokens[k]); });
    // Eight batchable lookups in at most two statements: the first caller's (it waited for the
    // connection, alone or with whoever had queued by then) and one for all that queued behind it.
    const auto after = StampReads(h->sessions());
    EXPECT_EQ(after.lookups - before.lookups, 8u);
    EXPECT_LE(after.statements - before.statements, 2u);
    for (int k : {0, 1, 2, 3, 4, 5, 7}) {
        ASSERT_TRUE(got[k]) << k << ": " << got[k].error().reason << " " << got[k].error().debug;
        auto alone = h->sessions().FindStamp(tokens[k]);
        ASSERT_TRUE(alone);
        EXPECT_EQ(got[k]->session_revision, alone->session_revision) << k;
        EXPECT_EQ(got[k]->identity_revision, alone->identity_revision) << k;
        EXPECT_EQ(got[k]->expires_at, sessions[k == 7 ? 0 : k].expires_at) << k;
        EXPECT_EQ(got[k]->active, k != 4) << k;
        EXPECT_EQ(got[k]->identity_active, k != 5) << k;
    }
    ASSERT_FALSE(got[6]);
    EXPECT_EQ(got[6].error().code, 404);
    // The byte PostgreSQL refuses fails that lookup alone, as the single statement always did.
    ASSERT_FALSE(got[8]);
    EXPECT_EQ(got[8].error().code, h->sessions().FindStamp(tokens[8]).error().code);
    // A NUL byte still fails its own lookup with a 400 and nobody else's.
    auto nul = h->sessions().FindStamp(std::string("ory_st_\0x", 9));
    ASSERT_FALSE(nul);
    EXPECT_EQ(nul.error().code, 400);
}

// FindStampAsync (whoami's prefetch): the caller does not wait for the read; lookups queued while
// the only connection is busy share statements, and each gets what FindStamp answers.
TEST_F(PostgresBatchedStamps, AsynchronousSessionStampsShareStatementsAndMatchTheWaitingRead) {
    ASSERT_TRUE(h->sessions().StampReadsAsync());
    std::vector<std::string> tokens = SessionTokens();
    tokens.push_back("ory_st_never_issued");
    tokens.push_back(sessions[3].token);
    std::mutex mu;
    std::condition_variable cv;
    std::vector<std::optional<core::Result<session::SessionStamp>>> got(tokens.size());
    size_t answered = 0;
    const auto before = StampReads(h->sessions());
    {
        auto held = h->database->db().Acquire();
        ASSERT_TRUE(held);
        for (size_t k = 0; k < tokens.size(); ++k) {
            h->sessions().FindStampAsync(tokens[k], [&, k](core::Result<session::SessionStamp> r) {
                std::lock_guard lock(mu);
                got[k].emplace(std::move(r));
                ++answered;
                cv.notify_all();
            });
        }
        std::this_thread::sleep_for(100ms);
        std::lock_guard lock(mu);
        EXPECT_EQ(answered, 0u) << "answered while the only connection was held";
    }
    {
        std::unique_lock lock(mu);
        ASSERT_TRUE(cv.wait_for(lock, 10s, [&] { return answered == tokens.size(); }));
    }
    const auto after = StampReads(h->sessions());
    EXPECT_EQ(after.lookups - before.lookups, tokens.size());
    EXPECT_LE(after.statements - before.statements, 2u);
    for (size_t k = 0; k < tokens.size(); ++k) {
        auto alone = h->sessions().FindStamp(tokens[k]);
        ASSERT_EQ(static_cast<bool>(*got[k]), static_cast<bool>(alone)) << k;
        if (!alone) {
            EXPECT_EQ(got[k]->error().code, 404) << k;
            continue;
        }
        EXPECT_EQ((*got[k])->session_revision, alone->session_revision) << k;
        EXPECT_EQ((*got[k])->identity_revision, alone->identity_revision) << k;
        EXPECT_EQ((*got[k])->expires_at, alone->expires_at) << k;
        EXPECT_EQ((*got[k])->active, alone->active) << k;
        EXPECT_EQ((*got[k])->identity_active, alone->identity_active) << k;
    }
    EXPECT_FALSE((*got[4])->active);
    EXPECT_FALSE((*got[5])->identity_active);
}

// FindByToken (the answer and session caches' misses): concurrent lookups share round trips, and each gets
// its own session with its identity's children, also when two sessions of one identity share a
// batch and when a token appears twice.
TEST_F(PostgresBatchedStamps, ConcurrentSessionLoadsShareRoundTripsAndEachGetTheirOwnSession) {
    auto second = persistence::testing::MakeSession(random, sessions[0].identity_id);
    ASSERT_TRUE(h->sessions().Create(second));
    // Keys 0–5: the six sessions; 6: a token never issued; 7: identity 0's second session; 8:
    // session 1 again; 9: a token with a byte PostgreSQL refuses as UTF-8 (looked up alone).
    std::vector<std::string> tokens = SessionTokens();
    tokens.push_back("ory_st_never_issued");
    tokens.push_back(second.token);
    tokens.push_back(sessions[1].token);
    tokens.push_back("ory_st_\xff\xfe");
    std::vector<core::Result<session::Session>> got(tokens.size(), core::Error(0, "not run"));
    const auto before = SessionLoads(h->sessions());
    AllAtOnce(static_cast<int>(tokens.size()), [&](int k) { got[k] = h->sessions().FindByToken(tokens[k]); });
    // Nine batchable lookups in at most two round trips: the first caller's and one for all that
    // queued behind it while the test held the only connection.
    const auto after = SessionLoads(h->sessions());
    EXPECT_EQ(after.lookups - before.lookups, 9u);
    EXPECT_LE(after.statements - before.statements, 2u);
    for (int k : {0, 1, 2, 3, 4, 5, 7, 8}) {
        ASSERT_TRUE(got[k]) << k << ": " << got[k].error().reason << " " << got[k].error().debug;
        const session::Session& expected = k == 7 ? second : sessions[k == 8 ? 1 : k];
        auto alone = h->sessions().FindById(expected.id, true);
        ASSERT_TRUE(alone) << k;
        EXPECT_EQ(got[k]->id, expected.id) << k;
        EXPECT_EQ(got[k]->token, tokens[k]) << k;
        EXPECT_EQ(got[k]->active, alone->active) << k;
        EXPECT_EQ(got[k]->expires_at, alone->expires_at) << k;
        EXPECT_EQ(got[k]->revision, alone->revision) << k;
        ASSERT_TRUE(got[k]->identity && alone->identity) << k;
        const auto& gi = *got[k]->identity;
        const auto& ai = *alone->identity;
        EXPECT_EQ(gi.id, expected.identity_id) << k;
        EXPECT_EQ(gi.state, ai.state) << k;
        EXPECT_EQ(gi.traits, ai.traits) << k;
        EXPECT_EQ(gi.revision, ai.revision) << k;
        ASSERT_EQ(gi.credentials.size(), 1u) << k;
        EXPECT_EQ(gi.credentials.at("password").identifiers, ai.credentials.at("password").identifiers) << k;
        EXPECT_EQ(gi.credentials.at("password").config, ai.credentials.at("password").config) << k;
        ASSERT_EQ(gi.verifiable_addresses.size(), 1u) << k;
        EXPECT_EQ(gi.verifiable_addresses[0].id, ai.verifiable_addresses[0].id) << k;
        ASSERT_EQ(gi.recovery_addresses.size(), 1u) << k;
        EXPECT_EQ(gi.recovery_addresses[0].id, ai.recovery_addresses[0].id) << k;
    }
    EXPECT_FALSE(got[4]->active);
    EXPECT_EQ(got[5]->identity->state, "inactive");
    ASSERT_FALSE(got[6]);
    EXPECT_EQ(got[6].error().code, 404);
    ASSERT_FALSE(got[9]);
    EXPECT_EQ(got[9].error().code, h->sessions().FindByToken(tokens[9]).error().code);
}

// An identity read twice in one load (two sessions of one person in a batch) has its children in
// both copies.
TEST_F(PostgresBatchedStamps, AnIdentityLoadedTwiceHasItsChildrenInBothCopies) {
    static const std::string kHead = "SELECT " + std::string(kIdentityColumns) +
                                     " FROM unnest($1::uuid[]) WITH ORDINALITY AS u(id, n)"
                                     " JOIN identities i ON i.id = u.id ORDER BY u.n";
    const std::vector<core::Uuid> ids = {sessions[0].identity_id, sessions[1].identity_id, sessions[0].identity_id};
    Params p;
    p.AddUuidArray(ids);
    auto lease = h->database->db().Acquire();
    ASSERT_TRUE(lease);
    auto loaded = LoadWithHead(**lease, kHead, 0, IdentityKey::kIds, p);
    ASSERT_TRUE(loaded) << loaded.error().debug;
    ASSERT_EQ(loaded->identities.size(), 3u);
    for (size_t k = 0; k < 3; ++k) {
        const auto& i = loaded->identities[k];
        EXPECT_EQ(i.id, ids[k]) << k;
        ASSERT_EQ(i.credentials.size(), 1u) << k;
        EXPECT_EQ(i.credentials.at("password").identifiers.size(), 1u) << k;
        EXPECT_EQ(i.verifiable_addresses.size(), 1u) << k;
        EXPECT_EQ(i.recovery_addresses.size(), 1u) << k;
    }
}

// A text[] parameter carries any value as one element: quotes, backslashes, commas and braces
// cannot end an element or the array early.
TEST_F(PostgresBatchedStamps, TextArrayParametersKeepEveryValueWhole) {
    const std::vector<std::string_view> values = {"plain", "a\"b", "back\\slash", "x,y", "{z}", "", "NULL"};
    Params p;
    p.AddTextArray(values);
    auto lease = h->database->db().Acquire();
    ASSERT_TRUE(lease);
    auto r = (*lease)->Query("SELECT v, v IS NULL FROM unnest($1::text[]) WITH ORDINALITY AS t(v, n) ORDER BY n", p);
    ASSERT_TRUE(r) << r.error().debug;
    ASSERT_EQ(r->size(), static_cast<int>(values.size()));
    for (int k = 0; k < r->size(); ++k) {
        EXPECT_EQ(r->TextView(k, 0), values[static_cast<size_t>(k)]) << k;
        EXPECT_FALSE(r->Bool(k, 1)) << k;
    }
}

TEST_F(PostgresBatchedStamps, ConcurrentFlowStampsEachGetTheirOwnFlowAndSession) {
    // Keys 0–5: flow k with session k; 6: flow 0 with a token never issued; 7: a flow that does
    // not exist; 8: flow 1 with session 2's token (the stamps do not check ownership).
    struct Key {
        core::Uuid id;
        std::string token;
    };
    std::vector<Key> keys;
    for (int k = 0; k < 6; ++k) keys.push_back({flows[k].id, sessions[k].token});
    keys.push_back({flows[0].id, "ory_st_never_issued"});
    keys.push_back({core::Uuid::V4(random), sessions[0].token});
    keys.push_back({flows[1].id, sessions[2].token});
    std::vector<core::Result<selfservice::FlowSessionStamp>> got(keys.size(), core::Error(0, "not run"));
    AllAtOnce(static_cast<int>(keys.size()),
              [&](int k) { got[k] = h->settings_flows().StampWithSession(keys[k].id, keys[k].token); });
    for (int k : {0, 1, 2, 3, 4, 5, 8}) {
        ASSERT_TRUE(got[k]) << k << ": " << got[k].error().reason << " " << got[k].error().debug;
        const int flow = k == 8 ? 1 : k;
        const int session = k == 8 ? 2 : k;
        auto alone = h->settings_flows().Stamp(flows[flow].id);
        ASSERT_TRUE(alone);
        EXPECT_EQ(got[k]->flow.revision, alone->revision) << k;
        EXPECT_EQ(got[k]->flow.expires_at, flows[flow].expires_at) << k;
        ASSERT_TRUE(got[k]->session.has_value()) << k;
        EXPECT_EQ(got[k]->session->expires_at, sessions[session].expires_at) << k;
        EXPECT_EQ(got[k]->session->active, session != 4) << k;
        EXPECT_EQ(got[k]->session->identity_active, session != 5) << k;
    }
    ASSERT_TRUE(got[6]);
    EXPECT_EQ(got[6]->flow.expires_at, flows[0].expires_at);
    EXPECT_FALSE(got[6]->session.has_value());
    ASSERT_FALSE(got[7]);
    EXPECT_EQ(got[7].error().code, 404);
}

// Many threads reading stamps while others revoke sessions: every read after a revocation's
// commit sees it (a batch never answers a caller with a row read before the caller arrived).
TEST_F(PostgresBatchedStamps, AStampReadAfterARevocationSeesIt) {
    std::atomic<int> stale{0}, reads{0};
    std::vector<std::thread> threads;
    for (int k = 0; k < 4; ++k) {
        threads.emplace_back([&, k] {
            ASSERT_TRUE(h->sessions().Revoke(sessions[k].id));
            // Revoked and committed: every read from now on must see it.
            for (int i = 0; i < 30; ++i) {
                auto st = h->sessions().FindStamp(sessions[k].token);
                ++reads;
                if (!st || st->active) ++stale;
            }
        });
        threads.emplace_back([&] {
            for (int i = 0; i < 30; ++i) (void)h->sessions().FindStamp(sessions[5].token);
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(stale.load(), 0) << "of " << reads.load();
}

}  // namespace
}  // namespace bia::persistence::postgres
