#include "persistence/postgres/flow_store_postgres.hpp"

#include <map>
#include <mutex>

#include "identity/identity.hpp"
#include "selfservice/flow/flow_errors.hpp"

namespace bia::persistence::postgres {
namespace {

using selfservice::FlowColumnValue;

// The statements of one table, built once per process.
struct PostgresFlowSql {
    std::string insert, update, select, stamp, stamp_with_session;
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
            " f LEFT JOIN sessions s ON s.token = $2 LEFT JOIN identities i ON i.id = s.identity_id WHERE f.id = $1"};
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

    core::Result<selfservice::FlowRecord> Get(const core::Uuid& id) override {
        Params p;
        p.Add(id);
        return db_.Read([&](Connection& c) -> core::Result<selfservice::FlowRecord> {
            BIA_TRY_ASSIGN(Rows r, c.Query(sql_.select, p));
            if (r.empty()) return selfservice::FlowNotFound();
            return selfservice::ReadFlowRecord(table_, PostgresFlowRow{r});
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

    core::Result<selfservice::FlowSessionStamp> StampWithSession(const core::Uuid& id,
                                                                 std::string_view token) override {
        Params p;
        p.Add(id);
        p.Add(token);
        return db_.Read([&](Connection& c) -> core::Result<selfservice::FlowSessionStamp> {
            BIA_TRY_ASSIGN(Rows r, c.Query(sql_.stamp_with_session, p));
            if (r.empty()) return selfservice::FlowNotFound();
            selfservice::FlowSessionStamp out{{r.Int(0, 0), r.Time(0, 1)}, std::nullopt};
            if (!r.IsNull(0, 2) && !r.IsNull(0, 3)) {
                out.session = session::SessionStamp{.session_revision = r.Int(0, 2),
                                                    .identity_revision = r.Int(0, 3),
                                                    .active = r.Bool(0, 4),
                                                    .expires_at = r.Time(0, 5),
                                                    .identity_active = r.Text(0, 6) == identity::kStateActive};
            }
            return out;
        });
    }

  private:
    Database& db_;
    const selfservice::FlowTable& table_;
    const PostgresFlowSql& sql_;
};

}  // namespace

std::unique_ptr<selfservice::FlowStore> NewFlowStore(Database& db, const selfservice::FlowTable& table) {
    return std::make_unique<PostgresFlowStore>(db, table);
}

}  // namespace bia::persistence::postgres
