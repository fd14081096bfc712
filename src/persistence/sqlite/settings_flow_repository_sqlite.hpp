// selfservice::settings::SettingsFlowRepository on SQLite: the UI and internal context are stored
// as JSON text, times as nanoseconds.
#pragma once

#include "persistence/sqlite/database.hpp"
#include "selfservice/settings/settings_flow.hpp"

namespace bia::persistence::sqlite {

class SettingsFlowRepositorySqlite final : public selfservice::settings::SettingsFlowRepository {
  public:
    explicit SettingsFlowRepositorySqlite(Database& db) : db_(db) {}
    core::Status Create(const selfservice::settings::SettingsFlow& flow) override;
    core::Status Update(const selfservice::settings::SettingsFlow& flow) override;
    core::Result<selfservice::settings::SettingsFlow> Get(const core::Uuid& id) override;

  private:
    Database& db_;
};

}  // namespace bia::persistence::sqlite
