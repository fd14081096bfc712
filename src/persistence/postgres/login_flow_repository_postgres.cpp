#include "persistence/postgres/login_flow_repository_postgres.hpp"

#include "selfservice/flow/flow_errors.hpp"

namespace bia::persistence::postgres {

using selfservice::login::LoginFlow;

core::Status LoginFlowRepositoryPostgres::Create(const LoginFlow& f) {
    BIA_TRY_ASSIGN(auto lease, db_.Acquire());
    Params p;
    p.Add(f.id)
        .Add(selfservice::ToString(f.type))
        .Add(f.request_url)
        .Add(f.issued_at)
        .Add(f.expires_at)
        .Add(f.active)
        .AddJson(f.ui.ToJson())
        .Add(f.refresh)
        .Add(f.requested_aal)
        .Add(f.state)
        .Add(f.csrf_token)
        .AddJson(f.internal_context)
        .Add(f.created_at)
        .Add(f.updated_at);
    BIA_TRY(
        lease->Query("INSERT INTO selfservice_login_flows (id, type, request_url, issued_at, expires_at, "
                     "active_method, ui, refresh, requested_aal, state, csrf_token, internal_context, created_at, "
                     "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
                     p));
    return {};
}

core::Status LoginFlowRepositoryPostgres::Update(const LoginFlow& f) {
    BIA_TRY_ASSIGN(auto lease, db_.Acquire());
    Params p;
    p.Add(selfservice::ToString(f.type))
        .Add(f.request_url)
        .Add(f.issued_at)
        .Add(f.expires_at)
        .Add(f.active)
        .AddJson(f.ui.ToJson())
        .Add(f.refresh)
        .Add(f.requested_aal)
        .Add(f.state)
        .Add(f.csrf_token)
        .AddJson(f.internal_context)
        .Add(f.updated_at)
        .Add(f.id);
    BIA_TRY_ASSIGN(Rows r, lease->Query("UPDATE selfservice_login_flows SET type = $1, request_url = $2, "
                                        "issued_at = $3, expires_at = $4, active_method = $5, ui = $6, refresh = $7, "
                                        "requested_aal = $8, state = $9, csrf_token = $10, internal_context = $11, "
                                        "updated_at = $12 WHERE id = $13",
                                        p));
    if (r.affected() == 0) return selfservice::FlowNotFound();
    return {};
}

core::Result<LoginFlow> LoginFlowRepositoryPostgres::Get(const core::Uuid& id) {
    Params p;
    p.Add(id);
    return db_.Read([&](Connection& c) -> core::Result<LoginFlow> {
        BIA_TRY_ASSIGN(Rows r, c.Query("SELECT id, type, request_url, issued_at, expires_at, active_method, ui, "
                                       "refresh, requested_aal, state, csrf_token, internal_context, created_at, "
                                       "updated_at FROM selfservice_login_flows WHERE id = $1",
                                       p));
        if (r.empty()) return selfservice::FlowNotFound();
        LoginFlow f;
        f.id = r.Id(0, 0);
        auto type = selfservice::ParseFlowType(r.TextView(0, 1));
        if (!type) return core::Internal("stored login flow has an unknown type");
        f.type = *type;
        f.request_url = r.Text(0, 2);
        f.issued_at = r.Time(0, 3);
        f.expires_at = r.Time(0, 4);
        f.active = r.Text(0, 5);
        BIA_TRY_ASSIGN(f.ui, ui::Container::FromJson(r.Json(0, 6)));
        f.refresh = r.Bool(0, 7);
        f.requested_aal = r.Text(0, 8);
        f.state = r.Text(0, 9);
        f.csrf_token = r.Text(0, 10);
        f.internal_context = r.Json(0, 11);
        if (!f.internal_context.is_object()) f.internal_context = nlohmann::json::object();
        f.created_at = r.Time(0, 12);
        f.updated_at = r.Time(0, 13);
        return f;
    });
}

}  // namespace bia::persistence::postgres
