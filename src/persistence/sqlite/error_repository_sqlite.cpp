#include "persistence/sqlite/error_repository_sqlite.hpp"

#include "selfservice/flow/flow_errors.hpp"

namespace bia::persistence::sqlite {

core::Status ErrorRepositorySqlite::Add(const selfservice::StoredError& e) {
    const std::string error = e.error.dump();
    return db_.Transaction([&](Connection& c) -> core::Status {
        BIA_TRY_ASSIGN(auto st, c.Prepare("INSERT INTO selfservice_errors (id, error, seen_at, was_seen, created_at, "
                                          "updated_at) VALUES (?,?,NULL,?,?,?)"));
        st.Bind(1, e.id).Bind(2, error).Bind(3, int64_t{e.seen ? 1 : 0}).Bind(4, e.created_at).Bind(5, e.updated_at);
        return st.Run();
    });
}

core::Result<selfservice::StoredError> ErrorRepositorySqlite::Get(const core::Uuid& id) {
    BIA_TRY_ASSIGN(auto lease, db_.Acquire());
    BIA_TRY_ASSIGN(
        auto st,
        lease->Prepare("SELECT id, error, was_seen, created_at, updated_at FROM selfservice_errors WHERE id = ?"));
    st.Bind(1, id);
    BIA_TRY_ASSIGN(bool row, st.Step());
    if (!row) return selfservice::FlowNotFound();
    selfservice::StoredError e;
    e.id = st.Id(0);
    e.error = nlohmann::json::parse(st.TextView(1), nullptr, false);
    if (e.error.is_discarded()) return core::Internal("stored self-service error is not valid JSON");
    e.seen = st.Int(2) != 0;
    e.created_at = st.Time(3);
    e.updated_at = st.Time(4);
    return e;
}

core::Status ErrorRepositorySqlite::MarkSeen(const core::Uuid& id, core::TimePoint at) {
    return db_.Transaction([&](Connection& c) -> core::Status {
        BIA_TRY_ASSIGN(
            auto st, c.Prepare("UPDATE selfservice_errors SET was_seen = 1, seen_at = ?, updated_at = ? WHERE id = ?"));
        st.Bind(1, at).Bind(2, at).Bind(3, id);
        return st.Run();
    });
}

}  // namespace bia::persistence::sqlite
