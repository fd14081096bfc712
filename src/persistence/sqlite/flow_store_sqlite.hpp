// selfservice::FlowStore on SQLite, for any flow kind's table: the UI and internal context are
// stored as JSON text, times as nanoseconds, flags as 0/1.
#pragma once

#include "persistence/sqlite/database.hpp"
#include "selfservice/flow/flow_store.hpp"

namespace bia::persistence::sqlite {

class FlowStoreSqlite final : public selfservice::FlowStore {
  public:
    FlowStoreSqlite(Database& db, const selfservice::FlowTable& table);
    const selfservice::FlowTable& table() const override { return table_; }
    core::Status Create(const selfservice::FlowBase& flow,
                        std::span<const selfservice::FlowColumnValue> values) override;
    core::Status Update(const selfservice::FlowBase& flow,
                        std::span<const selfservice::FlowColumnValue> values) override;
    core::Result<selfservice::FlowRecord> Get(const core::Uuid& id) override;

    struct Sql;

  private:
    Database& db_;
    const selfservice::FlowTable& table_;
    const Sql& sql_;
};

}  // namespace bia::persistence::sqlite
