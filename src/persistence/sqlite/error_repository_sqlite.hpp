// selfservice::ErrorRepository on SQLite (surrounding-api.md §11).
#pragma once

#include "persistence/sqlite/database.hpp"
#include "selfservice/flow/error_store.hpp"

namespace bia::persistence::sqlite {

class ErrorRepositorySqlite final : public selfservice::ErrorRepository {
  public:
    explicit ErrorRepositorySqlite(Database& db) : db_(db) {}
    core::Status Add(const selfservice::StoredError& error) override;
    core::Result<selfservice::StoredError> Get(const core::Uuid& id) override;
    core::Status MarkSeen(const core::Uuid& id, core::TimePoint at) override;

  private:
    Database& db_;
};

}  // namespace bia::persistence::sqlite
