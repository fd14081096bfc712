// selfservice::FlowStore on SQLite, for any flow kind's table: the UI and internal context are
// stored as JSON text, times as nanoseconds, flags as 0/1.
#pragma once

#include <memory>

#include "persistence/sqlite/database.hpp"
#include "selfservice/flow/flow_store.hpp"

namespace bia::persistence::sqlite {

// The store of `table` on `db` (which must outlive it).
std::unique_ptr<selfservice::FlowStore> NewFlowStore(Database& db, const selfservice::FlowTable& table);

}  // namespace bia::persistence::sqlite
