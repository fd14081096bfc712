// selfservice::settings::SettingsFlowRepository on PostgreSQL: the UI and internal context are
// jsonb; a flow goes with its identity (ON DELETE CASCADE).
#pragma once

#include "persistence/postgres/database.hpp"
#include "selfservice/settings/settings_flow.hpp"

namespace bia::persistence::postgres {

class SettingsFlowRepositoryPostgres final : public selfservice::settings::SettingsFlowRepository {
  public:
    explicit SettingsFlowRepositoryPostgres(Database& db) : db_(db) {}
    core::Status Create(const selfservice::settings::SettingsFlow& flow) override;
    core::Status Update(const selfservice::settings::SettingsFlow& flow) override;
    core::Result<selfservice::settings::SettingsFlow> Get(const core::Uuid& id) override;

  private:
    Database& db_;
};

}  // namespace bia::persistence::postgres
