// selfservice::FlowStore on PostgreSQL, for any flow kind's table: the UI and internal context are
// stored as jsonb, times with PostgreSQL's microseconds.
#pragma once

#include <memory>

#include "persistence/postgres/database.hpp"
#include "selfservice/flow/flow_store.hpp"

namespace bia::persistence::postgres {

// The store of `table` on `db` (which must outlive it).
std::unique_ptr<selfservice::FlowStore> NewFlowStore(Database& db, const selfservice::FlowTable& table);

}  // namespace bia::persistence::postgres
