// selfservice::ContinuityRepository on SQLite: paused submissions (settings-flow.md §10.4) with
// their payload as JSON text (sealed by selfservice::SealedContinuityRepository above this class)
// and times as nanoseconds; containers go with their identity (ON DELETE CASCADE).
#pragma once

#include "persistence/sqlite/database.hpp"
#include "selfservice/flow/continuity.hpp"

namespace bia::persistence::sqlite {

class ContinuityRepositorySqlite final : public selfservice::ContinuityRepository {
  public:
    explicit ContinuityRepositorySqlite(Database& db) : db_(db) {}
    core::Status Create(const selfservice::ContinuityContainer& container) override;
    core::Result<selfservice::ContinuityContainer> Get(const core::Uuid& id) override;
    core::Status Delete(const core::Uuid& id) override;

  private:
    Database& db_;
};

}  // namespace bia::persistence::sqlite
