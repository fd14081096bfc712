#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <thread>
#include <vector>

#include "persistence/sqlite/database.hpp"
#include "persistence/sqlite/sqlite_test_backend.hpp"
#include "persistence/testing/courier_repository_contract.hpp"
#include "persistence/testing/flow_repository_contract.hpp"
#include "persistence/testing/identity_repository_contract.hpp"
#include "persistence/testing/one_time_secret_contract.hpp"
#include "persistence/testing/session_repository_contract.hpp"
#include "persistence/testing/unit_of_work_contract.hpp"

namespace bia::persistence::testing {
INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, IdentityRepositoryContract, sqlite::SqliteTestBackend);
INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, SessionRepositoryContract, sqlite::SqliteTestBackend);
INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, FlowRepositoryContract, sqlite::SqliteTestBackend);
INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, CourierRepositoryContract, sqlite::SqliteTestBackend);
INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, OneTimeSecretContract, sqlite::SqliteTestBackend);
INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, UnitOfWorkContract, sqlite::SqliteTestBackend);
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

// Opening a database turns SQLite's memory statistics off before SQLite initialises: with them on,
// every sqlite3_malloc and sqlite3_free of every thread takes one process-wide mutex. SQLite then
// counts nothing, however much its statements allocate.
TEST(SqliteDatabase, MemoryStatisticsAreOffSoAllocationsTakeNoGlobalLock) {
    auto db = Database::Open("memory");
    ASSERT_TRUE(db);
    ASSERT_TRUE((*db)->Migrate());
    ASSERT_TRUE((*db)->Transaction([](Connection& c) {
        return c.Exec("CREATE TABLE t (v TEXT); INSERT INTO t VALUES (hex(randomblob(100000)))");
    }));
    EXPECT_EQ(sqlite3_memory_used(), 0);
    EXPECT_EQ(sqlite3_memory_highwater(0), 0);
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

// Group commit: writes that queue while a batch runs are committed together by the next batch, in
// one transaction, and each caller returns only once that transaction committed.
namespace {
core::Status InsertRow(Connection& c, int64_t n) {
    BIA_TRY_ASSIGN(auto st, c.Prepare("INSERT INTO log (n) VALUES (?)"));
    st.Bind(1, n);
    return st.Run();
}
int64_t CountRows(SqliteTestHandle& h, const std::string& where) {
    return std::stoll(h.ScalarText("SELECT COUNT(*) FROM log WHERE " + where, nullptr));
}
// Blocks the running batch until `queued` further writes wait behind it.
bool WaitForQueued(Database& db, size_t queued) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (db.QueuedWrites() < queued) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    return true;
}
}  // namespace

TEST(SqliteGroupCommit, WritesQueuedBehindABatchCommitTogether) {
    auto h = SqliteTestBackend::Make();
    Database& db = *h->db;
    ASSERT_TRUE(db.Transaction([](Connection& c) { return c.Exec("CREATE TABLE log (n INTEGER NOT NULL)"); }));
    const auto before = db.write_stats();
    constexpr int kFollowers = 5;
    std::atomic<bool> leader_running{false};
    std::atomic<int> followers_done{0};
    std::thread leader([&] {
        auto s = db.Transaction([&](Connection& c) -> core::Status {
            leader_running = true;
            if (!WaitForQueued(db, kFollowers)) return core::Internal("followers did not queue");
            return InsertRow(c, 0);
        });
        EXPECT_TRUE(s) << s.error().reason;
    });
    while (!leader_running) std::this_thread::yield();
    std::vector<std::thread> followers;
    for (int i = 1; i <= kFollowers; ++i) {
        followers.emplace_back([&, i] {
            auto s = db.Transaction([i](Connection& c) { return InsertRow(c, i); });
            EXPECT_TRUE(s);
            // Acknowledged means committed: another connection already sees the row.
            EXPECT_EQ(CountRows(*h, "n = " + std::to_string(i)), 1);
            ++followers_done;
        });
    }
    leader.join();
    for (auto& t : followers) t.join();
    EXPECT_EQ(followers_done.load(), kFollowers);
    EXPECT_EQ(CountRows(*h, "1"), kFollowers + 1);
    const auto after = db.write_stats();
    EXPECT_EQ(after.writes - before.writes, uint64_t{kFollowers + 1});
    EXPECT_EQ(after.commits - before.commits, 2u) << "the five followers share one commit";
}

// A write that fails (or throws) inside a batch is rolled back alone; the batch's other writes commit.
TEST(SqliteGroupCommit, AFailedWriteRollsBackAloneItsBatchCommits) {
    auto h = SqliteTestBackend::Make();
    Database& db = *h->db;
    ASSERT_TRUE(db.Transaction([](Connection& c) {
        return c.Exec("CREATE TABLE log (n INTEGER NOT NULL); CREATE UNIQUE INDEX log_n ON log (n)");
    }));
    ASSERT_TRUE(db.Transaction([](Connection& c) { return InsertRow(c, 100); }));
    const auto before = db.write_stats();
    std::atomic<bool> leader_running{false};
    core::Status failed, duplicate, threw, good;
    std::thread leader([&] {
        EXPECT_TRUE(db.Transaction([&](Connection& c) -> core::Status {
            leader_running = true;
            if (!WaitForQueued(db, 4)) return core::Internal("writes did not queue");
            return InsertRow(c, 1);
        }));
    });
    while (!leader_running) std::this_thread::yield();
    std::vector<std::thread> writers;
    // Inserts a row, then fails: its row must not survive.
    writers.emplace_back([&] {
        failed = db.Transaction([](Connection& c) -> core::Status {
            BIA_TRY(InsertRow(c, 2));
            return core::BadRequest("refused after writing");
        });
    });
    // Violates the unique index after a first good insert.
    writers.emplace_back([&] {
        duplicate = db.Transaction([](Connection& c) -> core::Status {
            BIA_TRY(InsertRow(c, 3));
            return InsertRow(c, 100);
        });
    });
    writers.emplace_back([&] {
        threw = db.Transaction([](Connection& c) -> core::Status {
            BIA_TRY(InsertRow(c, 4));
            throw std::runtime_error("boom");
        });
    });
    writers.emplace_back([&] { good = db.Transaction([](Connection& c) { return InsertRow(c, 5); }); });
    leader.join();
    for (auto& t : writers) t.join();
    EXPECT_FALSE(failed);
    EXPECT_EQ(failed.error().code, 400);
    EXPECT_FALSE(duplicate);
    EXPECT_EQ(duplicate.error().code, 409);
    EXPECT_FALSE(threw);
    EXPECT_EQ(threw.error().code, 500);
    EXPECT_TRUE(good);
    EXPECT_EQ(CountRows(*h, "n IN (2, 3, 4)"), 0);
    EXPECT_EQ(CountRows(*h, "n IN (1, 5, 100)"), 3);
    EXPECT_EQ(db.write_stats().commits - before.commits, 2u);
}

// A Transaction called from inside another one's function joins it (no deadlock on its own batch);
// its failure rolls back only its own part.
// A unit of work is one write of the group commit: its repository writes join it (one commit), and
// a read inside it runs on the writer connection (it sees the unit's own rows).
TEST(SqliteGroupCommit, AUnitOfWorkIsOneWriteAndOneCommit) {
    auto h = SqliteTestBackend::Make();
    Database& db = *h->db;
    core::SecureRandom random;
    auto owner = persistence::testing::MakeIdentity(random, "unit@example.com");
    ASSERT_TRUE(h->identities().Create(owner));
    const auto before = db.write_stats();
    auto s = persistence::testing::MakeSession(random, owner.id);
    owner.traits["name"] = "Ada";
    auto st = db.Run([&]() -> core::Status {
        BIA_TRY(h->identities().Update(owner));
        BIA_TRY(h->sessions().Create(s));
        BIA_TRY(h->sessions().Update(s));
        return h->sessions().FindById(s.id, false).ok() ? core::Status{} : core::Internal("own write not seen");
    });
    ASSERT_TRUE(st) << st.error().message;
    const auto after = db.write_stats();
    EXPECT_EQ(after.writes - before.writes, 1u);
    EXPECT_EQ(after.commits - before.commits, 1u);
}

TEST(SqliteGroupCommit, NestedTransactionJoinsTheEnclosingWrite) {
    auto h = SqliteTestBackend::Make();
    Database& db = *h->db;
    ASSERT_TRUE(db.Transaction([](Connection& c) { return c.Exec("CREATE TABLE log (n INTEGER NOT NULL)"); }));
    auto s = db.Transaction([&](Connection& c) -> core::Status {
        BIA_TRY(InsertRow(c, 1));
        BIA_TRY(db.Transaction([](Connection& inner) { return InsertRow(inner, 2); }));
        auto refused = db.Transaction([](Connection& inner) -> core::Status {
            BIA_TRY(InsertRow(inner, 3));
            return core::BadRequest("no");
        });
        EXPECT_FALSE(refused);
        return {};
    });
    ASSERT_TRUE(s);
    EXPECT_EQ(CountRows(*h, "n IN (1, 2)"), 2);
    EXPECT_EQ(CountRows(*h, "n = 3"), 0);
}

// Only a Transaction on the same database joins the enclosing write: one on another database,
// called from inside, writes there.
TEST(SqliteGroupCommit, ATransactionOnAnotherDatabaseInsideOneWritesThere) {
    auto a = Database::Open("memory");
    auto b = Database::Open("memory");
    ASSERT_TRUE(a && b);
    for (Database* db : {a->get(), b->get()})
        ASSERT_TRUE(db->Transaction([](Connection& c) { return c.Exec("CREATE TABLE log (n INTEGER NOT NULL)"); }));
    ASSERT_TRUE((*a)->Transaction([&](Connection& c) -> core::Status {
        BIA_TRY(InsertRow(c, 1));
        return (*b)->Transaction([](Connection& inner) { return InsertRow(inner, 2); });
    }));
    auto count = [](Database& db, int64_t n) {
        auto lease = db.Acquire();
        auto st = (*lease)->Prepare("SELECT COUNT(*) FROM log WHERE n = ?");
        st->Bind(1, n);
        (void)st->Step();
        return st->Int(0);
    };
    EXPECT_EQ(count(**a, 1), 1);
    EXPECT_EQ(count(**a, 2), 0);
    EXPECT_EQ(count(**b, 2), 1);
    EXPECT_EQ(count(**b, 1), 0);
}

// A second Database on the same file (another process's view) sees a write once it is acknowledged,
// and its own group-committed writes wait for the first one's batch instead of failing.
TEST(SqliteGroupCommit, TwoDatabasesOnOneFileSeeEachOthersAcknowledgedWrites) {
    auto h = SqliteTestBackend::Make();
    Database& a = *h->db;
    ASSERT_TRUE(a.Transaction([](Connection& c) { return c.Exec("CREATE TABLE log (n INTEGER NOT NULL)"); }));
    auto b = Database::Open("sqlite://" + (h->dir / "bia.sqlite").string() + "?_fk=true");
    ASSERT_TRUE(b) << b.error().reason;
    constexpr int kThreads = 4;
    constexpr int kWrites = 100;
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            Database& db = (t % 2 == 0) ? a : **b;
            for (int i = 0; i < kWrites; ++i) {
                const int64_t n = t * 1000 + i;
                if (!db.Transaction([n](Connection& c) { return InsertRow(c, n); })) ++failures;
                // read back through the other database
                Database& other = (t % 2 == 0) ? **b : a;
                auto lease = other.Acquire();
                if (!lease) {
                    ++failures;
                    continue;
                }
                auto st = (*lease)->Prepare("SELECT COUNT(*) FROM log WHERE n = ?");
                if (!st) {
                    ++failures;
                    continue;
                }
                st->Bind(1, n);
                auto row = st->Step();
                if (!row || !*row || st->Int(0) != 1) ++failures;
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(failures.load(), 0);
    EXPECT_EQ(CountRows(*h, "1"), kThreads * kWrites);
}

// The change version (core::ChangeWatch) every cached answer's fast path trusts: any committed
// write changes it, by this Database, by another on the same file, or by another process; reads
// and empty transactions leave it alone.
constexpr const char* kChildDbVariable = "BIA_CHANGE_WATCH_CHILD_DB";

// Runs this test binary again as a separate process, with only the ChildWritesOneRow test, which
// writes one row into `db_path` and exits.
void WriteFromAnotherProcess(const std::filesystem::path& db_path) {
    const std::string filter = "--gtest_filter=SqliteChangeWatch.ChildWritesOneRow";
    const std::string env = std::string(kChildDbVariable) + "=" + db_path.string();
    std::vector<char*> argv = {const_cast<char*>("/proc/self/exe"), const_cast<char*>(filter.c_str()), nullptr};
    std::vector<char*> envp = {const_cast<char*>(env.c_str()), nullptr};
    pid_t pid = 0;
    ASSERT_EQ(posix_spawn(&pid, "/proc/self/exe", nullptr, nullptr, argv.data(), envp.data()), 0);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the writer process failed: " << status;
}

// A snapshot lease reads one state of the database however many statements it runs (an identity
// and its child rows agree while a write commits between them); inside a write it is the write's
// own connection, so it sees the write's changes.
TEST(SqliteDatabase, ASnapshotLeaseReadsOneStateOfTheDatabase) {
    auto h = SqliteTestBackend::Make();
    Database& db = *h->db;
    ASSERT_TRUE(db.Transaction([](Connection& c) { return c.Exec("CREATE TABLE log (n INTEGER NOT NULL)"); }));
    ASSERT_TRUE(db.Transaction([](Connection& c) { return InsertRow(c, 1); }));
    auto count = [](Connection& c) -> int64_t {
        auto st = c.Prepare("SELECT COUNT(*) FROM log");
        if (!st || !st->Step()) return -1;
        return st->Int(0);
    };
    {
        auto snapshot = db.AcquireSnapshot();
        ASSERT_TRUE(snapshot);
        EXPECT_EQ(count(**snapshot), 1);
        ASSERT_TRUE(db.Transaction([](Connection& c) { return InsertRow(c, 2); }));
        EXPECT_EQ(count(**snapshot), 1) << "a write committed during the snapshot is not seen";
        auto plain = db.Acquire();
        ASSERT_TRUE(plain);
        EXPECT_EQ(count(**plain), 2) << "an autocommit read sees it";
    }
    {
        auto next = db.AcquireSnapshot();  // the pooled connection, its read transaction ended
        ASSERT_TRUE(next);
        EXPECT_EQ(count(**next), 2);
    }
    ASSERT_TRUE(db.Transaction([&](Connection& c) -> core::Status {
        BIA_TRY(InsertRow(c, 3));
        BIA_TRY_ASSIGN(auto inside, db.AcquireSnapshot());
        EXPECT_EQ(&*inside, &c);
        EXPECT_EQ(count(*inside), 3);
        return {};
    }));
    EXPECT_EQ(CountRows(*h, "1"), 3);
}

// The WAL is checkpointed and restarted from its first frame while writes keep coming and readers
// keep reading: it does not grow with the number of writes. (A checkpoint that ran beside the next
// batch could never restart it, since that batch had always begun on the WAL's end: under steady
// load the file grew without end, 188 MB in one 10 s benchmark, and every batch re-ran a checkpoint
// and its two fsyncs.)
TEST(SqliteCheckpoint, TheWalStaysBoundedUnderSteadyWritesAndReads) {
    auto h = SqliteTestBackend::Make();
    Database& db = *h->db;
    ASSERT_TRUE(db.Transaction(
        [](Connection& c) { return c.Exec("CREATE TABLE blobs (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)"); }));
    const auto wal = h->dir / "bia.sqlite-wal";
    constexpr int kWriters = 8;
    // Two pages a row: six times kCheckpointPages' frames in all (~24,000), twice the bound below.
    constexpr int kWritesEach = 3 * Database::kCheckpointPages / kWriters;
    const std::string payload(6000, 'x');
    std::atomic<bool> stop{false};
    std::atomic<int> failures{0};
    std::atomic<uintmax_t> largest{0};
    std::atomic<int64_t> lookups{0};
    std::vector<std::thread> readers;
    for (int r = 0; r < 3; ++r) {
        readers.emplace_back([&] {
            while (!stop) {
                auto lease = db.Acquire();
                if (!lease) {
                    ++failures;
                    continue;
                }
                // Bia's reads are point lookups (a session, a flow, an identity's rows).
                auto st = (*lease)->Prepare("SELECT length(payload) FROM blobs WHERE id = ?");
                if (!st) {
                    ++failures;
                    continue;
                }
                st->Bind(1, int64_t{++lookups % 500 + 1});
                if (!st->Step()) ++failures;
            }
        });
    }
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; ++w) {
        writers.emplace_back([&] {
            for (int i = 0; i < kWritesEach; ++i) {
                auto s = db.Transaction([&](Connection& c) -> core::Status {
                    BIA_TRY_ASSIGN(auto st, c.Prepare("INSERT INTO blobs (payload) VALUES (?)"));
                    st.Bind(1, payload);
                    return st.Run();
                });
                if (!s) ++failures;
                std::error_code ec;
                const auto size = std::filesystem::file_size(wal, ec);
                if (!ec && size > largest) largest = size;
            }
        });
    }
    for (auto& t : writers) t.join();
    stop = true;
    for (auto& t : readers) t.join();
    EXPECT_EQ(failures.load(), 0);
    EXPECT_EQ(std::stoll(h->ScalarText("SELECT COUNT(*) FROM blobs", nullptr)), kWriters * kWritesEach);
    // One checkpoint's worth of frames, plus the batches of a few tries that found a reader still
    // on an older snapshot (a loaded machine deschedules readers), far below the ~24,000 written.
    constexpr uintmax_t kFrame = 4096 + 24;
    EXPECT_LT(largest.load(), 3 * Database::kCheckpointPages * kFrame)
        << "the WAL grew to " << largest.load() / kFrame << " frames";
}

// The backfill thread copies committed frames into the database file beside the batches, once
// kBackfillStep of them have come, well before the leader's checkpoint would: the leader's RESTART
// then has only the frames since to copy and flush while writes wait.
TEST(SqliteCheckpoint, TheBackfillThreadCopiesFramesBeforeTheLeadersCheckpoint) {
    auto h = SqliteTestBackend::Make();
    Database& db = *h->db;
    ASSERT_TRUE(db.Transaction(
        [](Connection& c) { return c.Exec("CREATE TABLE blobs (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)"); }));
    const auto file = h->dir / "bia.sqlite";
    const auto wal = h->dir / "bia.sqlite-wal";
    const auto before = std::filesystem::file_size(file);
    const std::string payload(6000, 'x');  // two pages a row
    constexpr int kRows = Database::kBackfillStep / 2 + 50;
    static_assert(2 * kRows < Database::kCheckpointPages, "no leader's checkpoint runs here");
    for (int i = 0; i < kRows; ++i) {
        ASSERT_TRUE(db.Transaction([&](Connection& c) -> core::Status {
            BIA_TRY_ASSIGN(auto st, c.Prepare("INSERT INTO blobs (payload) VALUES (?)"));
            st.Bind(1, payload);
            return st.Run();
        }));
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (db.write_stats().backfills == 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ASSERT_GE(db.write_stats().backfills, 1u);
    // Pages of the rows are in the database file (each commit writes ~4 frames: the row's two
    // pages, the table's root and the header page), and the WAL still holds them: it was not
    // restarted. Without the backfill the file would keep its size until the leader's checkpoint.
    constexpr uintmax_t kPage = 4096;
    EXPECT_GE(std::filesystem::file_size(file), before + Database::kBackfillStep / 4 * kPage);
    EXPECT_GE(std::filesystem::file_size(wal), Database::kBackfillStep * kPage);
    EXPECT_EQ(std::stoll(h->ScalarText("SELECT COUNT(*) FROM blobs", nullptr)), kRows);
}

TEST(SqliteChangeWatch, ChildWritesOneRow) {
    const char* path = std::getenv(kChildDbVariable);
    if (path == nullptr) GTEST_SKIP() << "the writer half of EveryCommitChangesTheVersionAcrossProcesses";
    auto db = Database::Open(std::string("sqlite://") + path);
    ASSERT_TRUE(db) << db.error().reason;
    ASSERT_TRUE((*db)->Transaction([](Connection& c) { return InsertRow(c, 99); }));
}

TEST(SqliteChangeWatch, EveryCommitChangesTheVersionAcrossProcesses) {
    auto h = SqliteTestBackend::Make();
    Database& a = *h->db;
    ASSERT_TRUE(a.Transaction([](Connection& c) { return c.Exec("CREATE TABLE log (n INTEGER NOT NULL)"); }));
    auto v0 = a.CurrentVersion();
    ASSERT_TRUE(v0.has_value());

    // Reads, and a write transaction that changes nothing, leave it as it is.
    EXPECT_EQ(CountRows(*h, "1"), 0);
    ASSERT_TRUE(a.Transaction([](Connection& c) { return c.Exec("DELETE FROM log WHERE n = -1"); }));
    EXPECT_EQ(a.CurrentVersion(), v0);

    // A commit of this Database.
    ASSERT_TRUE(a.Transaction([](Connection& c) { return InsertRow(c, 1); }));
    auto v1 = a.CurrentVersion();
    ASSERT_TRUE(v1.has_value());
    EXPECT_NE(v1, v0);

    // A commit of another Database on the same file (its own connections), seen by both.
    auto b = Database::Open("sqlite://" + (h->dir / "bia.sqlite").string() + "?_fk=true");
    ASSERT_TRUE(b) << b.error().reason;
    ASSERT_TRUE((*b)->Transaction([](Connection& c) { return InsertRow(c, 2); }));
    auto v2 = a.CurrentVersion();
    ASSERT_TRUE(v2.has_value());
    EXPECT_NE(v2, v1);
    EXPECT_EQ((*b)->CurrentVersion(), v2);

    // A checkpoint moves pages into the database file, not the data: no change.
    {
        auto lease = a.Acquire();
        ASSERT_TRUE(lease);
        ASSERT_TRUE((*lease)->Exec("PRAGMA wal_checkpoint(PASSIVE)"));
    }
    EXPECT_EQ(a.CurrentVersion(), v2);

    // A commit of another process.
    WriteFromAnotherProcess(h->dir / "bia.sqlite");
    auto v3 = a.CurrentVersion();
    ASSERT_TRUE(v3.has_value());
    EXPECT_NE(v3, v2);
    EXPECT_EQ(CountRows(*h, "n = 99"), 1);

    // The first write after a full checkpoint restarts the WAL from its first frame: a new version
    // all the same.
    {
        auto lease = a.Acquire();
        ASSERT_TRUE(lease);
        ASSERT_TRUE((*lease)->Exec("PRAGMA wal_checkpoint(TRUNCATE)"));
    }
    ASSERT_TRUE(a.Transaction([](Connection& c) { return InsertRow(c, 3); }));
    auto v4 = a.CurrentVersion();
    ASSERT_TRUE(v4.has_value());
    EXPECT_NE(v4, v3);
    EXPECT_NE(v4, v2);
}

TEST(SqliteChangeWatch, AnInMemoryDatabaseOffersNoVersion) {
    auto db = Database::Open("memory");
    ASSERT_TRUE(db);
    EXPECT_FALSE((*db)->CurrentVersion().has_value());
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

// Given the identity as it was loaded, an update that finds the row at the next revision (no other
// write came between) compares the children with that load instead of reading them again under
// the write lock. Shown with a load that misstates its children (no recovery address, while one is
// stored): trusted, it makes the update write no child rows, where reading them would have
// deleted the stored address. A load at an older revision is not trusted.
TEST(SqliteIdentities, AnUpdateAtTheNextRevisionComparesWithTheLoadedChildren) {
    auto h = SqliteTestBackend::Make();
    core::SecureRandom r;
    identity::Identity i = persistence::testing::MakeIdentity(r, "next@example.com");
    ASSERT_TRUE(h->identities().Create(i));
    auto loaded = h->identities().Get(i.id);
    ASSERT_TRUE(loaded);
    identity::Identity misstated = *loaded;
    misstated.recovery_addresses.clear();
    identity::Identity update = misstated;
    update.traits["name"] = "next";
    ASSERT_TRUE(h->identities().Update(update, &misstated));
    auto now = h->identities().Get(i.id);
    ASSERT_TRUE(now);
    EXPECT_EQ(now->traits["name"], "next");
    EXPECT_EQ(now->recovery_addresses.size(), 1u) << "the loaded children were compared, not the stored ones";

    // `misstated` is now two revisions behind: the stored children are read, and the address goes.
    update.traits["name"] = "again";
    update.stored_updated_at.reset();
    ASSERT_TRUE(h->identities().Update(update, &misstated));
    now = h->identities().Get(i.id);
    ASSERT_TRUE(now);
    EXPECT_TRUE(now->recovery_addresses.empty());
}

TEST(SqliteDatabase, RejectsUnknownDsn) {
    auto db = Database::Open("mysql://x");
    ASSERT_FALSE(db);
    EXPECT_NE(db.error().reason.find("DSN"), std::string::npos);
}

}  // namespace
}  // namespace bia::persistence::sqlite
