#include "persistence/sqlite/wal_vfs.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <new>
#include <string>

namespace bia::persistence::sqlite {
namespace {

// Below the buffering VFS: SQLite's default one, counting (and, on demand, failing) the writes
// that reach WAL files.
std::atomic<int> g_wal_writes{0};
std::atomic<long> g_wal_bytes{0};
std::atomic<bool> g_fail_wal_writes{false};

struct CountedFile {
    sqlite3_file base;
    sqlite3_file* real;
};
constexpr size_t kCountedRealOffset = (sizeof(CountedFile) + 15) & ~size_t{15};
sqlite3_file* Real(sqlite3_file* f) { return reinterpret_cast<CountedFile*>(f)->real; }

int CountedClose(sqlite3_file* f) { return Real(f)->pMethods->xClose(Real(f)); }
int CountedRead(sqlite3_file* f, void* out, int n, sqlite3_int64 at) {
    return Real(f)->pMethods->xRead(Real(f), out, n, at);
}
int CountedWrite(sqlite3_file* f, const void* data, int n, sqlite3_int64 at) {
    if (g_fail_wal_writes) return SQLITE_IOERR_WRITE;
    ++g_wal_writes;
    g_wal_bytes += n;
    return Real(f)->pMethods->xWrite(Real(f), data, n, at);
}
int CountedTruncate(sqlite3_file* f, sqlite3_int64 n) { return Real(f)->pMethods->xTruncate(Real(f), n); }
int CountedSync(sqlite3_file* f, int flags) { return Real(f)->pMethods->xSync(Real(f), flags); }
int CountedFileSize(sqlite3_file* f, sqlite3_int64* n) { return Real(f)->pMethods->xFileSize(Real(f), n); }
int CountedLock(sqlite3_file* f, int l) { return Real(f)->pMethods->xLock(Real(f), l); }
int CountedUnlock(sqlite3_file* f, int l) { return Real(f)->pMethods->xUnlock(Real(f), l); }
int CountedReserved(sqlite3_file* f, int* out) { return Real(f)->pMethods->xCheckReservedLock(Real(f), out); }
int CountedControl(sqlite3_file* f, int op, void* arg) { return Real(f)->pMethods->xFileControl(Real(f), op, arg); }
int CountedSector(sqlite3_file* f) { return Real(f)->pMethods->xSectorSize(Real(f)); }
int CountedDevice(sqlite3_file* f) { return Real(f)->pMethods->xDeviceCharacteristics(Real(f)); }
const sqlite3_io_methods kCountedMethods = {
    1,           CountedClose,  CountedRead,     CountedWrite,   CountedTruncate, CountedSync,   CountedFileSize,
    CountedLock, CountedUnlock, CountedReserved, CountedControl, CountedSector,   CountedDevice,
};

sqlite3_vfs g_counting{};
int CountingOpen(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags, int* out) {
    auto* base = static_cast<sqlite3_vfs*>(vfs->pAppData);
    if ((flags & SQLITE_OPEN_WAL) == 0) return base->xOpen(base, name, file, flags, out);
    auto* c = reinterpret_cast<CountedFile*>(file);
    c->base.pMethods = nullptr;
    c->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + kCountedRealOffset);
    c->real->pMethods = nullptr;
    const int rc = base->xOpen(base, name, c->real, flags, out);
    if (rc != SQLITE_OK) {
        if (c->real->pMethods != nullptr) c->real->pMethods->xClose(c->real);
        return rc;
    }
    c->base.pMethods = &kCountedMethods;
    return SQLITE_OK;
}

// "counting": the default VFS with WAL writes counted; "buffered-over-counting": this file's
// subject on top of it.
void RegisterTestVfses() {
    static const bool registered = [] {
        sqlite3_vfs* base = sqlite3_vfs_find(nullptr);
        if (base == nullptr) return false;
        g_counting = *base;
        g_counting.zName = "bia-test-counting";
        g_counting.pNext = nullptr;
        g_counting.pAppData = base;
        g_counting.szOsFile = static_cast<int>(kCountedRealOffset) + base->szOsFile;
        g_counting.xOpen = CountingOpen;
        return sqlite3_vfs_register(&g_counting, 0) == SQLITE_OK &&
               RegisterWalBufferingVfs("bia-test-buffered-over-counting", "bia-test-counting");
    }();
    ASSERT_TRUE(registered);
}

class WalVfs : public ::testing::Test {
  protected:
    void SetUp() override {
        RegisterTestVfses();
        char tmpl[] = "/tmp/bia-wal-vfs-XXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
        path_ = (dir_ / "t.sqlite").string();
    }
    void TearDown() override {
        for (sqlite3* db : open_) sqlite3_close_v2(db);
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
        g_fail_wal_writes = false;
    }

    // A connection through `vfs` (nullptr: SQLite's default, as another process would have).
    sqlite3* Open(const char* vfs) {
        sqlite3* db = nullptr;
        EXPECT_EQ(sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs), SQLITE_OK);
        open_.push_back(db);
        Exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=0");
        return db;
    }
    static int Exec(sqlite3* db, const std::string& sql) {
        char* err = nullptr;
        const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
        sqlite3_free(err);
        return rc;
    }
    static std::string Text(sqlite3* db, const std::string& sql) {
        sqlite3_stmt* st = nullptr;
        std::string out = "<error>";
        if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
            const auto* t = sqlite3_column_text(st, 0);
            out = t != nullptr ? reinterpret_cast<const char*>(t) : "";
        }
        sqlite3_finalize(st);
        return out;
    }
    // Inserts `rows` rows of `bytes` bytes (hex text) in one transaction and returns the WAL writes
    // it made (a recursive CTE: generate_series is not in every build).
    static int InsertCountingWalWrites(sqlite3* db, int rows, int bytes) {
        const int before = g_wal_writes;
        EXPECT_EQ(Exec(db, "BEGIN IMMEDIATE"), SQLITE_OK);
        EXPECT_EQ(Exec(db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " +
                               std::to_string(rows) + ") INSERT INTO t (v) SELECT hex(randomblob(" +
                               std::to_string(bytes / 2) + ")) FROM n"),
                  SQLITE_OK)
            << sqlite3_errmsg(db);
        EXPECT_EQ(Exec(db, "COMMIT"), SQLITE_OK) << sqlite3_errmsg(db);
        return g_wal_writes - before;
    }
    static std::string CountAndLength(sqlite3* db) {
        return Text(db, "SELECT count(*) || ' ' || sum(length(v)) FROM t");
    }

    std::filesystem::path dir_;
    std::string path_;
    std::vector<sqlite3*> open_;
};

// SQLite writes every frame as two writes, its header and its page; through the buffering VFS a
// transaction's frames reach the WAL file as one write.
TEST_F(WalVfs, ATransactionsFramesReachTheWalFileInOneWrite) {
    sqlite3* plain = Open("bia-test-counting");
    ASSERT_EQ(Exec(plain, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"), SQLITE_OK);
    const int unbuffered = InsertCountingWalWrites(plain, 10, 3000);  // ten pages and more
    EXPECT_GE(unbuffered, 20) << "two writes a frame without the buffering VFS";
    sqlite3_close_v2(plain);
    open_.clear();

    sqlite3* db = Open("bia-test-buffered-over-counting");
    // The WAL's first commit also writes (and syncs) the WAL's header on its own.
    EXPECT_EQ(InsertCountingWalWrites(db, 1, 100), 2);
    const long bytes_before = g_wal_bytes;
    EXPECT_EQ(InsertCountingWalWrites(db, 10, 3000), 1);
    EXPECT_EQ(InsertCountingWalWrites(db, 1, 100), 1);
    EXPECT_EQ((g_wal_bytes - bytes_before) % (4096 + 24), 0) << "whole frames";
    EXPECT_EQ(Text(db, "SELECT count(*) FROM t"), "22");
}

// The frames are in the file before SQLite publishes the commit: another connection that reads the
// file through SQLite's default VFS (as another process does) sees every commit at once, whole.
TEST_F(WalVfs, EveryCommitIsInTheFileBeforeAnotherConnectionCanSeeIt) {
    sqlite3* writer = Open("bia-test-buffered-over-counting");
    ASSERT_EQ(Exec(writer, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"), SQLITE_OK);
    sqlite3* reader = Open(nullptr);
    long rows_in = 0;
    long length_in = 0;
    for (int i = 1; i <= 60; ++i) {
        const int rows = 1 + i % 7;
        const int bytes = 200 * (1 + i % 13);
        InsertCountingWalWrites(writer, rows, bytes);
        rows_in += rows;
        length_in += static_cast<long>(rows) * bytes;
        ASSERT_EQ(CountAndLength(reader), std::to_string(rows_in) + " " + std::to_string(length_in)) << "commit " << i;
    }
    EXPECT_EQ(Text(reader, "PRAGMA integrity_check"), "ok");
}

// A transaction larger than the page cache spills frames before its commit and reads them back; one
// larger than the buffer and than one write of SQLite's unix VFS (128 KiB) goes out in parts. Both
// arrive whole, for this connection, another one, and the database after a checkpoint.
TEST_F(WalVfs, LargeAndSpillingTransactionsArriveWhole) {
    sqlite3* writer = Open("bia-test-buffered-over-counting");
    ASSERT_EQ(Exec(writer, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"), SQLITE_OK);
    // ~3.3 MB of frames (~800) in writes of at most 124 KiB, written at each kMaxWalBuffered
    // (without the buffering VFS: ~1,600 writes).
    const int writes = InsertCountingWalWrites(writer, 800, 4000);
    EXPECT_GE(writes, 27);
    EXPECT_LT(writes, 60);
    // Updated in one transaction through a cache of eight pages: frames spill before the commit
    // and are read back while the transaction goes on.
    const int before = g_wal_writes;
    ASSERT_EQ(Exec(writer,
                   "PRAGMA cache_size=8; BEGIN IMMEDIATE; UPDATE t SET v = lower(v) || 'x' WHERE id % 2 = 0; "
                   "COMMIT"),
              SQLITE_OK)
        << sqlite3_errmsg(writer);
    EXPECT_GT(g_wal_writes - before, 2) << "spilled";
    const std::string expected = "800 " + std::to_string(800L * 4000 + 400);
    EXPECT_EQ(CountAndLength(writer), expected);
    sqlite3* reader = Open(nullptr);
    EXPECT_EQ(CountAndLength(reader), expected);
    EXPECT_EQ(Text(reader, "SELECT count(*) FROM t WHERE id % 2 = 0 AND v GLOB '*[A-F]*'"), "0");
    ASSERT_EQ(Exec(writer, "PRAGMA wal_checkpoint(TRUNCATE)"), SQLITE_OK);
    EXPECT_EQ(Text(reader, "PRAGMA integrity_check"), "ok");
    EXPECT_EQ(CountAndLength(reader), expected);
}

// When writing the frames fails, the commit fails and nothing of it is published; the next one
// (which writes over the same place in the WAL) lands.
TEST_F(WalVfs, AFailedWriteFailsTheCommitAndPublishesNothing) {
    sqlite3* writer = Open("bia-test-buffered-over-counting");
    ASSERT_EQ(Exec(writer, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"), SQLITE_OK);
    InsertCountingWalWrites(writer, 3, 1000);
    sqlite3* reader = Open(nullptr);
    ASSERT_EQ(CountAndLength(reader), "3 3000");
    g_fail_wal_writes = true;
    const int rc = Exec(writer, "INSERT INTO t (v) VALUES (hex(randomblob(5000)))");
    g_fail_wal_writes = false;
    EXPECT_EQ(rc & 0xFF, SQLITE_IOERR) << sqlite3_errstr(rc);
    EXPECT_EQ(CountAndLength(reader), "3 3000");
    EXPECT_EQ(CountAndLength(writer), "3 3000");
    InsertCountingWalWrites(writer, 2, 500);
    EXPECT_EQ(CountAndLength(reader), "5 4000");
    EXPECT_EQ(Text(reader, "PRAGMA integrity_check"), "ok");
}

}  // namespace
}  // namespace bia::persistence::sqlite
