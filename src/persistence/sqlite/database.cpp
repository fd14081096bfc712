#include "persistence/sqlite/database.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include <fcntl.h>
#include <unistd.h>

#include "core/url.hpp"
#include "persistence/sqlite/migrations.hpp"
#include "persistence/sqlite/wal_vfs.hpp"

namespace bia::persistence::sqlite {

using core::Error;
using core::Result;
using core::Status;

namespace {
int64_t Nanos(core::TimePoint t) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

// Waits for the write lock held by another connection. SQLite's own busy timeout sleeps 1, 2, 5, 10,
// … up to 100 ms between attempts, so under many concurrent writers a short write waits tens of
// milliseconds for a lock that is free after microseconds (settings submits: ~350/s, p99 0.5 s).
// This handler retries after 20 µs, backing off to 1 ms, and gives up after about kBusyTimeout.
constexpr auto kBusyTimeout = std::chrono::milliseconds(5000);
int BusyHandler(void*, int attempt) {
    using std::chrono::microseconds;
    // attempts 0..49 sleep 20, 40, …, 1000 µs (≈25 ms in all); then 1 ms per attempt.
    const int64_t step_us = std::min<int64_t>(20 * (static_cast<int64_t>(attempt) + 1), 1000);
    const int64_t waited_us = attempt < 50 ? 10 * attempt * (attempt + 1) : 25'500 + (attempt - 50) * 1000;
    if (microseconds(waited_us) >= kBusyTimeout) return 0;
    std::this_thread::sleep_for(microseconds(step_us));
    return 1;
}

// The writer's checkpoint waits for readers of older snapshots (they take microseconds, unless the
// scheduler has parked one) in steps of 100 µs, up to the budget `*steps` (queued writes wait behind
// it).
int CheckpointBusyHandler(void* steps, int attempt) {
    if (attempt >= *static_cast<const int*>(steps)) return 0;
    std::this_thread::sleep_for(std::chrono::microseconds(100));
    return 1;
}
}  // namespace

Error SqliteError(sqlite3* db, int rc) {
    const int primary = rc & 0xFF;
    const char* msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
        constexpr const char* kText =
            "Unable to insert or update resource because a resource with that value exists already";
        return core::Conflict(kText).WithMessage(kText);
    }
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
        return core::Unavailable("The database is busy, please retry.");
    }
    Error e = core::Internal("database error");
    e.debug = msg ? msg : "";
    return e;
}

Statement& Statement::Bind(int i, std::string_view v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
}
Statement& Statement::Bind(int i, int64_t v) {
    sqlite3_bind_int64(s_, i, v);
    return *this;
}
Statement& Statement::Bind(int i, const core::Uuid& v) { return Bind(i, std::string_view(v.ToString())); }
Statement& Statement::Bind(int i, core::TimePoint v) { return Bind(i, Nanos(v)); }
Statement& Statement::Bind(int i, std::nullopt_t) {
    sqlite3_bind_null(s_, i);
    return *this;
}
Statement& Statement::BindOpt(int i, const std::optional<core::TimePoint>& v) {
    return v ? Bind(i, *v) : Bind(i, std::nullopt);
}

Result<bool> Statement::Step() {
    int rc = sqlite3_step(s_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return SqliteError(sqlite3_db_handle(s_), sqlite3_extended_errcode(sqlite3_db_handle(s_)));
}

Status Statement::Run() {
    while (true) {
        auto r = Step();
        if (!r) return std::move(r).error();
        if (!*r) return {};
    }
}

std::string Statement::Text(int col) const { return std::string(TextView(col)); }
std::string_view Statement::TextView(int col) const {
    auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, col));
    if (!p) return {};
    return {p, static_cast<size_t>(sqlite3_column_bytes(s_, col))};
}
core::Uuid Statement::Id(int col) const {
    auto u = core::Uuid::Parse(TextView(col));
    return u ? *u : core::Uuid{};
}
core::TimePoint Statement::Time(int col) const {
    return core::TimePoint(
        std::chrono::duration_cast<core::TimePoint::duration>(std::chrono::nanoseconds(sqlite3_column_int64(s_, col))));
}
std::optional<core::TimePoint> Statement::OptTime(int col) const {
    if (IsNull(col)) return std::nullopt;
    return Time(col);
}

Connection::~Connection() {
    for (auto& [k, s] : cache_) sqlite3_finalize(s);
    sqlite3_close_v2(db_);
}

Result<Statement> Connection::Prepare(const char* sql) {
    auto it = cache_.find(sql);
    if (it != cache_.end()) return Statement(it->second);
    sqlite3_stmt* s = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr);
    if (rc != SQLITE_OK) return SqliteError(db_, rc);
    cache_.emplace(sql, s);
    return Statement(s);
}

Status Connection::Exec(const char* sql) {
    char* err = nullptr;
    int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
        Error e = SqliteError(db_, sqlite3_extended_errcode(db_));
        if (err) {
            e.debug = err;
            sqlite3_free(err);
        }
        return e;
    }
    return {};
}

Database::~Database() {
    if (backfill_thread_.joinable()) {
        {
            std::lock_guard lock(backfill_mu_);
            backfill_stop_ = true;
        }
        backfill_cv_.notify_one();
        backfill_thread_.join();
    }
    idle_.clear();
    wal_index_ = nullptr;
    keep_alive_.reset();
}

namespace {

// The WAL index header (https://www.sqlite.org/walformat.html, "The WAL-Index Header"): two
// copies of a 48-byte header at the start of the -shm file. A commit rewrites it — the change
// counter, the last valid frame, the salts and checksums — second copy first, then the first;
// SQLite's readers read the first, then the second, and trust them when they are equal.
constexpr size_t kHeaderWords = 12;
constexpr int kWalIndexRegion = 32768;  // SQLite maps the -shm file in regions of 32 KiB
constexpr size_t kIsInitByte = 12;      // iVersion, unused, iChange, then isInit

}  // namespace

void Database::MapWalIndex() {
    Connection& c = *keep_alive_;
    {
        auto st = c.Prepare("PRAGMA journal_mode");
        if (!st) return;
        auto row = st->Step();
        if (!row || !*row || st->TextView(0) != "wal") return;  // in memory, or no WAL on this file system
    }
    // A read transaction makes sure the WAL index exists and holds a header.
    if (!c.Exec("SELECT count(*) FROM sqlite_master")) return;
    sqlite3_file* file = nullptr;
    if (sqlite3_file_control(c.raw(), "main", SQLITE_FCNTL_FILE_POINTER, &file) != SQLITE_OK || file == nullptr ||
        file->pMethods == nullptr || file->pMethods->iVersion < 2 || file->pMethods->xShmMap == nullptr) {
        return;
    }
    void volatile* region = nullptr;
    if (file->pMethods->xShmMap(file, 0, kWalIndexRegion, 0, &region) != SQLITE_OK || region == nullptr) return;
    wal_index_ = static_cast<const uint32_t*>(const_cast<void*>(region));
}

std::optional<core::StoreVersion> Database::CurrentVersion() const noexcept {
    if (wal_index_ == nullptr) return std::nullopt;
    core::StoreVersion first;
    core::StoreVersion second;
    // Written by other processes' commits: atomic loads, and the first copy before the second.
    for (size_t i = 0; i < kHeaderWords; ++i) first.words[i] = __atomic_load_n(wal_index_ + i, __ATOMIC_RELAXED);
    std::atomic_thread_fence(std::memory_order_acquire);
    for (size_t i = 0; i < kHeaderWords; ++i) {
        second.words[i] = __atomic_load_n(wal_index_ + kHeaderWords + i, __ATOMIC_RELAXED);
    }
    // Ordered before whatever the caller reads next (the stamp), as SQLite orders its own reads.
    std::atomic_thread_fence(std::memory_order_acquire);
    const auto* bytes = reinterpret_cast<const unsigned char*>(first.words.data());
    if (!(first == second) || bytes[kIsInitByte] == 0) return std::nullopt;
    return first;
}

namespace {
// SQLite's memory statistics (on by default in Debian's build) take one process-wide mutex on every
// sqlite3_malloc and sqlite3_free, so all threads running statements contend on it (a settings
// profile pair spent ~3% of its CPU locking and waking it). Bia reads no statistics, so they are
// turned off once, before SQLite initialises (sqlite3_config is refused afterwards: then nothing
// changes, which is only slower).
void ConfigureSqliteOnce() {
    static const bool configured = [] { return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK; }();
    (void)configured;
}
}  // namespace

Result<std::unique_ptr<Database>> Database::Open(const std::string& dsn) {
    ConfigureSqliteOnce();
    std::unique_ptr<Database> db(new Database());
    db->flags_ = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX;
    std::string rest;
    if (dsn == "memory" || dsn == "sqlite://:memory:" || dsn.rfind("sqlite://file::memory:", 0) == 0) {
        static std::atomic<int> counter{0};
        db->path_ = "file:bia-mem-" + std::to_string(counter++) + "?mode=memory&cache=shared";
    } else {
        if (dsn.rfind("sqlite://", 0) == 0)
            rest = dsn.substr(9);
        else if (dsn.rfind("sqlite3://", 0) == 0)
            rest = dsn.substr(10);
        else if (dsn.rfind("file:", 0) == 0)
            rest = dsn.substr(5);
        else
            return core::BadRequest("unsupported DSN scheme for SQLite: expected sqlite://PATH or memory");
        std::string query;
        if (auto q = rest.find('?'); q != std::string::npos) {
            query = rest.substr(q + 1);
            rest.resize(q);
        }
        if (rest.empty()) return core::BadRequest("the SQLite DSN has no file path");
        auto params = core::Query::Parse(query);
        if (auto fk = params.Get("_fk"); fk && (*fk == "false" || *fk == "0")) db->foreign_keys_ = false;
        // Keep only the path: SQLite URI options from Kratos-style DSNs (_fk, _journal, …) are
        // handled here, not passed through.
        db->path_ = "file:" + rest;
    }
    auto c = db->OpenConnection();
    if (!c) return std::move(c).error();
    db->keep_alive_ = std::move(*c);
    db->MapWalIndex();
    return db;
}

Result<std::unique_ptr<Connection>> Database::OpenConnection() {
    sqlite3* raw = nullptr;
    // WAL frames written with one write per commit (wal_vfs.hpp); SQLite's default VFS otherwise.
    int rc = sqlite3_open_v2(path_.c_str(), &raw, flags_, WalBufferingVfs());
    if (rc != SQLITE_OK) {
        Error e = core::Unavailable("unable to open the SQLite database");
        e.debug = raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
        if (raw) sqlite3_close_v2(raw);
        return e;
    }
    auto conn = std::make_unique<Connection>(raw);
    sqlite3_busy_handler(raw, &BusyHandler, nullptr);
    sqlite3_extended_result_codes(raw, 1);
    const char* pragmas = foreign_keys_
                              ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                              : "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=OFF;";
    if (auto s = conn->Exec(pragmas); !s) return std::move(s).error();
    static const std::string size_limit = "PRAGMA journal_size_limit=" + std::to_string(kWalSizeLimit);
    if (auto s = conn->Exec(size_limit.c_str()); !s) return std::move(s).error();
    return conn;
}

namespace {
// The database and writer connection of the batch this thread is running, for a Transaction on the
// same database called from inside another one's fn: it joins the enclosing write instead of
// waiting for a batch behind itself. Acquire hands out that connection too, so that what a write
// (or a unit of work) reads inside its fn includes its own changes.
struct RunningBatch {
    const void* db = nullptr;
    Connection* connection = nullptr;
};
thread_local RunningBatch t_batch;
}  // namespace

Database::Lease::~Lease() {
    if (snapshot_ && raw_ && !sqlite3_get_autocommit(raw_->raw())) {
        if (auto commit = raw_->Prepare("COMMIT")) (void)commit->Run();
    }
    if (c_ && db_) db_->Release(std::move(c_));
}

Result<Database::Lease> Database::Acquire() {
    if (t_batch.db == this) return Lease(*t_batch.connection);
    {
        std::lock_guard lock(mu_);
        if (!idle_.empty()) {
            auto c = std::move(idle_.back());
            idle_.pop_back();
            return Lease(*this, std::move(c));
        }
    }
    auto c = OpenConnection();
    if (!c) return std::move(c).error();
    return Lease(*this, std::move(*c));
}

Result<Database::Lease> Database::AcquireSnapshot() {
    BIA_TRY_ASSIGN(auto lease, Acquire());
    if (sqlite3_get_autocommit(lease->raw())) {
        BIA_TRY_ASSIGN(auto begin, lease->Prepare("BEGIN"));
        BIA_TRY(begin.Run());
        lease.snapshot_ = true;
    }
    return lease;
}

void Database::Release(std::unique_ptr<Connection> c) {
    // A connection left inside a transaction (should not happen) is discarded, not reused.
    if (!sqlite3_get_autocommit(c->raw())) return;
    std::lock_guard lock(mu_);
    if (idle_.size() < 64) idle_.push_back(std::move(c));
}

struct Database::PendingWrite {
    const std::function<Status(Connection&)>* fn;
    Status result;
    bool done = false;  // its batch committed or failed: result is final
    std::condition_variable wake;
};

namespace {
Status RunStatement(Connection& c, const char* sql) {
    BIA_TRY_ASSIGN(auto st, c.Prepare(sql));
    return st.Run();
}

// Runs one write inside a savepoint: on error only its own changes are rolled back.
Status RunInSavepoint(Connection& c, const std::function<Status(Connection&)>& fn) {
    BIA_TRY(RunStatement(c, "SAVEPOINT bia_write"));
    Status st;
    try {
        st = fn(c);
    } catch (const std::exception& e) {
        Error err = core::Internal("database error");
        err.debug = e.what();
        st = std::move(err);
    }
    if (!st && !sqlite3_get_autocommit(c.raw())) (void)RunStatement(c, "ROLLBACK TO bia_write");
    if (!sqlite3_get_autocommit(c.raw())) {
        if (auto released = RunStatement(c, "RELEASE bia_write"); !released && st) st = std::move(released);
    }
    return st;
}
}  // namespace

Status Database::Transaction(const std::function<Status(Connection&)>& fn) {
    if (t_batch.db == this) return RunInSavepoint(*t_batch.connection, fn);
    PendingWrite me{&fn, {}};
    std::unique_lock lock(write_mu_);
    write_queue_.push_back(&me);
    while (true) {
        // Each waiter sleeps on its own condition: it is woken when its batch is done, or when a
        // batch ends while it is first in the queue, to lead the next one unless a writer that
        // was running anyway took the lead first. (One condition for all woke every queued writer
        // at each commit, most of them to sleep again, all of them contending for write_mu_.)
        me.wake.wait(lock, [&] { return me.done || !writing_; });
        if (me.done) return std::move(me.result);
        // No batch runs: lead one with the writes queued so far, oldest first (this one among them
        // unless more than kMaxBatch wait ahead of it).
        writing_ = true;
        const auto n = static_cast<std::ptrdiff_t>(std::min(write_queue_.size(), kMaxBatch));
        std::vector<PendingWrite*> batch(write_queue_.begin(), write_queue_.begin() + n);
        write_queue_.erase(write_queue_.begin(), write_queue_.begin() + n);
        lock.unlock();
        RunBatch(batch);
        lock.lock();
        writing_ = false;
        // Notified under the lock: a waiter returns (and its PendingWrite ends) only after taking it.
        for (auto* p : batch) {
            p->done = true;
            if (p != &me) p->wake.notify_one();
        }
        if (!write_queue_.empty() && write_queue_.front() != &me) write_queue_.front()->wake.notify_one();
    }
}

Status Database::Run(const std::function<Status()>& fn) {
    return Transaction([&](Connection&) { return fn(); });
}

// Checkpoints, when the WAL has grown past kCheckpointPages, on the writer connection between two
// batches, in RESTART mode: every frame is copied into the database file (one fsync of each file),
// and then, once no reader still reads an older snapshot from the WAL, the next batch writes the WAL
// again from its first frame. A checkpoint beside a running batch (PASSIVE, on another connection)
// could never restart it, since that batch always began on the WAL's end: under steady writes the
// file grew without end and every batch re-ran a checkpoint and its fsyncs. SQLite's own
// auto-checkpoint would run inside COMMIT, where every write of the batch waits for it.
// Every queued write waits for this checkpoint, and copying frames (~12 µs each here) and flushing
// the pages copied (~20 ms for 4,000 frames' worth) is what took its time. So the backfill thread
// does both beside the running batches, every kBackfillStep frames (AfterCommit, BackfillLoop), and
// this checkpoint has only the frames since to copy and flush. While that thread is checkpointing,
// the leader does not wait for it: the next batch's leader tries again (unless the WAL has grown to
// four times the threshold: then it waits, so the file stays bounded).
// Readers are waited for briefly (CheckpointBusyHandler: ~1 ms); if one stays, the checkpoint copies
// what it can and the next try comes a quarter of kCheckpointPages later, with twice the wait (up to
// ~16 ms, for readers descheduled on a saturated machine), so a long read never holds up writes for
// long.
void Database::CheckpointBeforeBatch(Connection& writer) {
    const int pages = wal_pages_.load(std::memory_order_relaxed);
    if (pages < checkpoint_at_) return;
    // The backfill thread catches up first, beside the next batches (for up to a quarter of
    // kCheckpointPages more frames): the restart then copies and flushes at most kRestartBacklog
    // frames while writes wait, instead of up to kBackfillStep and more (~8 ms: a tenth of the
    // writer's time went to these pauses under the profile benchmark).
    // Only before the first try: once a restart has failed (a reader stayed), the retries come as
    // before, so that the WAL grows no faster while readers hold it.
    if (backfill_thread_.joinable() && checkpoint_at_ == kCheckpointPages &&
        pages < kCheckpointPages + kCheckpointPages / 4 &&
        pages - backfilled_.load(std::memory_order_relaxed) > kRestartBacklog) {
        RequestBackfill();
        return;
    }
    std::unique_lock checkpointing(checkpoint_mu_, std::try_to_lock);
    if (!checkpointing.owns_lock()) {
        if (pages < 4 * kCheckpointPages) return;
        checkpointing.lock();
    }
    sqlite3_busy_handler(writer.raw(), &CheckpointBusyHandler, &checkpoint_wait_steps_);
    int log = 0;
    int done = 0;
    const int rc = sqlite3_wal_checkpoint_v2(writer.raw(), nullptr, SQLITE_CHECKPOINT_RESTART, &log, &done);
    sqlite3_busy_handler(writer.raw(), &BusyHandler, nullptr);
    if (rc == SQLITE_OK) {
        // Every frame is in the database file: none left to checkpoint until the next commit's WAL
        // hook reports the restarted WAL (a batch that fails to commit does not checkpoint again).
        wal_pages_.store(0, std::memory_order_relaxed);
        backfilled_.store(0, std::memory_order_relaxed);
        ++wal_restarts_;
        checkpoint_at_ = kCheckpointPages;
        checkpoint_wait_steps_ = kCheckpointWaitSteps;
        backfill_requested_at_ = 0;
    } else {
        checkpoint_at_ = std::max(log, 0) + kCheckpointPages / 4;
        checkpoint_wait_steps_ = std::min(2 * checkpoint_wait_steps_, 16 * kCheckpointWaitSteps);
    }
}

// After a batch's commit (leaders only): asks the backfill thread to copy the WAL's new frames into
// the database file once kBackfillStep of them have come since the last request.
void Database::AfterCommit() {
    if (!backfill_thread_.joinable()) return;
    const int pages = wal_pages_.load(std::memory_order_relaxed);
    if (pages < backfill_requested_at_ + kBackfillStep) return;
    RequestBackfill();
}

void Database::RequestBackfill() {
    backfill_requested_at_ = wal_pages_.load(std::memory_order_relaxed);
    {
        std::lock_guard lock(backfill_mu_);
        backfill_wanted_ = true;
    }
    backfill_cv_.notify_one();
}

// Starts the backfill thread, on a connection of its own, for a database file in WAL mode.
void Database::StartBackfill() {
    if (wal_index_ == nullptr || backfill_thread_.joinable()) return;
    auto c = OpenConnection();
    if (!c) return;  // then the leaders' checkpoints copy every frame, as without this thread
    backfill_thread_ = std::thread([this, conn = std::move(*c)]() mutable { BackfillLoop(std::move(conn)); });
}

namespace {
// A descriptor of the database file, for fdatasync: Linux flushes a file's dirty pages through any
// descriptor of it, a read-only one too. -1 when there is none (the checkpoints still sync).
int OpenForSync(sqlite3* db) {
    const char* file = sqlite3_db_filename(db, "main");
    if (file == nullptr || *file == '\0') return -1;
    return ::open(file, O_RDONLY | O_CLOEXEC);
}
}  // namespace

void Database::BackfillLoop(std::unique_ptr<Connection> c) {
    const int db_fd = OpenForSync(c->raw());
    std::unique_lock lock(backfill_mu_);
    while (!backfill_stop_) {
        backfill_cv_.wait(lock, [&] { return backfill_wanted_ || backfill_stop_; });
        if (backfill_stop_) break;
        backfill_wanted_ = false;
        lock.unlock();
        int copied = 0;  // frames of the WAL now in the database file
        bool ok = false;
        uint64_t generation = 0;  // which WAL they are frames of (a restart begins another)
        {
            std::lock_guard checkpointing(checkpoint_mu_);
            // PASSIVE never waits: it copies the frames no reader of an older snapshot still needs
            // and leaves the WAL as it is. Writers go on committing meanwhile. It syncs the WAL
            // before copying, but the database file only when no commit came meanwhile: under
            // steady writes, never.
            ok = sqlite3_wal_checkpoint_v2(c->raw(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, &copied) == SQLITE_OK;
            generation = wal_restarts_;
        }
        if (ok) {
            // So the pages it copied are flushed here, beside the batches: otherwise the leader's
            // restart syncs all of them (~20 ms for 4,000 frames' pages) while every write waits.
            if (db_fd >= 0) (void)::fdatasync(db_fd);
            {
                std::lock_guard checkpointing(checkpoint_mu_);
                if (wal_restarts_ == generation) backfilled_.store(copied, std::memory_order_relaxed);
            }
            backfills_.fetch_add(1, std::memory_order_relaxed);
        }
        lock.lock();
    }
    lock.unlock();
    if (db_fd >= 0) ::close(db_fd);
}

void Database::RunBatch(std::span<PendingWrite* const> batch) {
    auto fail_all = [&](const Status& s) {
        for (auto* p : batch) p->result = s;
    };
    if (!writer_) {
        auto c = OpenConnection();
        if (!c) return fail_all(std::move(c).error());
        writer_ = std::move(*c);
        // Replaces SQLite's auto-checkpoint on this connection: see CheckpointBeforeBatch.
        sqlite3_wal_hook(
            writer_->raw(),
            [](void* pages, sqlite3*, const char*, int n) {
                static_cast<std::atomic<int>*>(pages)->store(n, std::memory_order_relaxed);
                return SQLITE_OK;
            },
            &wal_pages_);
        StartBackfill();
    }
    Connection& c = *writer_;
    CheckpointBeforeBatch(c);
    if (auto s = RunStatement(c, "BEGIN IMMEDIATE"); !s) return fail_all(s);
    const RunningBatch outer = t_batch;  // a batch of another database this thread is inside, if any
    t_batch = {this, &c};
    size_t ran = 0;
    for (; ran < batch.size(); ++ran) {
        batch[ran]->result = RunInSavepoint(c, *batch[ran]->fn);
        // Some errors (I/O, disk full, out of memory) make SQLite roll back the whole transaction:
        // then none of this batch is committed.
        if (sqlite3_get_autocommit(c.raw())) break;
    }
    t_batch = outer;
    writes_.fetch_add(batch.size(), std::memory_order_relaxed);
    Status committed;
    if (ran < batch.size()) {
        committed = core::Unavailable("The database is busy, please retry.");
    } else {
        committed = RunStatement(c, "COMMIT");
        if (committed) {
            commits_.fetch_add(1, std::memory_order_relaxed);
            AfterCommit();
        }
    }
    if (!committed) {
        if (!sqlite3_get_autocommit(c.raw())) (void)RunStatement(c, "ROLLBACK");
        // Writes that succeeded (or never ran) report why nothing of the batch was kept.
        for (auto* p : batch)
            if (p->result) p->result = committed;
    }
    // A connection left inside a transaction is not reused.
    if (!sqlite3_get_autocommit(c.raw())) writer_.reset();
}

Database::WriteStats Database::write_stats() const {
    return {writes_.load(std::memory_order_relaxed), commits_.load(std::memory_order_relaxed),
            backfills_.load(std::memory_order_relaxed)};
}

size_t Database::QueuedWrites() const {
    std::lock_guard lock(write_mu_);
    return write_queue_.size();
}

Result<std::vector<std::string>> Database::PendingMigrations() {
    auto lease = Acquire();
    if (!lease) return std::move(lease).error();
    BIA_TRY(
        (*lease)->Exec("CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY NOT NULL, applied_at "
                       "INTEGER NOT NULL)"));
    std::vector<std::string> pending;
    for (const auto& m : Migrations()) {
        BIA_TRY_ASSIGN(auto st, (*lease)->Prepare("SELECT 1 FROM schema_migrations WHERE version = ?"));
        st.Bind(1, m.version);
        BIA_TRY_ASSIGN(bool found, st.Step());
        if (!found) pending.emplace_back(m.version);
    }
    return pending;
}

Result<std::vector<std::string>> Database::Migrate() {
    BIA_TRY_ASSIGN(auto pending, PendingMigrations());
    for (const auto& version : pending) {
        const Migration* m = nullptr;
        for (const auto& x : Migrations())
            if (x.version == version) m = &x;
        std::string sql(m->sql);
        auto s = Transaction([&](Connection& c) -> Status {
            BIA_TRY(c.Exec(sql.c_str()));
            BIA_TRY_ASSIGN(auto st, c.Prepare("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)"));
            st.Bind(1, m->version).Bind(2, std::chrono::system_clock::now());
            return st.Run();
        });
        if (!s) {
            Error e = std::move(s).error();
            e.reason = "migration " + version + " failed: " + e.reason;
            return e;
        }
    }
    return pending;
}

Status Database::Ping() {
    auto lease = Acquire();
    if (!lease) return std::move(lease).error();
    BIA_TRY_ASSIGN(auto st, (*lease)->Prepare("SELECT 1"));
    BIA_TRY_ASSIGN(bool row, st.Step());
    (void)row;
    return {};
}

}  // namespace bia::persistence::sqlite
