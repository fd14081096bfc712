#include "persistence/sqlite/registration_flow_repository_sqlite.hpp"

#include "selfservice/flow/flow_errors.hpp"

namespace bia::persistence::sqlite {

using selfservice::registration::RegistrationFlow;

core::Status RegistrationFlowRepositorySqlite::Create(const RegistrationFlow& f) {
    BIA_TRY_ASSIGN(auto lease, db_.Acquire());
    BIA_TRY_ASSIGN(
        auto st, lease->Prepare(
                     "INSERT INTO selfservice_registration_flows (id, type, request_url, issued_at, expires_at, "
                     "active_method, ui, "
                     "state, csrf_token, internal_context, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"));
    st.Bind(1, f.id)
        .Bind(2, selfservice::ToString(f.type))
        .Bind(3, f.request_url)
        .Bind(4, f.issued_at)
        .Bind(5, f.expires_at)
        .Bind(6, f.active)
        .Bind(7, f.ui.ToJson().dump())
        .Bind(8, f.state)
        .Bind(9, f.csrf_token)
        .Bind(10, f.internal_context.dump())
        .Bind(11, f.created_at)
        .Bind(12, f.updated_at);
    return st.Run();
}

core::Status RegistrationFlowRepositorySqlite::Update(const RegistrationFlow& f) {
    BIA_TRY_ASSIGN(auto lease, db_.Acquire());
    BIA_TRY_ASSIGN(
        auto st,
        lease->Prepare(
            "UPDATE selfservice_registration_flows SET type = ?, request_url = ?, issued_at = ?, expires_at = ?, "
            "active_method = ?, ui = ?, state = ?, csrf_token = ?, internal_context = ?, updated_at = ? WHERE id = ?"));
    st.Bind(1, selfservice::ToString(f.type))
        .Bind(2, f.request_url)
        .Bind(3, f.issued_at)
        .Bind(4, f.expires_at)
        .Bind(5, f.active)
        .Bind(6, f.ui.ToJson().dump())
        .Bind(7, f.state)
        .Bind(8, f.csrf_token)
        .Bind(9, f.internal_context.dump())
        .Bind(10, f.updated_at)
        .Bind(11, f.id);
    BIA_TRY(st.Run());
    if (sqlite3_changes(lease->raw()) == 0) return selfservice::FlowNotFound();
    return {};
}

core::Result<RegistrationFlow> RegistrationFlowRepositorySqlite::Get(const core::Uuid& id) {
    BIA_TRY_ASSIGN(auto lease, db_.Acquire());
    BIA_TRY_ASSIGN(
        auto st,
        lease->Prepare("SELECT id, type, request_url, issued_at, expires_at, active_method, ui, state, csrf_token, "
                       "internal_context, created_at, updated_at FROM selfservice_registration_flows WHERE id = ?"));
    st.Bind(1, id);
    BIA_TRY_ASSIGN(bool row, st.Step());
    if (!row) return selfservice::FlowNotFound();
    RegistrationFlow f;
    f.id = st.Id(0);
    auto type = selfservice::ParseFlowType(st.TextView(1));
    if (!type) return core::Internal("stored registration flow has an unknown type");
    f.type = *type;
    f.request_url = st.Text(2);
    f.issued_at = st.Time(3);
    f.expires_at = st.Time(4);
    f.active = st.Text(5);
    auto ui_json = nlohmann::json::parse(st.TextView(6), nullptr, false);
    BIA_TRY_ASSIGN(f.ui, ui::Container::FromJson(ui_json));
    f.state = st.Text(7);
    f.csrf_token = st.Text(8);
    f.internal_context = nlohmann::json::parse(st.TextView(9), nullptr, false);
    if (!f.internal_context.is_object()) f.internal_context = nlohmann::json::object();
    f.created_at = st.Time(10);
    f.updated_at = st.Time(11);
    return f;
}

}  // namespace bia::persistence::sqlite
