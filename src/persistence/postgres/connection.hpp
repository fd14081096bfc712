// One PostgreSQL connection over raw libpq: named statements prepared on first use, parameters
// sent as text, rows received in binary, several statements per round trip (pipeline mode), and
// every wait bounded by a deadline so a dead or stalled server becomes a 503 value, never a hang.
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/uuid.hpp"
#include "persistence/postgres/dsn.hpp"

namespace bia::persistence::postgres {

// SQLSTATE codes the repositories and the pool act on.
inline constexpr std::string_view kUniqueViolation = "23505";
inline constexpr std::string_view kSerializationFailure = "40001";
inline constexpr std::string_view kDeadlockDetected = "40P01";

// The 503 answered whenever the server cannot be reached or stops answering.
inline constexpr std::string_view kUnavailableReason = "The database is unavailable, please retry.";
core::Error DatabaseUnavailable(std::string debug);

// Positional parameters ($1, $2, …) in text form. Strings with a NUL byte cannot be sent to
// PostgreSQL (libpq would cut them short, which could match another row), so they make the
// statement fail with a 400 before anything is sent.
class Params {
  public:
    Params& Add(std::string_view v);
    Params& Add(const char* v) { return Add(std::string_view(v)); }
    Params& Add(const std::string& v) { return Add(std::string_view(v)); }
    Params& Add(int64_t v);
    Params& Add(int v) { return Add(int64_t{v}); }
    Params& Add(bool v);
    Params& Add(const core::Uuid& v);
    // Stored with PostgreSQL's precision: microseconds (sub-microsecond parts are dropped).
    Params& Add(core::TimePoint v);
    Params& Add(std::nullopt_t);
    Params& Add(const std::optional<core::TimePoint>& v) { return v ? Add(*v) : Add(std::nullopt); }
    Params& AddJson(const nlohmann::json& v);
    // JSON already serialised.
    Params& AddJsonText(std::string text);
    // SQL NULL for a JSON null, the document otherwise.
    Params& AddJsonOrNull(const nlohmann::json& v) { return v.is_null() ? Add(std::nullopt) : AddJson(v); }
    // A uuid[] literal ({a,b,…}) for "= ANY($n::uuid[])".
    Params& AddUuidArray(std::span<const core::Uuid> ids);
    // A text[] literal for "= ANY($n::text[])": every element double-quoted, its backslashes and
    // quotes escaped, so that no value can end an element or the array early.
    Params& AddTextArray(std::span<const std::string_view> values);

    int size() const { return static_cast<int>(values_.size()); }
    bool has_nul() const { return has_nul_; }
    // Pointers for PQsendQueryPrepared; valid while this object lives unchanged.
    std::vector<const char*> Pointers() const;

  private:
    std::vector<std::string> values_;
    std::vector<bool> null_;
    bool has_nul_ = false;
};

// The rows (or the command tag) of one statement. Columns are decoded from PostgreSQL's
// binary format by their declared type: uuid, int2/4/8, bool, text, json/jsonb, timestamp(tz).
class Rows {
  public:
    Rows() = default;
    explicit Rows(PGresult* r) : r_(r) {}

    int size() const { return r_ ? PQntuples(r_.get()) : 0; }
    bool empty() const { return size() == 0; }
    // Rows changed by INSERT/UPDATE/DELETE.
    int64_t affected() const;

    bool IsNull(int row, int col) const { return PQgetisnull(r_.get(), row, col) != 0; }
    std::string_view TextView(int row, int col) const;
    std::string Text(int row, int col) const { return std::string(TextView(row, col)); }
    int64_t Int(int row, int col) const;
    bool Bool(int row, int col) const;
    core::Uuid Id(int row, int col) const;
    core::TimePoint Time(int row, int col) const;
    std::optional<core::TimePoint> OptTime(int row, int col) const;
    // The stored document; JSON null for SQL NULL or unparsable text.
    nlohmann::json Json(int row, int col) const;

  private:
    struct Clear {
        void operator()(PGresult* r) const { PQclear(r); }
    };
    std::unique_ptr<PGresult, Clear> r_;
};

// One statement of a batch.
struct Command {
    std::string_view sql;
    const Params* params = nullptr;
};

class Connection {
  public:
    // Connects (bounded by the DSN's connect_timeout); 503 when the server cannot be reached.
    static core::Result<std::unique_ptr<Connection>> Open(const Dsn& dsn);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // Runs one statement, prepared under a generated name the first time its text is seen.
    core::Result<Rows> Query(std::string_view sql, const Params& params = {});
    // Runs statements in one round trip. With `snapshot`, they read one consistent snapshot
    // (REPEATABLE READ, READ ONLY; inside a transaction block, the block's own). Fails with the
    // first statement's error; then nothing of a snapshot batch is kept, and outside a
    // transaction block earlier writes are rolled back.
    core::Result<std::vector<Rows>> Batch(std::span<const Command> commands, bool snapshot = false);
    // Simple-protocol text (may hold several statements, no parameters): BEGIN, DDL, …
    core::Status Exec(std::string_view sql);

    // Whether the connection must be discarded (server gone, I/O failure, timed-out query).
    bool IsBroken() const;
    bool InTransaction() const;
    // Inside a transaction block that a failed statement aborted (only ROLLBACK is accepted).
    bool InFailedTransaction() const;
    // Broken because the server did not answer in time (rather than because it went away):
    // repeating the statement elsewhere would most likely wait just as long.
    bool timed_out() const { return timed_out_; }
    // Before reuse from the pool: notices a server that closed the connection while it was
    // idle (restart, idle timeout, pg_terminate_backend) without a round trip.
    bool CheckAlive();
    // SQLSTATE of the last failed statement; empty when it did not fail on the server.
    const std::string& last_sqlstate() const { return last_sqlstate_; }
    std::chrono::steady_clock::time_point opened_at() const { return opened_at_; }
    int server_pid() const { return PQbackendPID(conn_); }

  private:
    using Deadline = std::chrono::steady_clock::time_point;
    struct ResultPtr {
        PGresult* r = nullptr;
        ~ResultPtr() {
            if (r) PQclear(r);
        }
    };
    Connection(PGconn* conn, core::Duration query_timeout);

    core::Result<std::string> PreparedName(std::string_view sql, Deadline deadline);
    core::Status Flush(Deadline deadline);
    // Waits for the next result of the current command; nullptr when the command has no more.
    core::Result<PGresult*> NextResult(Deadline deadline);
    // Reads the results of one command: the first (or first failing) one is returned.
    core::Result<Rows> TakeCommandResult(Deadline deadline);
    core::Error Lost(std::string_view what);
    core::Error TimedOut();
    core::Error Failed(const PGresult* r);
    Deadline NewDeadline() const { return std::chrono::steady_clock::now() + query_timeout_; }

    PGconn* conn_;
    core::Duration query_timeout_;
    std::chrono::steady_clock::time_point opened_at_;
    struct Hash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    std::unordered_map<std::string, std::string, Hash, std::equal_to<>> prepared_;
    int next_statement_ = 0;
    bool broken_ = false;
    bool timed_out_ = false;
    std::string last_sqlstate_;
};

}  // namespace bia::persistence::postgres
