// session::SessionRepository on PostgreSQL. A lookup by token or id that needs the identity
// reads session, identity and its children in one round trip over one snapshot.
#pragma once

#include "persistence/postgres/database.hpp"
#include "session/session_repository.hpp"

namespace bia::persistence::postgres {

class SessionRepositoryPostgres final : public session::SessionRepository {
  public:
    explicit SessionRepositoryPostgres(Database& db) : db_(db) {}

    core::Status Create(const session::Session& s) override;
    core::Status Update(const session::Session& s) override;
    core::Result<session::Session> FindByToken(std::string_view token) override;
    core::Result<session::Session> FindById(const core::Uuid& id, bool with_identity) override;
    core::Result<std::vector<session::Session>> ListByIdentity(const core::Uuid& identity_id,
                                                               std::optional<bool> active, int64_t offset,
                                                               int64_t limit) override;
    core::Result<int64_t> CountByIdentity(const core::Uuid& identity_id, std::optional<bool> active) override;
    core::Result<int64_t> RevokeAllExcept(const core::Uuid& identity_id, const core::Uuid& keep) override;
    core::Result<int64_t> RevokeAll(const core::Uuid& identity_id) override;
    core::Status Revoke(const core::Uuid& session_id) override;

  private:
    Database& db_;
};

}  // namespace bia::persistence::postgres
