#include "persistence/postgres/connection.hpp"

#include <poll.h>

#include <cerrno>
#include <cstring>

#include "identity/identity_repository.hpp"

namespace bia::persistence::postgres {

using core::Error;
using core::Result;
using core::Status;

namespace {

// Type OIDs (pg_type.h is a server header; these numbers are fixed by the wire protocol).
constexpr Oid kBoolOid = 16;
constexpr Oid kTimestampOid = 1114;
constexpr Oid kTimestampTzOid = 1184;
constexpr Oid kJsonbOid = 3802;

// PostgreSQL counts timestamps in microseconds from 2000-01-01 00:00:00 UTC.
constexpr int64_t kPgEpochUnixSeconds = 946684800;

int64_t ReadBigEndian(const char* p, int n) {
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
    // Sign-extend values narrower than 64 bits.
    if (n < 8 && (v >> (8 * n - 1)) & 1) v |= ~uint64_t{0} << (8 * n);
    return static_cast<int64_t>(v);
}

void IgnoreNotice(void*, const char*) {}

std::string TrimMessage(const char* m) {
    std::string s = m ? m : "";
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

}  // namespace

Error DatabaseUnavailable(std::string debug) {
    Error e = core::Unavailable(std::string(kUnavailableReason));
    e.debug = std::move(debug);
    return e;
}

// --- Params -------------------------------------------------------------------------------

Params& Params::Add(std::string_view v) {
    if (v.find('\0') != std::string_view::npos) has_nul_ = true;
    values_.emplace_back(v);
    null_.push_back(false);
    return *this;
}

Params& Params::Add(int64_t v) {
    values_.push_back(std::to_string(v));
    null_.push_back(false);
    return *this;
}

Params& Params::Add(bool v) {
    values_.emplace_back(v ? "t" : "f");
    null_.push_back(false);
    return *this;
}

Params& Params::Add(const core::Uuid& v) {
    values_.push_back(v.ToString());
    null_.push_back(false);
    return *this;
}

Params& Params::Add(core::TimePoint v) {
    using namespace std::chrono;
    const auto us = floor<microseconds>(v);
    const auto day = floor<days>(us);
    const year_month_day ymd{day};
    const hh_mm_ss hms{us - day};
    char buf[64];
    // An explicit +00 offset makes the value independent of the session's TimeZone.
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02lld:%02lld:%02lld.%06lld+00", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<long long>(hms.hours().count()), static_cast<long long>(hms.minutes().count()),
                  static_cast<long long>(hms.seconds().count()), static_cast<long long>(hms.subseconds().count()));
    values_.emplace_back(buf);
    null_.push_back(false);
    return *this;
}

Params& Params::Add(std::nullopt_t) {
    values_.emplace_back();
    null_.push_back(true);
    return *this;
}

Params& Params::AddJson(const nlohmann::json& v) {
    // Replace invalid UTF-8 instead of throwing: no exception may leave this module.
    values_.push_back(v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    null_.push_back(false);
    return *this;
}

Params& Params::AddJsonText(std::string text) {
    values_.push_back(std::move(text));
    null_.push_back(false);
    return *this;
}

Params& Params::AddUuidArray(std::span<const core::Uuid> ids) {
    std::string s = "{";
    for (size_t i = 0; i < ids.size(); ++i) {
        if (i) s += ',';
        s += ids[i].ToString();
    }
    s += '}';
    values_.push_back(std::move(s));
    null_.push_back(false);
    return *this;
}

Params& Params::AddTextArray(std::span<const std::string_view> values) {
    std::string s = "{";
    for (size_t i = 0; i < values.size(); ++i) {
        if (i) s += ',';
        s += '"';
        for (const char c : values[i]) {
            if (c == '\0') has_nul_ = true;
            if (c == '"' || c == '\\') s += '\\';
            s += c;
        }
        s += '"';
    }
    s += '}';
    values_.push_back(std::move(s));
    null_.push_back(false);
    return *this;
}

std::vector<const char*> Params::Pointers() const {
    std::vector<const char*> out(values_.size());
    for (size_t i = 0; i < values_.size(); ++i) out[i] = null_[i] ? nullptr : values_[i].c_str();
    return out;
}

// --- Rows ---------------------------------------------------------------------------------

int64_t Rows::affected() const {
    if (!r_) return 0;
    const char* t = PQcmdTuples(r_.get());
    return t && *t ? std::strtoll(t, nullptr, 10) : 0;
}

std::string_view Rows::TextView(int row, int col) const {
    const char* p = PQgetvalue(r_.get(), row, col);
    size_t n = static_cast<size_t>(PQgetlength(r_.get(), row, col));
    // Binary jsonb is a version byte (1) followed by the JSON text.
    if (PQftype(r_.get(), col) == kJsonbOid && n > 0) return {p + 1, n - 1};
    return {p, n};
}

int64_t Rows::Int(int row, int col) const {
    if (IsNull(row, col)) return 0;
    const int n = PQgetlength(r_.get(), row, col);
    if (n != 2 && n != 4 && n != 8) return 0;
    return ReadBigEndian(PQgetvalue(r_.get(), row, col), n);
}

bool Rows::Bool(int row, int col) const {
    if (IsNull(row, col)) return false;
    if (PQftype(r_.get(), col) != kBoolOid) return Int(row, col) != 0;
    return PQgetvalue(r_.get(), row, col)[0] != 0;
}

core::Uuid Rows::Id(int row, int col) const {
    if (IsNull(row, col) || PQgetlength(r_.get(), row, col) != 16) return {};
    static constexpr char kHex[] = "0123456789abcdef";
    const auto* b = reinterpret_cast<const uint8_t*>(PQgetvalue(r_.get(), row, col));
    std::string s;
    s.reserve(36);
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) s += '-';
        s += kHex[b[i] >> 4];
        s += kHex[b[i] & 15];
    }
    auto u = core::Uuid::Parse(s);
    return u ? *u : core::Uuid{};
}

core::TimePoint Rows::Time(int row, int col) const {
    if (IsNull(row, col)) return {};
    const Oid type = PQftype(r_.get(), col);
    const int64_t v = Int(row, col);
    if (type == kTimestampTzOid || type == kTimestampOid) {
        return core::TimePoint(std::chrono::seconds(kPgEpochUnixSeconds)) +
               std::chrono::duration_cast<core::TimePoint::duration>(std::chrono::microseconds(v));
    }
    // A bigint column holds nanoseconds since the Unix epoch.
    return core::TimePoint(std::chrono::duration_cast<core::TimePoint::duration>(std::chrono::nanoseconds(v)));
}

std::optional<core::TimePoint> Rows::OptTime(int row, int col) const {
    if (IsNull(row, col)) return std::nullopt;
    return Time(row, col);
}

nlohmann::json Rows::Json(int row, int col) const {
    if (IsNull(row, col)) return nullptr;
    auto j = nlohmann::json::parse(TextView(row, col), nullptr, /*allow_exceptions=*/false);
    return j.is_discarded() ? nlohmann::json(nullptr) : j;
}

// --- Connection ---------------------------------------------------------------------------

Connection::Connection(PGconn* conn, core::Duration query_timeout)
    : conn_(conn), query_timeout_(query_timeout), opened_at_(std::chrono::steady_clock::now()) {}

Connection::~Connection() { PQfinish(conn_); }

Result<std::unique_ptr<Connection>> Connection::Open(const Dsn& dsn) {
    auto params = dsn.ConnectParams();
    bool has_app_name = false;
    for (const auto& [k, v] : params) has_app_name = has_app_name || k == "application_name";
    if (!has_app_name) params.emplace_back("application_name", "bia");
    params.emplace_back("client_encoding", "UTF8");
    std::vector<const char*> keys, values;
    for (const auto& [k, v] : params) {
        keys.push_back(k.c_str());
        values.push_back(v.c_str());
    }
    keys.push_back(nullptr);
    values.push_back(nullptr);
    PGconn* c = PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/0);
    if (!c) return DatabaseUnavailable("out of memory while connecting");
    if (PQstatus(c) != CONNECTION_OK) {
        std::string why = TrimMessage(PQerrorMessage(c));
        PQfinish(c);
        return DatabaseUnavailable("cannot connect to " + dsn.Redacted() + ": " + why);
    }
    // Notices (e.g. "relation already exists, skipping") would otherwise go to stderr.
    PQsetNoticeProcessor(c, IgnoreNotice, nullptr);
    if (PQsetnonblocking(c, 1) != 0) {
        std::string why = TrimMessage(PQerrorMessage(c));
        PQfinish(c);
        return DatabaseUnavailable("cannot switch the connection to non-blocking mode: " + why);
    }
    return std::unique_ptr<Connection>(new Connection(c, dsn.query_timeout));
}

bool Connection::IsBroken() const { return broken_ || PQstatus(conn_) != CONNECTION_OK; }

bool Connection::InTransaction() const {
    const auto s = PQtransactionStatus(conn_);
    return s != PQTRANS_IDLE;
}

bool Connection::InFailedTransaction() const { return PQtransactionStatus(conn_) == PQTRANS_INERROR; }

bool Connection::CheckAlive() {
    if (IsBroken()) return false;
    const int fd = PQsocket(conn_);
    if (fd < 0) return broken_ = true, false;
    pollfd p{fd, POLLIN, 0};
    // Nothing is expected on an idle connection: readable means the server sent its
    // termination notice and/or closed the socket. Either way, do not reuse it.
    if (poll(&p, 1, 0) != 0) {
        broken_ = true;
        return false;
    }
    return true;
}

Error Connection::Lost(std::string_view what) {
    broken_ = true;
    std::string why = TrimMessage(PQerrorMessage(conn_));
    return DatabaseUnavailable(std::string(what) + (why.empty() ? "" : ": " + why));
}

Error Connection::TimedOut() {
    timed_out_ = true;
    return Lost("the database did not answer within query_timeout");
}

Error Connection::Failed(const PGresult* r) {
    const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    last_sqlstate_ = state ? state : "";
    std::string message = TrimMessage(PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY));
    if (message.empty()) message = TrimMessage(PQresultErrorMessage(r));
    const std::string& s = last_sqlstate_;
    if (s == kUniqueViolation) {
        return core::Conflict(std::string(identity::kConflictReason))
            .WithMessage(std::string(identity::kConflictReason));
    }
    if (s == kSerializationFailure || s == kDeadlockDetected || s == "55P03" /* lock_not_available */ ||
        s == "57014" /* query_canceled, e.g. statement_timeout */) {
        Error e = core::Unavailable("The database is busy, please retry.");
        e.debug = message;
        return e;
    }
    if (s.rfind("08", 0) == 0 || s == "57P01" || s == "57P02" || s == "57P03" || s.rfind("53", 0) == 0) {
        // Connection exceptions, shutdown, too many connections, out of resources.
        if (s.rfind("08", 0) == 0 || s == "57P01" || s == "57P02") broken_ = true;
        return DatabaseUnavailable(message);
    }
    if (s == "22021" || s == "22P05") {
        // Text the database encoding cannot hold (invalid UTF-8, \u0000 in JSON).
        Error e = core::BadRequest("The request contains characters that cannot be stored.");
        e.debug = message;
        return e;
    }
    Error e = core::Internal("database error");
    e.debug = (s.empty() ? "" : "SQLSTATE " + s + ": ") + message;
    return e;
}

Status Connection::Flush(Deadline deadline) {
    while (true) {
        const int r = PQflush(conn_);
        if (r == 0) return {};
        if (r < 0) return Lost("sending to the database failed");
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return TimedOut();
        pollfd p{PQsocket(conn_), POLLOUT | POLLIN, 0};
        const int rc = poll(&p, 1, static_cast<int>(left.count()));
        if (rc < 0 && errno != EINTR) return Lost("waiting for the database failed");
        // The server may be sending while we send; reading keeps both sides moving.
        if (rc > 0 && (p.revents & POLLIN) && !PQconsumeInput(conn_)) return Lost("reading from the database failed");
    }
}

Result<PGresult*> Connection::NextResult(Deadline deadline) {
    while (PQisBusy(conn_)) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return TimedOut();
        pollfd p{PQsocket(conn_), POLLIN, 0};
        const int rc = poll(&p, 1, static_cast<int>(left.count()) + 1);
        if (rc < 0 && errno != EINTR) return Lost("waiting for the database failed");
        if (rc > 0 && !PQconsumeInput(conn_)) return Lost("reading from the database failed");
    }
    PGresult* r = PQgetResult(conn_);
    if (!r && PQstatus(conn_) != CONNECTION_OK) return Lost("the database closed the connection");
    return r;
}

Result<Rows> Connection::TakeCommandResult(Deadline deadline) {
    BIA_TRY_ASSIGN(PGresult * first, NextResult(deadline));
    if (!first) return Lost("the database sent no result");
    Rows rows;
    std::optional<Error> error;
    const auto status = PQresultStatus(first);
    if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
        rows = Rows(first);
    } else {
        if (status == PGRES_PIPELINE_ABORTED)
            error = core::Internal("statement skipped after an earlier failure");
        else
            error = Failed(first);
        PQclear(first);
    }
    if (status == PGRES_PIPELINE_SYNC) return Lost("results and statements got out of step");
    // Drain to the end of this command so the connection is ready for the next one.
    while (true) {
        BIA_TRY_ASSIGN(PGresult * more, NextResult(deadline));
        if (!more) break;
        const auto s = PQresultStatus(more);
        if (!error && s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK) error = Failed(more);
        PQclear(more);
    }
    if (error) return *std::move(error);
    return rows;
}

Result<std::string> Connection::PreparedName(std::string_view sql, Deadline deadline) {
    if (auto it = prepared_.find(sql); it != prepared_.end()) return it->second;
    std::string name = "bia_" + std::to_string(++next_statement_);
    const std::string text(sql);
    if (!PQsendPrepare(conn_, name.c_str(), text.c_str(), 0, nullptr)) return Lost("sending a statement failed");
    BIA_TRY(Flush(deadline));
    BIA_TRY(TakeCommandResult(deadline));
    prepared_.emplace(text, name);
    return name;
}

Result<Rows> Connection::Query(std::string_view sql, const Params& params) {
    if (params.has_nul()) return core::BadRequest("The request contains characters that cannot be stored.");
    if (IsBroken()) return Lost("the connection is broken");
    last_sqlstate_.clear();
    const Deadline deadline = NewDeadline();
    for (int attempt = 0;; ++attempt) {
        BIA_TRY_ASSIGN(std::string name, PreparedName(sql, deadline));
        const auto values = params.Pointers();
        if (!PQsendQueryPrepared(conn_, name.c_str(), params.size(), values.data(), nullptr, nullptr,
                                 /*resultFormat=binary*/ 1))
            return Lost("sending a statement failed");
        BIA_TRY(Flush(deadline));
        auto r = TakeCommandResult(deadline);
        // A statement the server no longer knows (pooler reset, DISCARD ALL) or whose result
        // shape changed under it (a migration ran): prepare it afresh, once. Outside a
        // transaction block nothing ran, so repeating is safe.
        const bool stale = last_sqlstate_ == "26000" || last_sqlstate_ == "0A000";
        if (r || attempt > 0 || !stale || IsBroken() || InTransaction()) return r;
        prepared_.erase(prepared_.find(sql));
        if (last_sqlstate_ == "0A000") BIA_TRY(Exec("DEALLOCATE " + name));
        last_sqlstate_.clear();
    }
}

Result<std::vector<Rows>> Connection::Batch(std::span<const Command> commands, bool snapshot) {
    std::vector<Rows> out;
    if (commands.empty()) return out;
    for (const auto& c : commands)
        if (c.params && c.params->has_nul())
            return core::BadRequest("The request contains characters that cannot be stored.");
    if (IsBroken()) return Lost("the connection is broken");
    // Inside a transaction block (a unit of work reading its own writes) the statements run in
    // that transaction, at its isolation level: no block of their own.
    if (snapshot && InTransaction()) snapshot = false;
    last_sqlstate_.clear();
    const Deadline deadline = NewDeadline();
    std::vector<std::string> names;
    names.reserve(commands.size());
    for (const auto& c : commands) {
        BIA_TRY_ASSIGN(std::string name, PreparedName(c.sql, deadline));
        names.push_back(std::move(name));
    }
    if (!PQenterPipelineMode(conn_)) return Lost("cannot enter pipeline mode");
    auto send_plain = [&](const char* sql) {
        return PQsendQueryParams(conn_, sql, 0, nullptr, nullptr, nullptr, nullptr, 1) == 1;
    };
    bool queued = !snapshot || send_plain("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    for (size_t i = 0; queued && i < commands.size(); ++i) {
        static const Params kNone;
        const Params& p = commands[i].params ? *commands[i].params : kNone;
        const auto values = p.Pointers();
        queued = PQsendQueryPrepared(conn_, names[i].c_str(), p.size(), values.data(), nullptr, nullptr, 1) == 1;
    }
    if (queued && snapshot) queued = send_plain("COMMIT");
    if (!queued || !PQpipelineSync(conn_)) return Lost("queueing statements failed");
    BIA_TRY(Flush(deadline));

    std::optional<Error> first_error;
    std::string first_state;
    const size_t total = commands.size() + (snapshot ? 2 : 0);
    for (size_t k = 0; k < total; ++k) {
        auto r = TakeCommandResult(deadline);
        if (IsBroken()) return r ? Lost("the database closed the connection") : std::move(r).error();
        if (!r) {
            if (!first_error) {
                first_error = std::move(r).error();
                first_state = last_sqlstate_;
            }
            continue;
        }
        const bool bookend = snapshot && (k == 0 || k + 1 == total);
        if (!bookend) out.push_back(std::move(*r));
    }
    BIA_TRY_ASSIGN(PGresult * sync, NextResult(deadline));
    const bool synced = sync && PQresultStatus(sync) == PGRES_PIPELINE_SYNC;
    if (sync) PQclear(sync);
    if (!synced || !PQexitPipelineMode(conn_)) return Lost("the pipeline did not end cleanly");
    if (first_error) {
        last_sqlstate_ = first_state;
        // A failed snapshot leaves its transaction block aborted: close it here.
        if (snapshot && InTransaction()) (void)Exec("ROLLBACK");
        last_sqlstate_ = first_state;
        return *std::move(first_error);
    }
    return out;
}

Status Connection::Exec(std::string_view sql) {
    if (IsBroken()) return Lost("the connection is broken");
    last_sqlstate_.clear();
    const Deadline deadline = NewDeadline();
    const std::string text(sql);
    if (!PQsendQuery(conn_, text.c_str())) return Lost("sending a statement failed");
    BIA_TRY(Flush(deadline));
    std::optional<Error> error;
    while (true) {
        BIA_TRY_ASSIGN(PGresult * r, NextResult(deadline));
        if (!r) break;
        const auto s = PQresultStatus(r);
        if (!error && s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK && s != PGRES_EMPTY_QUERY) error = Failed(r);
        PQclear(r);
    }
    if (error) return *std::move(error);
    return {};
}

}  // namespace bia::persistence::postgres
