// session::SessionRepository on SQLite.
#pragma once

#include "persistence/sqlite/database.hpp"
#include "session/session_repository.hpp"

namespace bia::persistence::sqlite {

class SessionRepositorySqlite final : public session::SessionRepository {
  public:
    explicit SessionRepositorySqlite(Database& db) : db_(db) {}

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

}  // namespace bia::persistence::sqlite
