#include "persistence/postgres/settings_flow_repository_postgres.hpp"

#include "selfservice/flow/flow_errors.hpp"

namespace bia::persistence::postgres {

using selfservice::settings::SettingsFlow;

core::Status SettingsFlowRepositoryPostgres::Create(const SettingsFlow& f) {
    BIA_TRY_ASSIGN(auto lease, db_.Acquire());
    Params p;
    p.Add(f.id)
        .Add(selfservice::ToString(f.type))
        .Add(f.request_url)
        .Add(f.issued_at)
        .Add(f.expires_at)
        .Add(f.identity_id)
        .AddJson(f.ui.ToJson())
        .Add(f.state)
        .AddJson(f.internal_context)
        .Add(f.created_at)
        .Add(f.updated_at);
    BIA_TRY(
        lease->Query("INSERT INTO selfservice_settings_flows (id, type, request_url, issued_at, expires_at, "
                     "identity_id, ui, state, internal_context, created_at, updated_at) "
                     "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                     p));
    return {};
}

core::Status SettingsFlowRepositoryPostgres::Update(const SettingsFlow& f) {
    BIA_TRY_ASSIGN(auto lease, db_.Acquire());
    Params p;
    p.Add(selfservice::ToString(f.type))
        .Add(f.request_url)
        .Add(f.issued_at)
        .Add(f.expires_at)
        .Add(f.identity_id)
        .AddJson(f.ui.ToJson())
        .Add(f.state)
        .AddJson(f.internal_context)
        .Add(f.updated_at)
        .Add(f.id);
    BIA_TRY_ASSIGN(Rows r, lease->Query("UPDATE selfservice_settings_flows SET type = $1, request_url = $2, "
                                        "issued_at = $3, expires_at = $4, identity_id = $5, ui = $6, state = $7, "
                                        "internal_context = $8, updated_at = $9 WHERE id = $10",
                                        p));
    if (r.affected() == 0) return selfservice::FlowNotFound();
    return {};
}

core::Result<SettingsFlow> SettingsFlowRepositoryPostgres::Get(const core::Uuid& id) {
    Params p;
    p.Add(id);
    return db_.Read([&](Connection& c) -> core::Result<SettingsFlow> {
        BIA_TRY_ASSIGN(Rows r, c.Query("SELECT id, type, request_url, issued_at, expires_at, identity_id, ui, state, "
                                       "internal_context, created_at, updated_at FROM selfservice_settings_flows "
                                       "WHERE id = $1",
                                       p));
        if (r.empty()) return selfservice::FlowNotFound();
        SettingsFlow f;
        f.id = r.Id(0, 0);
        auto type = selfservice::ParseFlowType(r.TextView(0, 1));
        if (!type) return core::Internal("stored settings flow has an unknown type");
        f.type = *type;
        f.request_url = r.Text(0, 2);
        f.issued_at = r.Time(0, 3);
        f.expires_at = r.Time(0, 4);
        f.identity_id = r.Id(0, 5);
        BIA_TRY_ASSIGN(f.ui, ui::Container::FromJson(r.Json(0, 6)));
        f.state = r.Text(0, 7);
        f.internal_context = r.Json(0, 8);
        if (!f.internal_context.is_object()) f.internal_context = nlohmann::json::object();
        f.created_at = r.Time(0, 9);
        f.updated_at = r.Time(0, 10);
        return f;
    });
}

}  // namespace bia::persistence::postgres
