// selfservice::ErrorRepository on PostgreSQL (surrounding-api.md §11).
#pragma once

#include "persistence/postgres/database.hpp"
#include "selfservice/flow/error_store.hpp"

namespace bia::persistence::postgres {

class ErrorRepositoryPostgres final : public selfservice::ErrorRepository {
  public:
    explicit ErrorRepositoryPostgres(Database& db) : db_(db) {}
    core::Status Add(const selfservice::StoredError& error) override;
    core::Result<selfservice::StoredError> Get(const core::Uuid& id) override;
    core::Status MarkSeen(const core::Uuid& id, core::TimePoint at) override;

  private:
    Database& db_;
};

}  // namespace bia::persistence::postgres
