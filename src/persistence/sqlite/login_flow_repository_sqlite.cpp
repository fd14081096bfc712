#include "persistence/sqlite/login_flow_repository_sqlite.hpp"

#include "selfservice/flow/flow_errors.hpp"

namespace bia::persistence::sqlite {

using selfservice::login::LoginFlow;

core::Status LoginFlowRepositorySqlite::Create(const LoginFlow& f) {
    BIA_TRY_ASSIGN(auto lease, db_.Acquire());
    BIA_TRY_ASSIGN(
        auto st,
        lease->Prepare(
            "INSERT INTO selfservice_login_flows (id, type, request_url, issued_at, expires_at, active_method, ui, "
            "refresh, requested_aal, state, csrf_token, internal_context, created_at, updated_at) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
    st.Bind(1, f.id)
        .Bind(2, selfservice::ToString(f.type))
        .Bind(3, f.request_url)
        .Bind(4, f.issued_at)
        .Bind(5, f.expires_at)
        .Bind(6, f.active)
        .Bind(7, f.ui.ToJson().dump())
        .Bind(8, int64_t{f.refresh ? 1 : 0})
        .Bind(9, f.requested_aal)
        .Bind(10, f.state)
        .Bind(11, f.csrf_token)
        .Bind(12, f.internal_context.dump())
        .Bind(13, f.created_at)
        .Bind(14, f.updated_at);
    return st.Run();
}

core::Status LoginFlowRepositorySqlite::Update(const LoginFlow& f) {
    BIA_TRY_ASSIGN(auto lease, db_.Acquire());
    BIA_TRY_ASSIGN(
        auto st,
        lease->Prepare("UPDATE selfservice_login_flows SET type = ?, request_url = ?, issued_at = ?, expires_at = ?, "
                       "active_method = ?, ui = ?, refresh = ?, requested_aal = ?, state = ?, csrf_token = ?, "
                       "internal_context = ?, "
                       "updated_at = ? WHERE id = ?"));
    st.Bind(1, selfservice::ToString(f.type))
        .Bind(2, f.request_url)
        .Bind(3, f.issued_at)
        .Bind(4, f.expires_at)
        .Bind(5, f.active)
        .Bind(6, f.ui.ToJson().dump())
        .Bind(7, int64_t{f.refresh ? 1 : 0})
        .Bind(8, f.requested_aal)
        .Bind(9, f.state)
        .Bind(10, f.csrf_token)
        .Bind(11, f.internal_context.dump())
        .Bind(12, f.updated_at)
        .Bind(13, f.id);
    BIA_TRY(st.Run());
    if (sqlite3_changes(lease->raw()) == 0) return selfservice::FlowNotFound();
    return {};
}

core::Result<LoginFlow> LoginFlowRepositorySqlite::Get(const core::Uuid& id) {
    BIA_TRY_ASSIGN(auto lease, db_.Acquire());
    BIA_TRY_ASSIGN(
        auto st,
        lease->Prepare(
            "SELECT id, type, request_url, issued_at, expires_at, active_method, ui, refresh, requested_aal, state, "
            "csrf_token, internal_context, created_at, updated_at FROM selfservice_login_flows WHERE id = ?"));
    st.Bind(1, id);
    BIA_TRY_ASSIGN(bool row, st.Step());
    if (!row) return selfservice::FlowNotFound();
    LoginFlow f;
    f.id = st.Id(0);
    auto type = selfservice::ParseFlowType(st.TextView(1));
    if (!type) return core::Internal("stored login flow has an unknown type");
    f.type = *type;
    f.request_url = st.Text(2);
    f.issued_at = st.Time(3);
    f.expires_at = st.Time(4);
    f.active = st.Text(5);
    auto ui_json = nlohmann::json::parse(st.TextView(6), nullptr, false);
    BIA_TRY_ASSIGN(f.ui, ui::Container::FromJson(ui_json));
    f.refresh = st.Int(7) != 0;
    f.requested_aal = st.Text(8);
    f.state = st.Text(9);
    f.csrf_token = st.Text(10);
    f.internal_context = nlohmann::json::parse(st.TextView(11), nullptr, false);
    if (!f.internal_context.is_object()) f.internal_context = nlohmann::json::object();
    f.created_at = st.Time(12);
    f.updated_at = st.Time(13);
    return f;
}

}  // namespace bia::persistence::sqlite
