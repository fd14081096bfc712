// selfservice::ContinuityRepository on PostgreSQL: paused submissions (settings-flow.md §10.4)
// with their payload as jsonb (sealed by selfservice::SealedContinuityRepository above this
// class); containers go with their identity (ON DELETE CASCADE).
#pragma once

#include "persistence/postgres/database.hpp"
#include "selfservice/flow/continuity.hpp"

namespace bia::persistence::postgres {

class ContinuityRepositoryPostgres final : public selfservice::ContinuityRepository {
  public:
    explicit ContinuityRepositoryPostgres(Database& db) : db_(db) {}
    core::Status Create(const selfservice::ContinuityContainer& container) override;
    core::Result<selfservice::ContinuityContainer> Get(const core::Uuid& id) override;
    core::Status Delete(const core::Uuid& id) override;

  private:
    Database& db_;
};

}  // namespace bia::persistence::postgres
