// cleanup::ExpiredRecords on PostgreSQL: each batch is one DELETE of the oldest expired rows
// (found through the expires_at / created_at indexes of migration 20261205100001), a statement
// that is its own transaction. Several instances may run it at once: a row another one deleted
// meanwhile is simply not counted.
#pragma once

#include "cleanup/expired_records.hpp"
#include "persistence/postgres/database.hpp"

namespace bia::persistence::postgres {

class ExpiredRecordsPostgres final : public cleanup::ExpiredRecords {
  public:
    explicit ExpiredRecordsPostgres(Database& db) : db_(db) {}
    core::Result<int64_t> DeleteExpiredBatch(cleanup::RecordKind kind, core::TimePoint cutoff, int64_t limit) override;

  private:
    Database& db_;
};

}  // namespace bia::persistence::postgres
