#include "persistence/postgres/error_repository_postgres.hpp"

#include "selfservice/flow/flow_errors.hpp"

namespace bia::persistence::postgres {

core::Status ErrorRepositoryPostgres::Add(const selfservice::StoredError& e) {
    BIA_TRY_ASSIGN(auto lease, db_.Acquire());
    Params p;
    p.Add(e.id).AddJson(e.error).Add(e.seen).Add(e.created_at).Add(e.updated_at);
    BIA_TRY(
        lease->Query("INSERT INTO selfservice_errors (id, error, seen_at, was_seen, created_at, updated_at) "
                     "VALUES ($1, $2, NULL, $3, $4, $5)",
                     p));
    return {};
}

core::Result<selfservice::StoredError> ErrorRepositoryPostgres::Get(const core::Uuid& id) {
    Params p;
    p.Add(id);
    return db_.Read([&](Connection& c) -> core::Result<selfservice::StoredError> {
        BIA_TRY_ASSIGN(Rows r, c.Query("SELECT id, error, was_seen, created_at, updated_at FROM selfservice_errors "
                                       "WHERE id = $1",
                                       p));
        if (r.empty()) return selfservice::FlowNotFound();
        selfservice::StoredError e;
        e.id = r.Id(0, 0);
        e.error = r.Json(0, 1);
        if (e.error.is_null()) return core::Internal("stored self-service error is not valid JSON");
        e.seen = r.Bool(0, 2);
        e.created_at = r.Time(0, 3);
        e.updated_at = r.Time(0, 4);
        return e;
    });
}

core::Status ErrorRepositoryPostgres::MarkSeen(const core::Uuid& id, core::TimePoint at) {
    BIA_TRY_ASSIGN(auto lease, db_.Acquire());
    Params p;
    p.Add(at).Add(id);
    BIA_TRY(
        lease->Query("UPDATE selfservice_errors SET was_seen = TRUE, seen_at = $1, updated_at = $1 WHERE id = $2", p));
    return {};
}

}  // namespace bia::persistence::postgres
