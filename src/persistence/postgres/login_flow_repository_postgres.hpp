// selfservice::login::LoginFlowRepository on PostgreSQL: the UI and internal context are jsonb.
#pragma once

#include "persistence/postgres/database.hpp"
#include "selfservice/login/login_flow.hpp"

namespace bia::persistence::postgres {

class LoginFlowRepositoryPostgres final : public selfservice::login::LoginFlowRepository {
  public:
    explicit LoginFlowRepositoryPostgres(Database& db) : db_(db) {}
    core::Status Create(const selfservice::login::LoginFlow& flow) override;
    core::Status Update(const selfservice::login::LoginFlow& flow) override;
    core::Result<selfservice::login::LoginFlow> Get(const core::Uuid& id) override;

  private:
    Database& db_;
};

}  // namespace bia::persistence::postgres
