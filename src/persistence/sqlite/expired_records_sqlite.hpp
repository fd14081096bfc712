// cleanup::ExpiredRecords on SQLite: each batch is one DELETE of the oldest expired rows (found
// through the expires_at / created_at indexes of migration 20261205100001) in a BEGIN IMMEDIATE
// transaction of its own, so it waits for the write lock in Bia's busy handler like any write.
#pragma once

#include "cleanup/expired_records.hpp"
#include "persistence/sqlite/database.hpp"

namespace bia::persistence::sqlite {

class ExpiredRecordsSqlite final : public cleanup::ExpiredRecords {
  public:
    explicit ExpiredRecordsSqlite(Database& db) : db_(db) {}
    core::Result<int64_t> DeleteExpiredBatch(cleanup::RecordKind kind, core::TimePoint cutoff, int64_t limit) override;

  private:
    Database& db_;
};

}  // namespace bia::persistence::sqlite
