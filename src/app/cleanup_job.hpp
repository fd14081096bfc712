// The database cleanup as `bia cleanup sql` and serve's background thread run it: options from
// `database.cleanup.*`, and the report as one JSON log event.
#pragma once

#include <nlohmann/json.hpp>

#include "cleanup/cleanup.hpp"
#include "config/config.hpp"

namespace bia::app {

cleanup::CleanupOptions CleanupOptionsFrom(const config::DatabaseCleanupConfig& config);

// {"deleted":{"sessions":3,…},"total":3,"failed":{"login_flows":"reason (debug)"},"stopped":false}
nlohmann::json CleanupReportJson(const cleanup::CleanupReport& report);

}  // namespace bia::app
