#include "persistence/sqlite/flow_store_sqlite.hpp"

#include <map>
#include <mutex>

#include "core/json_text.hpp"
#include "selfservice/flow/flow_errors.hpp"

namespace bia::persistence::sqlite {
namespace {

using selfservice::FlowColumnValue;

// The statements of one table, built once per process: the statement cache is keyed by the
// text's address, so the texts must outlive every connection.
struct SqliteFlowSql {
    std::string insert, update, select, stamp;
};

const SqliteFlowSql& SqliteFlowSqlFor(const selfservice::FlowTable& t) {
    static std::mutex mu;
    static std::map<std::string, SqliteFlowSql, std::less<>> texts;
    std::lock_guard lock(mu);
    if (auto it = texts.find(t.table); it != texts.end()) return it->second;
    std::string names, marks, sets;
    for (std::string_view c : t.AllColumns()) {
        names += (names.empty() ? "" : ", ") + std::string(c);
        marks += marks.empty() ? "?" : ", ?";
        if (c != "id" && c != "created_at") sets += (sets.empty() ? "" : ", ") + std::string(c) + " = ?";
    }
    const std::string table(t.table);
    SqliteFlowSql s{"INSERT INTO " + table + " (" + names + ") VALUES (" + marks + ")",
                    "UPDATE " + table + " SET " + sets + ", revision = revision + 1 WHERE id = ?",
                    "SELECT " + names + " FROM " + table + " WHERE id = ?",
                    "SELECT revision, expires_at FROM " + table + " WHERE id = ?"};
    return texts.emplace(table, std::move(s)).first->second;
}

// selfservice::AppendFlowParams's sink: binds parameter after parameter.
struct SqliteParamSink {
    Statement& st;
    int next = 1;
    void Add(const core::Uuid& v) { st.Bind(next++, v); }
    void Add(std::string_view v) { st.Bind(next++, v); }
    void Add(core::TimePoint v) { st.Bind(next++, v); }
    void Add(bool v) { st.Bind(next++, int64_t{v ? 1 : 0}); }
    void AddJson(const nlohmann::json& v) { st.Bind(next++, v.dump()); }
    void AddUi(const ui::Container& ui) { st.Bind(next++, ui.Dump()); }
};

// selfservice::ReadFlowRecord's row: JSON is stored as text, flags as 0/1.
struct SqliteFlowRow {
    Statement& st;
    core::Uuid Id(int c) const { return st.Id(c); }
    std::string Text(int c) const { return st.Text(c); }
    core::TimePoint Time(int c) const { return st.Time(c); }
    bool Bool(int c) const { return st.Int(c) != 0; }
    nlohmann::json Json(int c) const { return core::ParseJsonText(st.TextView(c)); }
};

class SqliteFlowStore final : public selfservice::FlowStore {
  public:
    SqliteFlowStore(Database& db, const selfservice::FlowTable& table)
        : db_(db), table_(table), sql_(SqliteFlowSqlFor(table)) {}

    const selfservice::FlowTable& table() const override { return table_; }

    core::Status Create(const selfservice::FlowBase& f, std::span<const FlowColumnValue> values) override {
        BIA_TRY(Write(sql_.insert, f, values, selfservice::FlowWrite::kInsert));
        return {};
    }

    core::Status Update(const selfservice::FlowBase& f, std::span<const FlowColumnValue> values) override {
        BIA_TRY_ASSIGN(int changed, Write(sql_.update, f, values, selfservice::FlowWrite::kUpdate));
        if (changed == 0) return selfservice::FlowNotFound();
        return {};
    }

    core::Result<selfservice::FlowRecord> Get(const core::Uuid& id) override {
        BIA_TRY_ASSIGN(auto lease, db_.Acquire());
        BIA_TRY_ASSIGN(auto st, lease->Prepare(sql_.select.c_str()));
        st.Bind(1, id);
        BIA_TRY_ASSIGN(bool row, st.Step());
        if (!row) return selfservice::FlowNotFound();
        return selfservice::ReadFlowRecord(table_, SqliteFlowRow{st});
    }

    core::Result<selfservice::FlowStamp> Stamp(const core::Uuid& id) override {
        BIA_TRY_ASSIGN(auto lease, db_.Acquire());
        BIA_TRY_ASSIGN(auto st, lease->Prepare(sql_.stamp.c_str()));
        st.Bind(1, id);
        BIA_TRY_ASSIGN(bool row, st.Step());
        if (!row) return selfservice::FlowNotFound();
        return selfservice::FlowStamp{st.Int(0), st.Time(1)};
    }

  private:
    // Runs an insert or update; the number of rows it changed.
    core::Result<int> Write(const std::string& sql, const selfservice::FlowBase& f,
                            std::span<const FlowColumnValue> values, selfservice::FlowWrite write) {
        BIA_TRY_ASSIGN(auto lease, db_.Acquire());
        BIA_TRY_ASSIGN(auto st, lease->Prepare(sql.c_str()));
        SqliteParamSink sink{st};
        selfservice::AppendFlowParams(sink, f, values, write);
        BIA_TRY(st.Run());
        return sqlite3_changes(lease->raw());
    }

    Database& db_;
    const selfservice::FlowTable& table_;
    const SqliteFlowSql& sql_;
};

}  // namespace

std::unique_ptr<selfservice::FlowStore> NewFlowStore(Database& db, const selfservice::FlowTable& table) {
    return std::make_unique<SqliteFlowStore>(db, table);
}

}  // namespace bia::persistence::sqlite
