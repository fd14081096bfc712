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
#include "persistence/postgres/connection.hpp"
#include "persistence/postgres/dsn.hpp"

namespace bia::persistence::postgres {

class Database {
  public:
    // Parses the DSN (400 when malformed). Connections are opened on demand, so a database that
    // is down at this moment shows up as 503 values later, not as a failure here.
    static core::Result<std::unique_ptr<Database>> Open(const std::string& dsn);
    static core::Result<std::unique_ptr<Database>> Open(Dsn dsn);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    class Lease {
      public:
        Lease(Database& db, std::unique_ptr<Connection> c) : db_(&db), c_(std::move(c)) {}
        Lease(Lease&&) = default;
        ~Lease();
        Connection* operator->() { return c_.get(); }
        Connection& operator*() { return *c_; }

      private:
        Database* db_;
        std::unique_ptr<Connection> c_;
    };
    // A pooled connection, or a new one while fewer than max_conns are open; waits up to the
    // DSN's acquire_timeout for one to be returned, then 503.
    core::Result<Lease> Acquire();

    // Runs fn(Connection&) → Result<T>/Status. fn must only read: when its connection turns out
    // to be dead (server restarted, failover, idle connection killed), it runs once more on a
    // fresh one. A statement that timed out is not repeated (it would wait as long again).
    template <class F>
    std::invoke_result_t<F&, Connection&> Read(F&& fn);

    enum class Isolation { kReadCommitted, kSerializable };
    // BEGIN … COMMIT around fn; rolls back when fn fails. Serialization failures and deadlocks
    // (40001, 40P01) re-run fn on a fresh transaction a few times before answering 503, so fn
    // must be repeatable. A connection found dead at BEGIN is replaced once.
    core::Status Transaction(const std::function<core::Status(Connection&)>& fn,
                             Isolation isolation = Isolation::kSerializable);

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
    for (int attempt = 0;; ++attempt) {
        auto lease = Acquire();
        if (!lease) return std::move(lease).error();
        auto r = fn(**lease);
        if (r || attempt > 0 || !(*lease)->IsBroken() || (*lease)->timed_out()) return r;
    }
}

}  // namespace bia::persistence::postgres
