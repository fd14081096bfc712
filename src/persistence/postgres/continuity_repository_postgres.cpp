#include "persistence/postgres/continuity_repository_postgres.hpp"

#include "selfservice/flow/flow_errors.hpp"

namespace bia::persistence::postgres {

using selfservice::ContinuityContainer;

core::Status ContinuityRepositoryPostgres::Create(const ContinuityContainer& c) {
    BIA_TRY_ASSIGN(auto lease, db_.Acquire());
    Params p;
    p.Add(c.id).Add(c.name);
    // A container without an owner is stored with a NULL identity (and reads back as the nil id).
    if (c.identity_id.IsNil())
        p.Add(std::nullopt);
    else
        p.Add(c.identity_id);
    p.AddJson(c.payload).Add(c.expires_at).Add(c.created_at);
    BIA_TRY(
        lease->Query("INSERT INTO continuity_containers (id, name, identity_id, payload, expires_at, created_at) "
                     "VALUES ($1, $2, $3, $4, $5, $6)",
                     p));
    return {};
}

core::Result<ContinuityContainer> ContinuityRepositoryPostgres::Get(const core::Uuid& id) {
    Params p;
    p.Add(id);
    return db_.Read([&](Connection& c) -> core::Result<ContinuityContainer> {
        BIA_TRY_ASSIGN(Rows r, c.Query("SELECT id, name, identity_id, payload, expires_at, created_at "
                                       "FROM continuity_containers WHERE id = $1",
                                       p));
        if (r.empty()) return selfservice::FlowNotFound();
        ContinuityContainer out;
        out.id = r.Id(0, 0);
        out.name = r.Text(0, 1);
        out.identity_id = r.Id(0, 2);
        out.payload = r.Json(0, 3);
        out.expires_at = r.Time(0, 4);
        out.created_at = r.Time(0, 5);
        return out;
    });
}

core::Status ContinuityRepositoryPostgres::Delete(const core::Uuid& id) {
    BIA_TRY_ASSIGN(auto lease, db_.Acquire());
    Params p;
    p.Add(id);
    BIA_TRY(lease->Query("DELETE FROM continuity_containers WHERE id = $1", p));
    return {};
}

}  // namespace bia::persistence::postgres
