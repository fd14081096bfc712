// selfservice::registration::RegistrationFlowRepository on PostgreSQL.
#pragma once

#include "persistence/postgres/database.hpp"
#include "selfservice/registration/registration_flow.hpp"

namespace bia::persistence::postgres {

class RegistrationFlowRepositoryPostgres final : public selfservice::registration::RegistrationFlowRepository {
  public:
    explicit RegistrationFlowRepositoryPostgres(Database& db) : db_(db) {}
    core::Status Create(const selfservice::registration::RegistrationFlow& flow) override;
    core::Status Update(const selfservice::registration::RegistrationFlow& flow) override;
    core::Result<selfservice::registration::RegistrationFlow> Get(const core::Uuid& id) override;

  private:
    Database& db_;
};

}  // namespace bia::persistence::postgres
