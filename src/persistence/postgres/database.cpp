#include "persistence/postgres/database.hpp"

#include <algorithm>
#include <random>
#include <thread>

#include "persistence/postgres/migrations.hpp"

namespace bia::persistence::postgres {

using core::Error;
using core::Result;
using core::Status;
using Steady = std::chrono::steady_clock;

namespace {
constexpr int kTransactionAttempts = 5;

// The database and connection of the transaction this thread runs (see Database::Joined).
struct RunningTransaction {
    const Database* db = nullptr;
    Connection* connection = nullptr;
};
thread_local RunningTransaction t_transaction;
}  // namespace

Connection* Database::Joined() const { return t_transaction.db == this ? t_transaction.connection : nullptr; }

Result<std::unique_ptr<Database>> Database::Open(const std::string& dsn) {
    BIA_TRY_ASSIGN(Dsn parsed, ParseDsn(dsn));
    return Open(std::move(parsed));
}

Result<std::unique_ptr<Database>> Database::Open(Dsn dsn) {
    std::unique_ptr<Database> db(new Database(std::move(dsn)));
    db->max_conns_ = db->dsn_.MaxConns();
    return db;
}

Database::~Database() {
    // Leases hold a pointer to this object: they must all have been returned by now.
    std::lock_guard lock(mu_);
    idle_.clear();
}

Database::Lease::~Lease() {
    if (c_ && db_) db_->Release(std::move(c_));
}

bool Database::Expired(const Connection& c, Steady::time_point idle_since) const {
    const auto now = Steady::now();
    if (dsn_.max_conn_lifetime && now - c.opened_at() >= *dsn_.max_conn_lifetime) return true;
    if (dsn_.max_conn_idle_time && now - idle_since >= *dsn_.max_conn_idle_time) return true;
    return false;
}

Result<Database::Lease> Database::Acquire() {
    if (Connection* joined = Joined()) return Lease(*joined);
    const auto deadline = Steady::now() + dsn_.acquire_timeout;
    std::unique_lock lock(mu_);
    while (true) {
        while (!idle_.empty()) {
            Idle entry = std::move(idle_.back());
            idle_.pop_back();
            lock.unlock();
            // A connection that aged out or died while idle is closed and its slot reused.
            if (!Expired(*entry.c, entry.since) && entry.c->CheckAlive()) return Lease(*this, std::move(entry.c));
            entry.c.reset();
            lock.lock();
            --open_;
        }
        if (open_ < max_conns_) {
            ++open_;
            lock.unlock();
            auto c = Connection::Open(dsn_);
            if (!c) {
                lock.lock();
                --open_;
                freed_.notify_one();
                return std::move(c).error();
            }
            return Lease(*this, std::move(*c));
        }
        if (freed_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() && open_ >= max_conns_) {
            return DatabaseUnavailable("all " + std::to_string(max_conns_) +
                                       " database connections stayed busy; raise max_conns in the DSN");
        }
    }
}

void Database::Release(std::unique_ptr<Connection> c) {
    // Broken connections, ones left inside a transaction block (should not happen) and ones
    // past their lifetime are closed; the slot frees up for a new connection.
    bool keep = !c->IsBroken() && !c->InTransaction() && !Expired(*c, Steady::now());
    std::unique_lock lock(mu_);
    if (keep && dsn_.max_idle_conns > 0 && static_cast<int>(idle_.size()) >= dsn_.max_idle_conns) keep = false;
    if (keep) {
        idle_.push_back({std::move(c), Steady::now()});
    } else {
        --open_;
        lock.unlock();
        c.reset();
        lock.lock();
    }
    freed_.notify_one();
}

Database::PoolStats Database::Stats() {
    std::lock_guard lock(mu_);
    return {open_, static_cast<int>(idle_.size()), max_conns_};
}

Status Database::Run(const std::function<Status()>& fn) {
    return Transaction([&](Connection&) { return fn(); }, Isolation::kReadCommitted);
}

Status Database::Transaction(const std::function<Status(Connection&)>& fn, Isolation isolation) {
    if (Connection* joined = Joined()) return fn(*joined);
    const char* begin = isolation == Isolation::kSerializable ? "BEGIN ISOLATION LEVEL SERIALIZABLE"
                                                              : "BEGIN ISOLATION LEVEL READ COMMITTED";
    bool replaced_dead = false;
    for (int attempt = 1;; ++attempt) {
        BIA_TRY_ASSIGN(auto lease, Acquire());
        Connection& c = *lease;
        if (auto s = c.Exec(begin); !s) {
            // Nothing ran yet, so a connection that died while pooled may be swapped once.
            if (c.IsBroken() && !replaced_dead) {
                replaced_dead = true;
                --attempt;
                continue;
            }
            return s;
        }
        const RunningTransaction outer = t_transaction;  // another database's, if any
        t_transaction = {this, &c};
        Status st = fn(c);
        t_transaction = outer;
        // A statement that failed inside fn aborted the transaction, although fn went on: COMMIT
        // would then quietly roll back, so this is reported instead.
        if (st && c.InFailedTransaction()) {
            Error err = core::Internal("database error");
            err.debug = "a statement inside the transaction failed, its error was not returned";
            st = std::move(err);
        }
        if (st) st = c.Exec("COMMIT");
        if (st) return {};
        const std::string state = c.last_sqlstate();
        if (!c.IsBroken() && c.InTransaction()) (void)c.Exec("ROLLBACK");
        const bool retryable = state == kSerializationFailure || state == kDeadlockDetected;
        if (!retryable || attempt >= kTransactionAttempts) return st;
        // Back off a little, with jitter, so the competing transactions do not collide again.
        thread_local std::minstd_rand jitter(std::random_device{}());
        const int ms = (1 << attempt) + static_cast<int>(jitter() % 5);
        std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    }
}

Status Database::EnsureMigrationTable() {
    return Read([](Connection& c) -> Status {
        auto s = c.Exec(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)");
        // Two instances creating it at the same moment: the loser trips over the winner's catalog
        // rows (unique violation, duplicate table or duplicate row type); the table exists
        // either way.
        const std::string& state = c.last_sqlstate();
        if (!s && (state == kUniqueViolation || state == "42P07" || state == "42710")) return {};
        return s;
    });
}

Result<std::vector<std::string>> Database::PendingMigrations() {
    BIA_TRY(EnsureMigrationTable());
    return Read([](Connection& c) -> Result<std::vector<std::string>> {
        BIA_TRY_ASSIGN(Rows rows, c.Query("SELECT version FROM schema_migrations"));
        std::vector<std::string> applied;
        applied.reserve(rows.size());
        for (int i = 0; i < rows.size(); ++i) applied.push_back(rows.Text(i, 0));
        std::vector<std::string> pending;
        for (const auto& m : Migrations())
            if (std::find(applied.begin(), applied.end(), m.version) == applied.end()) pending.emplace_back(m.version);
        return pending;
    });
}

Result<std::vector<std::string>> Database::Migrate() {
    BIA_TRY_ASSIGN(auto pending, PendingMigrations());
    std::vector<std::string> applied;
    for (const auto& m : Migrations()) {
        if (std::find(pending.begin(), pending.end(), m.version) == pending.end()) continue;
        // The DDL runs first and the version row is written last: CockroachDB refuses schema
        // changes after a write in the same transaction. Two instances migrating at once collide
        // on the catalog (or on the version row); the loser rolls back and finds the version
        // applied by the winner.
        auto s = Transaction(
            [&](Connection& c) -> Status {
                BIA_TRY(c.Exec(m.sql));
                Params p;
                p.Add(m.version);
                BIA_TRY_ASSIGN(Rows recorded, c.Query("INSERT INTO schema_migrations (version, applied_at) "
                                                      "VALUES ($1, now()) ON CONFLICT (version) DO NOTHING",
                                                      p));
                if (recorded.affected() != 1) return core::Conflict("migration applied concurrently");
                return {};
            },
            Isolation::kReadCommitted);
        if (!s) {
            auto now_pending = PendingMigrations();
            const bool done_elsewhere =
                now_pending && std::find(now_pending->begin(), now_pending->end(), m.version) == now_pending->end();
            if (done_elsewhere) continue;
            Error e = std::move(s).error();
            e.reason = "migration " + std::string(m.version) + " failed: " + e.reason;
            return e;
        }
        applied.emplace_back(m.version);
    }
    return applied;
}

Status Database::Ping() {
    return Read([](Connection& c) -> Status {
        BIA_TRY_ASSIGN(Rows r, c.Query("SELECT 1"));
        if (r.size() != 1) return core::Internal("the database answered SELECT 1 with no row");
        return {};
    });
}

}  // namespace bia::persistence::postgres
