#include "persistence/postgres/registration_flow_repository_postgres.hpp"

#include "selfservice/flow/flow_errors.hpp"

namespace bia::persistence::postgres {

using selfservice::registration::RegistrationFlow;

core::Status RegistrationFlowRepositoryPostgres::Create(const RegistrationFlow& f) {
    BIA_TRY_ASSIGN(auto lease, db_.Acquire());
    Params p;
    p.Add(f.id)
        .Add(selfservice::ToString(f.type))
        .Add(f.request_url)
        .Add(f.issued_at)
        .Add(f.expires_at)
        .Add(f.active)
        .AddJson(f.ui.ToJson())
        .Add(f.state)
        .Add(f.csrf_token)
        .AddJson(f.internal_context)
        .Add(f.created_at)
        .Add(f.updated_at);
    BIA_TRY(
        lease->Query("INSERT INTO selfservice_registration_flows (id, type, request_url, issued_at, expires_at, "
                     "active_method, ui, state, csrf_token, internal_context, created_at, updated_at) "
                     "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                     p));
    return {};
}

core::Status RegistrationFlowRepositoryPostgres::Update(const RegistrationFlow& f) {
    BIA_TRY_ASSIGN(auto lease, db_.Acquire());
    Params p;
    p.Add(selfservice::ToString(f.type))
        .Add(f.request_url)
        .Add(f.issued_at)
        .Add(f.expires_at)
        .Add(f.active)
        .AddJson(f.ui.ToJson())
        .Add(f.state)
        .Add(f.csrf_token)
        .AddJson(f.internal_context)
        .Add(f.updated_at)
        .Add(f.id);
    BIA_TRY_ASSIGN(Rows r, lease->Query("UPDATE selfservice_registration_flows SET type = $1, request_url = $2, "
                                        "issued_at = $3, expires_at = $4, active_method = $5, ui = $6, state = $7, "
                                        "csrf_token = $8, internal_context = $9, updated_at = $10 WHERE id = $11",
                                        p));
    if (r.affected() == 0) return selfservice::FlowNotFound();
    return {};
}

core::Result<RegistrationFlow> RegistrationFlowRepositoryPostgres::Get(const core::Uuid& id) {
    Params p;
    p.Add(id);
    return db_.Read([&](Connection& c) -> core::Result<RegistrationFlow> {
        BIA_TRY_ASSIGN(Rows r, c.Query("SELECT id, type, request_url, issued_at, expires_at, active_method, ui, state, "
                                       "csrf_token, internal_context, created_at, updated_at "
                                       "FROM selfservice_registration_flows WHERE id = $1",
                                       p));
        if (r.empty()) return selfservice::FlowNotFound();
        RegistrationFlow f;
        f.id = r.Id(0, 0);
        auto type = selfservice::ParseFlowType(r.TextView(0, 1));
        if (!type) return core::Internal("stored registration flow has an unknown type");
        f.type = *type;
        f.request_url = r.Text(0, 2);
        f.issued_at = r.Time(0, 3);
        f.expires_at = r.Time(0, 4);
        f.active = r.Text(0, 5);
        BIA_TRY_ASSIGN(f.ui, ui::Container::FromJson(r.Json(0, 6)));
        f.state = r.Text(0, 7);
        f.csrf_token = r.Text(0, 8);
        f.internal_context = r.Json(0, 9);
        if (!f.internal_context.is_object()) f.internal_context = nlohmann::json::object();
        f.created_at = r.Time(0, 10);
        f.updated_at = r.Time(0, 11);
        return f;
    });
}

}  // namespace bia::persistence::postgres
