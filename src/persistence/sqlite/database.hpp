// The SQLite backend's connection handling: DSN parsing, a small pool of connections (one per
// concurrently running thread at most), cached prepared statements, explicit transactions and
// versioned migrations. Nothing above persistence/ sees SQLite types.
#pragma once

#include <sqlite3.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/change_watch.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/unit_of_work.hpp"
#include "core/uuid.hpp"

namespace bia::persistence::sqlite {

class Statement {
  public:
    explicit Statement(sqlite3_stmt* s) : s_(s) {}
    ~Statement() {
        if (s_) {
            sqlite3_reset(s_);
            sqlite3_clear_bindings(s_);
        }
    }
    Statement(Statement&& o) noexcept : s_(o.s_) { o.s_ = nullptr; }
    Statement(const Statement&) = delete;

    Statement& Bind(int i, std::string_view v);
    Statement& Bind(int i, int64_t v);
    Statement& Bind(int i, const core::Uuid& v);
    Statement& Bind(int i, core::TimePoint v);
    Statement& Bind(int i, std::nullopt_t);
    Statement& BindOpt(int i, const std::optional<core::TimePoint>& v);

    // Steps once: true = a row is available, false = done. Errors become core::Error.
    core::Result<bool> Step();
    // Runs to completion, ignoring rows.
    core::Status Run();

    bool IsNull(int col) const { return sqlite3_column_type(s_, col) == SQLITE_NULL; }
    std::string Text(int col) const;
    std::string_view TextView(int col) const;
    int64_t Int(int col) const { return sqlite3_column_int64(s_, col); }
    core::Uuid Id(int col) const;
    core::TimePoint Time(int col) const;
    std::optional<core::TimePoint> OptTime(int col) const;

  private:
    sqlite3_stmt* s_;
};

class Connection {
  public:
    explicit Connection(sqlite3* db) : db_(db) {}
    ~Connection();
    Connection(const Connection&) = delete;

    // Prepared once per connection and cached by the SQL text's address: pass string literals.
    core::Result<Statement> Prepare(const char* sql);
    core::Status Exec(const char* sql);
    sqlite3* raw() { return db_; }

  private:
    sqlite3* db_;
    std::unordered_map<const char*, sqlite3_stmt*> cache_;
};

// Maps a failed SQLite call to an Error: unique violations → 409, busy/locked → 503, else 500.
core::Error SqliteError(sqlite3* db, int rc);

class Database final : public core::ChangeWatch, public core::UnitOfWork {
  public:
    // "sqlite://PATH?_fk=true", "sqlite:///abs/path", "file:PATH", or "memory".
    static core::Result<std::unique_ptr<Database>> Open(const std::string& dsn);
    ~Database() override;

    class Lease {
      public:
        Lease(Database& db, std::unique_ptr<Connection> c) : db_(&db), c_(std::move(c)), raw_(c_.get()) {}
        // The connection of the write or unit this thread is running (not returned to the pool).
        explicit Lease(Connection& joined) : raw_(&joined) {}
        Lease(Lease&& o) noexcept
            : db_(o.db_),
              c_(std::move(o.c_)),
              raw_(std::exchange(o.raw_, nullptr)),
              snapshot_(std::exchange(o.snapshot_, false)) {}
        Lease& operator=(Lease&&) = delete;
        ~Lease();
        Connection* operator->() { return raw_; }
        Connection& operator*() { return *raw_; }

      private:
        friend class Database;
        Database* db_ = nullptr;
        std::unique_ptr<Connection> c_;
        Connection* raw_ = nullptr;
        bool snapshot_ = false;  // ends its read transaction when released
    };
    // A pooled read connection; inside a Transaction's fn (and so inside a unit of work), the
    // write's own connection, so that reads there see the write's changes.
    core::Result<Lease> Acquire();
    // Acquire, inside one read transaction that ends when the lease is released: for reads of
    // more than one statement. They see one snapshot (a record and its child rows agree even while
    // a write commits between them), and SQLite checks its page cache once instead of once per
    // statement. In WAL mode a connection drops its whole page cache when a read transaction starts
    // after another connection's commit, so under writes every autocommit statement re-read its
    // pages from the file. Inside a write, the joined connection is already in its transaction.
    core::Result<Lease> AcquireSnapshot();

    // Runs fn as one atomic write and returns only after it is durable in the database (committed) or
    // rolled back. Every write of the SQLite backend goes through here: writes are group-committed
    // by one writer at a time (the first caller to find no batch running leads: it takes every
    // write queued so far, runs each inside its own SAVEPOINT on the writer connection, and commits
    // them as one transaction). A write whose fn returns an error is rolled back alone; the others
    // of its batch still commit. A Transaction called from inside fn joins the enclosing write.
    core::Status Transaction(const std::function<core::Status(Connection&)>& fn);
    // core::UnitOfWork: fn as one write of the group commit. Every repository of this database
    // writes through Transaction, so each write fn makes joins this one (in a savepoint of it), and
    // fn's error rolls back all of them. fn may run on the thread leading the batch.
    core::Status Run(const std::function<core::Status()>& fn) override;

    // Counters for tests and diagnostics: writes run and the transactions that committed them.
    struct WriteStats {
        uint64_t writes = 0;
        uint64_t commits = 0;
        uint64_t backfills = 0;  // checkpoints the backfill thread ran
    };
    WriteStats write_stats() const;
    // Writes waiting for the running batch to finish.
    size_t QueuedWrites() const;

    // The most writes one batch takes; the rest wait for the next.
    static constexpr size_t kMaxBatch = 64;
    // WAL size (frames: ~16 MB of 4 KiB pages) after which the next batch's leader checkpoints
    // first. Four times SQLite's auto-checkpoint default: the backfill thread copies the frames as
    // they come, so what a restart costs the queued writes is mostly its fsyncs, paid once per
    // this many frames (bench/README.md, session 16).
    static constexpr int kCheckpointPages = 4000;
    // WAL frames written since the last request after which the backfill thread copies them into
    // the database file beside the running batches (see CheckpointBeforeBatch).
    static constexpr int kBackfillStep = 500;
    // A leader's restart waits (the next batches go first) until the backfill thread has copied and
    // flushed all but this many frames, so that little is left to copy and flush while writes wait;
    // at most until the WAL is a quarter of kCheckpointPages past the restart's threshold, and only
    // before its first try (CheckpointBeforeBatch).
    static constexpr int kRestartBacklog = 128;
    // The WAL file is cut back to this size when it restarts, after a burst made it longer (above
    // a restart's usual ~16.5 MB, so that steady writes do not cut and regrow it every time).
    static constexpr int64_t kWalSizeLimit = int64_t{24} << 20;

    // Applies pending migrations (idempotent). Returns the versions applied.
    core::Result<std::vector<std::string>> Migrate();
    core::Result<std::vector<std::string>> PendingMigrations();
    // A cheap query proving the database answers (for /health/ready).
    core::Status Ping();

    // The header of the file's WAL index (the -shm file every connection to it, in any process,
    // maps): SQLite rewrites it on every commit, so while it reads the same nothing was written.
    // nullopt for an in-memory database, when the file is not in WAL mode, or while a commit is
    // rewriting it. A few loads from shared memory: no lock, no system call.
    std::optional<core::StoreVersion> CurrentVersion() const noexcept override;

  private:
    Database() = default;
    core::Result<std::unique_ptr<Connection>> OpenConnection();
    void Release(std::unique_ptr<Connection> c);
    struct PendingWrite;
    void RunBatch(std::span<PendingWrite* const> batch);
    void CheckpointBeforeBatch(Connection& writer);
    void AfterCommit();
    void RequestBackfill();
    void StartBackfill();
    void BackfillLoop(std::unique_ptr<Connection> c);
    void MapWalIndex();

    std::string path_;
    int flags_ = 0;
    bool foreign_keys_ = true;
    std::unique_ptr<Connection> keep_alive_;  // keeps a shared in-memory database alive
    // keep_alive_'s mapping of the WAL index's first region (SQLite's own, valid while it is open).
    const uint32_t* wal_index_ = nullptr;
    std::mutex mu_;
    std::vector<std::unique_ptr<Connection>> idle_;

    // Group commit (Transaction): the queue, whether a batch runs, and the connection it runs on
    // (touched only by the batch's leader).
    mutable std::mutex write_mu_;
    std::vector<PendingWrite*> write_queue_;
    bool writing_ = false;
    std::unique_ptr<Connection> writer_;
    std::atomic<int> wal_pages_{0};                     // the WAL's size after the last commit (the writer's wal hook)
    int checkpoint_at_ = kCheckpointPages;              // WAL size of the next checkpoint (batch leaders only)
    static constexpr int kCheckpointWaitSteps = 10;     // of 100 µs: the first try's wait for readers
    int checkpoint_wait_steps_ = kCheckpointWaitSteps;  // the next try's (batch leaders only)
    int backfill_requested_at_ = 0;                     // WAL size of the last backfill request (batch leaders only)
    // Frames of the current WAL that the backfill thread has copied into the database file and
    // flushed (stored under checkpoint_mu_; a restart sets it back to 0).
    std::atomic<int> backfilled_{0};
    uint64_t wal_restarts_ = 0;  // restarts by leaders (under checkpoint_mu_)
    // The backfill thread (WAL-mode files): PASSIVE checkpoints on its own connection when asked.
    // checkpoint_mu_ is held by whoever checkpoints, that thread or a batch's leader.
    std::mutex checkpoint_mu_;
    std::mutex backfill_mu_;
    std::condition_variable backfill_cv_;
    bool backfill_wanted_ = false;
    bool backfill_stop_ = false;
    std::thread backfill_thread_;
    std::atomic<uint64_t> backfills_{0};
    std::atomic<uint64_t> writes_{0};
    std::atomic<uint64_t> commits_{0};
};

}  // namespace bia::persistence::sqlite
