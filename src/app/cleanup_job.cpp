#include "app/cleanup_job.hpp"

#include <string>

namespace bia::app {

cleanup::CleanupOptions CleanupOptionsFrom(const config::DatabaseCleanupConfig& config) {
    cleanup::CleanupOptions o;
    o.keep_last = config.older_than;
    o.batch_size = config.batch_size;
    o.batch_pause = config.sleep_batches;
    o.table_pause = config.sleep_tables;
    return o;
}

nlohmann::json CleanupReportJson(const cleanup::CleanupReport& report) {
    nlohmann::json deleted = nlohmann::json::object();
    nlohmann::json failed = nlohmann::json::object();
    for (const auto& e : report.kinds) {
        const std::string kind(cleanup::ToString(e.kind));
        deleted[kind] = e.deleted;
        if (e.error) failed[kind] = e.error->reason + (e.error->debug.empty() ? "" : " (" + e.error->debug + ")");
    }
    nlohmann::json j = {{"deleted", std::move(deleted)}, {"total", report.TotalDeleted()}, {"stopped", report.stopped}};
    if (!failed.empty()) j["failed"] = std::move(failed);
    return j;
}

}  // namespace bia::app
