#include "persistence/postgres/one_time_secret_repository_postgres.hpp"

namespace bia::persistence::postgres {

namespace {

using selfservice::OneTimeSecret;
using selfservice::SecretKind;

class OneTimeSecretRepositoryPostgres final : public selfservice::OneTimeSecretRepository {
  public:
    explicit OneTimeSecretRepositoryPostgres(Database& db) : db_(db) {}

    core::Status Create(const OneTimeSecret& s) override {
        BIA_TRY_ASSIGN(auto lease, db_.Acquire());
        Params p;
        p.Add(s.id).Add(selfservice::ToString(s.kind)).Add(s.digest).Add(s.flow_id).Add(s.identity_id);
        p.Add(s.address).Add(s.expires_at).Add(s.created_at).Add(s.used_at).AddJson(s.payload);
        BIA_TRY(
            lease->Query("INSERT INTO selfservice_one_time_secrets (id, kind, digest, flow_id, identity_id, "
                         "address, expires_at, created_at, used_at, payload) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)",
                         p));
        return {};
    }

    core::Result<OneTimeSecret> FindUnused(SecretKind kind, std::string_view digest,
                                           const std::optional<core::Uuid>& flow_id) override {
        Params p;
        p.Add(selfservice::ToString(kind)).Add(digest);
        if (flow_id) p.Add(*flow_id);
        return db_.Read([&](Connection& c) -> core::Result<OneTimeSecret> {
            BIA_TRY_ASSIGN(
                Rows r, c.Query(flow_id ? "SELECT id, flow_id, identity_id, address, expires_at, created_at, payload "
                                          "FROM selfservice_one_time_secrets WHERE kind = $1 AND digest = $2 "
                                          "AND used_at IS NULL AND flow_id = $3"
                                        : "SELECT id, flow_id, identity_id, address, expires_at, created_at, payload "
                                          "FROM selfservice_one_time_secrets WHERE kind = $1 AND digest = $2 "
                                          "AND used_at IS NULL",
                                p));
            if (r.empty()) return core::ResourceNotFound();
            OneTimeSecret s;
            s.id = r.Id(0, 0);
            s.kind = kind;
            s.digest = std::string(digest);
            s.flow_id = r.Id(0, 1);
            s.identity_id = r.Id(0, 2);
            s.address = r.Text(0, 3);
            s.expires_at = r.Time(0, 4);
            s.created_at = r.Time(0, 5);
            s.payload = r.Json(0, 6);
            if (!s.payload.is_object()) s.payload = nlohmann::json::object();
            return s;
        });
    }

    core::Result<bool> Use(const core::Uuid& id, core::TimePoint now) override {
        BIA_TRY_ASSIGN(auto lease, db_.Acquire());
        Params p;
        p.Add(now).Add(id);
        BIA_TRY_ASSIGN(Rows r, lease->Query("UPDATE selfservice_one_time_secrets SET used_at = $1 "
                                            "WHERE id = $2 AND used_at IS NULL RETURNING id",
                                            p));
        return !r.empty();
    }

    core::Status Retire(SecretKind kind, const core::Uuid& flow_id, core::TimePoint now) override {
        BIA_TRY_ASSIGN(auto lease, db_.Acquire());
        Params p;
        p.Add(now).Add(selfservice::ToString(kind)).Add(flow_id);
        BIA_TRY(
            lease->Query("UPDATE selfservice_one_time_secrets SET used_at = $1 "
                         "WHERE kind = $2 AND flow_id = $3 AND used_at IS NULL",
                         p));
        return {};
    }

  private:
    Database& db_;
};

}  // namespace

std::unique_ptr<selfservice::OneTimeSecretRepository> NewOneTimeSecretRepository(Database& db) {
    return std::make_unique<OneTimeSecretRepositoryPostgres>(db);
}

}  // namespace bia::persistence::postgres
