// selfservice::login::LoginFlowRepository on SQLite: the UI and internal context are stored as
// JSON text, times as nanoseconds.
#pragma once

#include "persistence/sqlite/database.hpp"
#include "selfservice/login/login_flow.hpp"

namespace bia::persistence::sqlite {

class LoginFlowRepositorySqlite final : public selfservice::login::LoginFlowRepository {
  public:
    explicit LoginFlowRepositorySqlite(Database& db) : db_(db) {}
    core::Status Create(const selfservice::login::LoginFlow& flow) override;
    core::Status Update(const selfservice::login::LoginFlow& flow) override;
    core::Result<selfservice::login::LoginFlow> Get(const core::Uuid& id) override;

  private:
    Database& db_;
};

}  // namespace bia::persistence::sqlite
