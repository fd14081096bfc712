#include "persistence/sqlite/flow_store_sqlite.hpp"

#include <map>
#include <mutex>
#include <variant>
#include <vector>

#include "core/json_text.hpp"
#include "identity/identity.hpp"
#include "selfservice/flow/flow_errors.hpp"

namespace bia::persistence::sqlite {
namespace {

using selfservice::FlowColumnValue;

// The statements of one table, built once per process: the statement cache is keyed by the
// text's address, so the texts must outlive every connection.
struct SqliteFlowSql {
    std::string insert, update, select, stamp, stamp_with_session;
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
                    "SELECT revision, expires_at FROM " + table + " WHERE id = ?",
                    "SELECT f.revision, f.expires_at, s.revision, i.revision, s.active, s.expires_at, i.state FROM " +
                        table +
                        " f LEFT JOIN sessions s ON s.token = ? LEFT JOIN identities i ON i.id = s.identity_id "
                        "WHERE f.id = ?"};
    return texts.emplace(table, std::move(s)).first->second;
}

// selfservice::AppendFlowParams's sink: collects the parameters (JSON already serialised) before the
// write is queued, so the group-committed part does no more than bind and step.
struct SqliteParams {
    std::vector<std::variant<std::string, int64_t, core::TimePoint>> values;
    void Add(const core::Uuid& v) { values.emplace_back(v.ToString()); }
    void Add(std::string_view v) { values.emplace_back(std::string(v)); }
    void Add(core::TimePoint v) { values.emplace_back(v); }
    void Add(bool v) { values.emplace_back(int64_t{v ? 1 : 0}); }
    void AddJson(const nlohmann::json& v) { values.emplace_back(v.dump()); }
    void AddUi(const ui::Container& ui) { values.emplace_back(ui.Dump()); }
    void AddUiText(std::string_view text) { values.emplace_back(std::string(text)); }
    void BindTo(Statement& st) const {
        int i = 1;
        for (const auto& v : values) std::visit([&](const auto& x) { st.Bind(i++, x); }, v);
    }
};

// selfservice::ReadFlowRecord's row: JSON is stored as text, flags as 0/1.
struct SqliteFlowRow {
    Statement& st;
    core::Uuid Id(int c) const { return st.Id(c); }
    std::string Text(int c) const { return st.Text(c); }
    core::TimePoint Time(int c) const { return st.Time(c); }
    bool Bool(int c) const { return st.Int(c) != 0; }
    nlohmann::json Json(int c) const { return nlohmann::json::parse(st.TextView(c), nullptr, false); }
    std::string_view JsonText(int c) const { return st.TextView(c); }
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

    core::Result<selfservice::FlowRecord> Get(const core::Uuid& id, selfservice::UiRead ui) override {
        BIA_TRY_ASSIGN(auto lease, db_.Acquire());
        BIA_TRY_ASSIGN(auto st, lease->Prepare(sql_.select.c_str()));
        st.Bind(1, id);
        BIA_TRY_ASSIGN(bool row, st.Step());
        if (!row) return selfservice::FlowNotFound();
        return selfservice::ReadFlowRecord(table_, SqliteFlowRow{st}, ui);
    }

    core::Result<selfservice::FlowStamp> Stamp(const core::Uuid& id) override {
        BIA_TRY_ASSIGN(auto lease, db_.Acquire());
        BIA_TRY_ASSIGN(auto st, lease->Prepare(sql_.stamp.c_str()));
        st.Bind(1, id);
        BIA_TRY_ASSIGN(bool row, st.Step());
        if (!row) return selfservice::FlowNotFound();
        return selfservice::FlowStamp{st.Int(0), st.Time(1)};
    }

    core::Result<selfservice::FlowSessionStamp> StampWithSession(const core::Uuid& id,
                                                                 std::string_view token) override {
        BIA_TRY_ASSIGN(auto lease, db_.Acquire());
        BIA_TRY_ASSIGN(auto st, lease->Prepare(sql_.stamp_with_session.c_str()));
        st.Bind(1, token).Bind(2, id);
        BIA_TRY_ASSIGN(bool row, st.Step());
        if (!row) return selfservice::FlowNotFound();
        selfservice::FlowSessionStamp out{{st.Int(0), st.Time(1)}, std::nullopt};
        if (!st.IsNull(2) && !st.IsNull(3)) {
            out.session = session::SessionStamp{.session_revision = st.Int(2),
                                                .identity_revision = st.Int(3),
                                                .active = st.Int(4) != 0,
                                                .expires_at = st.Time(5),
                                                .identity_active = st.TextView(6) == identity::kStateActive};
        }
        return out;
    }

  private:
    // Runs an insert or update; the number of rows it changed.
    core::Result<int> Write(const std::string& sql, const selfservice::FlowBase& f,
                            std::span<const FlowColumnValue> values, selfservice::FlowWrite write) {
        SqliteParams params;
        selfservice::AppendFlowParams(params, f, values, write);
        int changed = 0;
        BIA_TRY(db_.Transaction([&](Connection& c) -> core::Status {
            BIA_TRY_ASSIGN(auto st, c.Prepare(sql.c_str()));
            params.BindTo(st);
            BIA_TRY(st.Run());
            changed = sqlite3_changes(c.raw());
            return {};
        }));
        return changed;
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
