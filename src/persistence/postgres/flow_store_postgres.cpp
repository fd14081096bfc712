#include "persistence/postgres/flow_store_postgres.hpp"

#include <map>
#include <mutex>

#include "persistence/postgres/read_batcher.hpp"
#include "persistence/postgres/session_stamps.hpp"
#include "selfservice/flow/flow_errors.hpp"

namespace bia::persistence::postgres {
namespace {

using selfservice::FlowColumnValue;

// A settings fetch's batched key: the flow id and the session token.
constexpr std::string_view kStampKeyTypes[] = {"uuid", "text"};
constexpr std::string_view kStampKeyNames[] = {"id", "token"};

// The statements of one table, built once per process.
struct PostgresFlowSql {
    std::string insert, update, select, stamp, stamp_with_session;
    BatchedStatements stamp_with_session_batch;
};

const PostgresFlowSql& PostgresFlowSqlFor(const selfservice::FlowTable& t) {
    static std::mutex mu;
    static std::map<std::string, PostgresFlowSql, std::less<>> texts;
    std::lock_guard lock(mu);
    if (auto it = texts.find(t.table); it != texts.end()) return it->second;
    std::string names, marks, sets;
    int n = 0, set_n = 0;
    for (std::string_view c : t.AllColumns()) {
        names += (names.empty() ? "" : ", ") + std::string(c);
        marks += (marks.empty() ? "$" : ", $") + std::to_string(++n);
        if (c != "id" && c != "created_at") {
            sets += (sets.empty() ? "" : ", ") + std::string(c) + " = $" + std::to_string(++set_n);
        }
    }
    const std::string table(t.table);
    PostgresFlowSql s{
        "INSERT INTO " + table + " (" + names + ") VALUES (" + marks + ")",
        "UPDATE " + table + " SET " + sets + ", revision = revision + 1 WHERE id = $" + std::to_string(set_n + 1),
        "SELECT " + names + " FROM " + table + " WHERE id = $1",
        "SELECT revision, expires_at FROM " + table + " WHERE id = $1",
        "SELECT f.revision, f.expires_at, s.revision, i.revision, s.active, s.expires_at, i.state FROM " + table +
            " f LEFT JOIN sessions s ON s.token = $2 LEFT JOIN identities i ON i.id = s.identity_id WHERE f.id = $1",
        // Each row carries its key's position (k.n): flows and sessions not found leave theirs empty.
        BatchedStatements(kStampKeyTypes, kStampKeyNames, [&](const std::string& values) {
            // Lateral subqueries, so that each key is an index lookup (SessionStampJoin).
            return "SELECT k.n, f.revision, f.expires_at, " + std::string(kSessionStampColumns) + " FROM " + values +
                   " JOIN LATERAL (SELECT revision, expires_at FROM " + table + " WHERE id = k.id LIMIT 1) f ON true" +
                   SessionStampJoin("LEFT JOIN");
        })};
    return texts.emplace(table, std::move(s)).first->second;
}

// selfservice::AppendFlowParams's sink.
struct PostgresParamSink {
    Params& p;
    void Add(const core::Uuid& v) { p.Add(v); }
    void Add(std::string_view v) { p.Add(v); }
    void Add(core::TimePoint v) { p.Add(v); }
    void Add(bool v) { p.Add(v); }
    void AddJson(const nlohmann::json& v) { p.AddJson(v); }
    // What AddJson(ui.ToJson()) wrote: invalid UTF-8 replaced, not thrown.
    void AddUi(const ui::Container& ui) { p.AddJsonText(ui.Dump(nlohmann::json::error_handler_t::replace)); }
    void AddUiText(std::string_view text) { p.AddJsonText(std::string(text)); }
};

// selfservice::ReadFlowRecord's row: the first row of `r`.
struct PostgresFlowRow {
    const Rows& r;
    core::Uuid Id(int c) const { return r.Id(0, c); }
    std::string Text(int c) const { return r.Text(0, c); }
    core::TimePoint Time(int c) const { return r.Time(0, c); }
    bool Bool(int c) const { return r.Bool(0, c); }
    nlohmann::json Json(int c) const { return r.Json(0, c); }
    std::string_view JsonText(int c) const { return r.TextView(0, c); }
};

core::Result<Rows> WriteFlow(Database& db, const std::string& sql, const selfservice::FlowBase& f,
                             std::span<const FlowColumnValue> values, selfservice::FlowWrite write) {
    BIA_TRY_ASSIGN(auto lease, db.Acquire());
    Params p;
    PostgresParamSink sink{p};
    selfservice::AppendFlowParams(sink, f, values, write);
    return lease->Query(sql, p);
}

class PostgresFlowStore final : public selfservice::FlowStore {
  public:
    PostgresFlowStore(Database& db, const selfservice::FlowTable& table)
        : db_(db), table_(table), sql_(PostgresFlowSqlFor(table)) {}

    const selfservice::FlowTable& table() const override { return table_; }

    core::Status Create(const selfservice::FlowBase& f, std::span<const FlowColumnValue> values) override {
        BIA_TRY(WriteFlow(db_, sql_.insert, f, values, selfservice::FlowWrite::kInsert));
        return {};
    }

    core::Status Update(const selfservice::FlowBase& f, std::span<const FlowColumnValue> values) override {
        BIA_TRY_ASSIGN(Rows r, WriteFlow(db_, sql_.update, f, values, selfservice::FlowWrite::kUpdate));
        if (r.affected() == 0) return selfservice::FlowNotFound();
        return {};
    }

    core::Result<selfservice::FlowRecord> Get(const core::Uuid& id, selfservice::UiRead ui) override {
        Params p;
        p.Add(id);
        return db_.Read([&](Connection& c) -> core::Result<selfservice::FlowRecord> {
            BIA_TRY_ASSIGN(Rows r, c.Query(sql_.select, p));
            if (r.empty()) return selfservice::FlowNotFound();
            return selfservice::ReadFlowRecord(table_, PostgresFlowRow{r}, ui);
        });
    }

    core::Result<selfservice::FlowStamp> Stamp(const core::Uuid& id) override {
        Params p;
        p.Add(id);
        return db_.Read([&](Connection& c) -> core::Result<selfservice::FlowStamp> {
            BIA_TRY_ASSIGN(Rows r, c.Query(sql_.stamp, p));
            if (r.empty()) return selfservice::FlowNotFound();
            return selfservice::FlowStamp{r.Int(0, 0), r.Time(0, 1)};
        });
    }

    // Concurrent fetches share one statement (read_batcher.hpp); inside a unit of work, or for a
    // token no batch may carry, the single statement runs on this thread.
    core::Result<selfservice::FlowSessionStamp> StampWithSession(const core::Uuid& id,
                                                                 std::string_view token) override {
        std::optional<selfservice::FlowSessionStamp> stamp;
        if (db_.Joined() || !session::CouldBeToken(token)) {
            BIA_TRY_ASSIGN(stamp, StampWithSessionOne({&id, token}));
        } else {
            BIA_TRY_ASSIGN(stamp, batch_.Get({&id, token}));
        }
        if (!stamp) return selfservice::FlowNotFound();
        return *stamp;
    }

    // Queued for the batcher's runner: no thread waits for the round trip.
    void StampWithSessionAsync(const core::Uuid& id, std::string_view token, FlowSessionStampCallback done) override {
        if (db_.Joined() || !session::CouldBeToken(token)) {
            done(StampWithSession(id, token));
            return;
        }
        batch_.GetAsync({&id, token}, [done = std::move(done)](core::Result<OptionalStamp> stamp) {
            if (!stamp) return done(std::move(stamp).error());
            if (!*stamp) return done(selfservice::FlowNotFound());
            done(**stamp);
        });
    }
    bool StampReadsAsync() const override { return true; }

  private:
    struct StampKey {
        const core::Uuid* id;
        std::string_view token;
    };
    using OptionalStamp = std::optional<selfservice::FlowSessionStamp>;

    // The flow's stamp and, when the token names a session, the session's, from `first_col` on.
    static selfservice::FlowSessionStamp ReadStamp(const Rows& r, int row, int first_col) {
        selfservice::FlowSessionStamp out{{r.Int(row, first_col), r.Time(row, first_col + 1)}, std::nullopt};
        if (!r.IsNull(row, first_col + 2) && !r.IsNull(row, first_col + 3)) {
            out.session = ReadSessionStamp(r, row, first_col + 2);
        }
        return out;
    }

    core::Result<OptionalStamp> StampWithSessionOne(const StampKey& key) {
        Params p;
        p.Add(*key.id);
        p.Add(key.token);
        return db_.Read([&](Connection& c) -> core::Result<OptionalStamp> {
            BIA_TRY_ASSIGN(Rows r, c.Query(sql_.stamp_with_session, p));
            if (r.empty()) return OptionalStamp{};
            return OptionalStamp{ReadStamp(r, 0, 0)};
        });
    }

    core::Result<std::vector<OptionalStamp>> StampWithSessionBatch(const std::vector<const StampKey*>& keys) {
        if (keys.size() == 1) {
            BIA_TRY_ASSIGN(auto one, StampWithSessionOne(*keys.front()));
            return std::vector<OptionalStamp>{one};
        }
        size_t slots = 0;
        const std::string& sql = sql_.stamp_with_session_batch.For(keys.size(), &slots);
        Params p;
        for (size_t i = 0; i < slots; ++i) {
            const StampKey& k = *keys[std::min(i, keys.size() - 1)];
            p.Add(*k.id);
            p.Add(k.token);
        }
        return ReadBatch<selfservice::FlowSessionStamp>(db_, sql, p, keys.size(),
                                                        [](const Rows& r, int row) { return ReadStamp(r, row, 1); });
    }

    Database& db_;
    const selfservice::FlowTable& table_;
    const PostgresFlowSql& sql_;
    ReadBatcher<StampKey, selfservice::FlowSessionStamp> batch_{
        [this](const std::vector<const StampKey*>& keys) { return StampWithSessionBatch(keys); }, kMaxBatchedKeys,
        kMaxConcurrentBatches};
};

}  // namespace

std::unique_ptr<selfservice::FlowStore> NewFlowStore(Database& db, const selfservice::FlowTable& table) {
    return std::make_unique<PostgresFlowStore>(db, table);
}

}  // namespace bia::persistence::postgres
