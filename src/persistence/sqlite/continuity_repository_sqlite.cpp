#include "persistence/sqlite/continuity_repository_sqlite.hpp"

#include "selfservice/flow/flow_errors.hpp"

namespace bia::persistence::sqlite {

using selfservice::ContinuityContainer;

core::Status ContinuityRepositorySqlite::Create(const ContinuityContainer& c) {
    const std::string payload = c.payload.dump();
    return db_.Transaction([&](Connection& conn) -> core::Status {
        BIA_TRY_ASSIGN(
            auto st,
            conn.Prepare("INSERT INTO continuity_containers (id, name, identity_id, payload, expires_at, created_at) "
                         "VALUES (?,?,?,?,?,?)"));
        st.Bind(1, c.id).Bind(2, c.name);
        // A container without an owner is stored with a NULL identity (and reads back as the nil id),
        // as on PostgreSQL: the nil id would violate the foreign key.
        if (c.identity_id.IsNil())
            st.Bind(3, std::nullopt);
        else
            st.Bind(3, c.identity_id);
        st.Bind(4, payload).Bind(5, c.expires_at).Bind(6, c.created_at);
        return st.Run();
    });
}

core::Result<ContinuityContainer> ContinuityRepositorySqlite::Get(const core::Uuid& id) {
    BIA_TRY_ASSIGN(auto lease, db_.Acquire());
    BIA_TRY_ASSIGN(
        auto st,
        lease->Prepare(
            "SELECT id, name, identity_id, payload, expires_at, created_at FROM continuity_containers WHERE id = ?"));
    st.Bind(1, id);
    BIA_TRY_ASSIGN(bool row, st.Step());
    if (!row) return selfservice::FlowNotFound();
    ContinuityContainer c;
    c.id = st.Id(0);
    c.name = st.Text(1);
    c.identity_id = st.Id(2);
    c.payload = nlohmann::json::parse(st.TextView(3), nullptr, false);
    if (c.payload.is_discarded()) c.payload = nullptr;
    c.expires_at = st.Time(4);
    c.created_at = st.Time(5);
    return c;
}

core::Status ContinuityRepositorySqlite::Delete(const core::Uuid& id) {
    return db_.Transaction([&](Connection& c) -> core::Status {
        BIA_TRY_ASSIGN(auto st, c.Prepare("DELETE FROM continuity_containers WHERE id = ?"));
        st.Bind(1, id);
        return st.Run();
    });
}

}  // namespace bia::persistence::sqlite
