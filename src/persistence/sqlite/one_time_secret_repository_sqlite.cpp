#include "persistence/sqlite/one_time_secret_repository_sqlite.hpp"

namespace bia::persistence::sqlite {

namespace {

using selfservice::OneTimeSecret;
using selfservice::SecretKind;

class OneTimeSecretRepositorySqlite final : public selfservice::OneTimeSecretRepository {
  public:
    explicit OneTimeSecretRepositorySqlite(Database& db) : db_(db) {}

    core::Status Create(const OneTimeSecret& s) override {
        const std::string payload = s.payload.dump();
        return db_.Transaction([&](Connection& c) -> core::Status {
            BIA_TRY_ASSIGN(auto st, c.Prepare("INSERT INTO selfservice_one_time_secrets (id, kind, digest, flow_id, "
                                              "identity_id, address, expires_at, created_at, used_at, payload) "
                                              "VALUES (?,?,?,?,?,?,?,?,?,?)"));
            st.Bind(1, s.id).Bind(2, selfservice::ToString(s.kind)).Bind(3, s.digest).Bind(4, s.flow_id);
            st.Bind(5, s.identity_id)
                .Bind(6, s.address)
                .Bind(7, s.expires_at)
                .Bind(8, s.created_at)
                .BindOpt(9, s.used_at);
            st.Bind(10, payload);
            return st.Run();
        });
    }

    core::Result<OneTimeSecret> FindUnused(SecretKind kind, std::string_view digest,
                                           const std::optional<core::Uuid>& flow_id) override {
        BIA_TRY_ASSIGN(auto lease, db_.Acquire());
        BIA_TRY_ASSIGN(auto st,
                       lease->Prepare(flow_id ? "SELECT id, flow_id, identity_id, address, expires_at, "
                                                "created_at, payload FROM selfservice_one_time_secrets WHERE kind = ? "
                                                "AND digest = ? AND used_at IS NULL AND flow_id = ?"
                                              : "SELECT id, flow_id, identity_id, address, expires_at, "
                                                "created_at, payload FROM selfservice_one_time_secrets WHERE kind = ? "
                                                "AND digest = ? AND used_at IS NULL"));
        st.Bind(1, selfservice::ToString(kind)).Bind(2, digest);
        if (flow_id) st.Bind(3, *flow_id);
        BIA_TRY_ASSIGN(bool row, st.Step());
        if (!row) return core::ResourceNotFound();
        OneTimeSecret s;
        s.id = st.Id(0);
        s.kind = kind;
        s.digest = std::string(digest);
        s.flow_id = st.Id(1);
        s.identity_id = st.Id(2);
        s.address = st.Text(3);
        s.expires_at = st.Time(4);
        s.created_at = st.Time(5);
        s.payload = nlohmann::json::parse(st.TextView(6), nullptr, false);
        if (!s.payload.is_object()) s.payload = nlohmann::json::object();
        return s;
    }

    core::Result<bool> Use(const core::Uuid& id, core::TimePoint now) override {
        bool used = false;
        BIA_TRY(db_.Transaction([&](Connection& c) -> core::Status {
            BIA_TRY_ASSIGN(auto st, c.Prepare("UPDATE selfservice_one_time_secrets SET used_at = ? "
                                              "WHERE id = ? AND used_at IS NULL RETURNING id"));
            st.Bind(1, now).Bind(2, id);
            BIA_TRY_ASSIGN(used, st.Step());
            return {};
        }));
        return used;
    }

    core::Status Retire(SecretKind kind, const core::Uuid& flow_id, core::TimePoint now) override {
        return db_.Transaction([&](Connection& c) -> core::Status {
            BIA_TRY_ASSIGN(auto st, c.Prepare("UPDATE selfservice_one_time_secrets SET used_at = ? "
                                              "WHERE kind = ? AND flow_id = ? AND used_at IS NULL"));
            st.Bind(1, now).Bind(2, selfservice::ToString(kind)).Bind(3, flow_id);
            return st.Run();
        });
    }

  private:
    Database& db_;
};

}  // namespace

std::unique_ptr<selfservice::OneTimeSecretRepository> NewOneTimeSecretRepository(Database& db) {
    return std::make_unique<OneTimeSecretRepositorySqlite>(db);
}

}  // namespace bia::persistence::sqlite
