// selfservice::registration::RegistrationFlowRepository on SQLite.
#pragma once

#include "persistence/sqlite/database.hpp"
#include "selfservice/registration/registration_flow.hpp"

namespace bia::persistence::sqlite {

class RegistrationFlowRepositorySqlite final : public selfservice::registration::RegistrationFlowRepository {
  public:
    explicit RegistrationFlowRepositorySqlite(Database& db) : db_(db) {}
    core::Status Create(const selfservice::registration::RegistrationFlow& flow) override;
    core::Status Update(const selfservice::registration::RegistrationFlow& flow) override;
    core::Result<selfservice::registration::RegistrationFlow> Get(const core::Uuid& id) override;

  private:
    Database& db_;
};

}  // namespace bia::persistence::sqlite
