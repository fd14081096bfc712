// The PostgreSQL backend's database handle: a small connection pool sized from the DSN (one
// connection per busy thread, not per HTTP connection), reads that survive one dropped connection,
// transactions retried on serialization failures, versioned migrations, and a readiness ping.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <vector>

#include "core/result.hpp"
#include "core/unit_of_work.hpp"
#include "persistence/postgres/connection.hpp"
#include "persistence/postgres/dsn.hpp"

namespace bia::persistence::postgres {

class Database final : public core::UnitOfWork {
  public:
    // Parses the DSN (400 when malformed). Connections are opened on demand, so a database that
    // is down at this moment shows up as 503 values later, not as a failure here.
    static core::Result<std::unique_ptr<Database>> Open(const std::string& dsn);
    static core::Result<std::unique_ptr<Database>> Open(Dsn dsn);
    ~Database() override;
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    class Lease {
      public:
        Lease(Database& db, std::unique_ptr<Connection> c) : db_(&db), c_(std::move(c)), raw_(c_.get()) {}
        // The connection of the write or unit this thread is running (not returned to the pool).
        explicit Lease(Connection& joined) : raw_(&joined) {}
        Lease(Lease&&) = default;
        ~Lease();
        Connection* operator->() { return raw_; }
        Connection& operator*() { return *raw_; }

      private:
        Database* db_ = nullptr;
        std::unique_ptr<Connection> c_;
        Connection* raw_ = nullptr;
    };
    // A pooled connection, or a new one while fewer than max_conns are open; waits up to the
    // DSN's acquire_timeout for one to be returned, then 503. Inside a Transaction's fn (and so
    // inside a unit of work) on this thread: that transaction's connection, so that statements
    // there join it and see its changes.
    core::Result<Lease> Acquire();

    // Runs fn(Connection&) → Result<T>/Status. fn must only read: when its connection turns out
    // to be dead (server restarted, failover, idle connection killed), it runs once more on a
    // fresh one. A statement that timed out is not repeated (it would wait as long again).
    // Inside a Transaction's fn on this thread, fn runs once on that transaction's connection.
    template <class F>
    std::invoke_result_t<F&, Connection&> Read(F&& fn);

    enum class Isolation { kReadCommitted, kSerializable };
    // BEGIN … COMMIT around fn; rolls back when fn fails. Serialization failures and deadlocks
    // (40001, 40P01) re-run fn on a fresh transaction a few times before answering 503, so fn
    // must be repeatable. A connection found dead at BEGIN is replaced once.
    // Called from inside another Transaction's fn on this thread, fn joins that transaction (its
    // isolation level stays the outer one's, and a retry re-runs the outer fn). When fn succeeds
    // but a statement inside it failed (the transaction is aborted), nothing is committed and the
    // result is an error.
    core::Status Transaction(const std::function<core::Status(Connection&)>& fn,
                             Isolation isolation = Isolation::kSerializable);
    // core::UnitOfWork: fn inside one READ COMMITTED transaction (the level every repository's
    // own writes use), which each repository statement fn runs joins; retried like Transaction.
    core::Status Run(const std::function<core::Status()>& fn) override;
    // The connection of the Transaction this thread is inside for this database, or null.
    Connection* Joined() const;

    // Applies pending migrations in order, each in its own transaction; safe when several
    // instances start at once (a version applied by another instance meanwhile is skipped).
    // Returns the versions this call applied.
    core::Result<std::vector<std::string>> Migrate();
    core::Result<std::vector<std::string>> PendingMigrations();
    // SELECT 1 over a pooled connection (for /health/ready).
    core::Status Ping();

    const Dsn& dsn() const { return dsn_; }
    struct PoolStats {
        int open = 0;
        int idle = 0;
        int max = 0;
    };
    PoolStats Stats();

  private:
    explicit Database(Dsn dsn) : dsn_(std::move(dsn)) {}
    void Release(std::unique_ptr<Connection> c);
    bool Expired(const Connection& c, std::chrono::steady_clock::time_point idle_since) const;
    core::Status EnsureMigrationTable();

    Dsn dsn_;
    int max_conns_ = 1;
    std::mutex mu_;
    std::condition_variable freed_;
    struct Idle {
        std::unique_ptr<Connection> c;
        std::chrono::steady_clock::time_point since;
    };
    std::vector<Idle> idle_;
    int open_ = 0;
};

template <class F>
std::invoke_result_t<F&, Connection&> Database::Read(F&& fn) {
    if (Connection* joined = Joined()) return fn(*joined);
    for (int attempt = 0;; ++attempt) {
        auto lease = Acquire();
        if (!lease) return std::move(lease).error();
        auto r = fn(**lease);
        if (r || attempt > 0 || !(*lease)->IsBroken() || (*lease)->timed_out()) return r;
    }
}

}  // namespace bia::persistence::postgres
