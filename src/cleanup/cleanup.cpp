#include "cleanup/cleanup.hpp"

#include <algorithm>
#include <exception>
#include <string>

namespace bia::cleanup {

std::string_view ToString(RecordKind kind) {
    switch (kind) {
        case RecordKind::kSessions:
            return "sessions";
        case RecordKind::kContinuityContainers:
            return "continuity_containers";
        case RecordKind::kLoginFlows:
            return "login_flows";
        case RecordKind::kRegistrationFlows:
            return "registration_flows";
        case RecordKind::kSettingsFlows:
            return "settings_flows";
        case RecordKind::kVerificationFlows:
            return "verification_flows";
        case RecordKind::kRecoveryFlows:
            return "recovery_flows";
        case RecordKind::kOneTimeSecrets:
            return "one_time_secrets";
        case RecordKind::kSelfServiceErrors:
            return "selfservice_errors";
        case RecordKind::kCourierMessages:
            return "courier_messages";
    }
    return "unknown";
}

int64_t CleanupReport::TotalDeleted() const {
    int64_t n = 0;
    for (const auto& e : kinds) n += e.deleted;
    return n;
}

bool CleanupReport::ok() const {
    return std::none_of(kinds.begin(), kinds.end(), [](const Entry& e) { return e.error.has_value(); });
}

void StopSignal::Stop() {
    {
        std::lock_guard lock(mu_);
        stopped_ = true;
    }
    cv_.notify_all();
}

bool StopSignal::stopped() const {
    std::lock_guard lock(mu_);
    return stopped_;
}

bool StopSignal::SleepFor(core::Duration d) {
    std::unique_lock lock(mu_);
    if (d > core::Duration::zero()) cv_.wait_for(lock, d, [&] { return stopped_; });
    return !stopped_;
}

core::TimePoint Cleanup::CutoffFor(RecordKind kind, core::TimePoint now) const {
    using Tick = core::TimePoint::duration;
    core::Duration back{0};
    if (kind != RecordKind::kContinuityContainers) back = options_.keep_last;
    if (kind == RecordKind::kSelfServiceErrors) back += kSelfServiceErrorRetention;
    if (kind == RecordKind::kCourierMessages) back += kCourierMessageRetention;
    // Nothing expired before 1970; this also keeps a huge keep_last from going below the epoch.
    const auto since_epoch = now.time_since_epoch();
    if (std::chrono::duration_cast<core::Duration>(since_epoch) <= back) return core::TimePoint{};
    return now - std::chrono::duration_cast<Tick>(back);
}

CleanupReport Cleanup::RunOnce(StopSignal& stop) {
    CleanupReport report;
    const core::TimePoint now = clock_.Now();
    const int64_t batch = std::max<int64_t>(1, options_.batch_size);
    bool previous_deleted = false;
    for (RecordKind kind : kAllRecordKinds) {
        if (stop.stopped() || (previous_deleted && !stop.SleepFor(options_.table_pause))) {
            report.stopped = true;
            break;
        }
        CleanupReport::Entry entry;
        entry.kind = kind;
        const core::TimePoint cutoff = CutoffFor(kind, now);
        for (;;) {
            auto deleted = records_.DeleteExpiredBatch(kind, cutoff, batch);
            if (!deleted) {
                entry.error = std::move(deleted).error();
                break;
            }
            ++entry.batches;
            entry.deleted += *deleted;
            if (*deleted < batch) break;
            if (!stop.SleepFor(options_.batch_pause)) {
                report.stopped = true;
                break;
            }
        }
        previous_deleted = entry.deleted > 0;
        report.kinds.push_back(std::move(entry));
        if (report.stopped) break;
    }
    return report;
}

void PeriodicCleanup::Start() {
    if (thread_.joinable()) return;
    thread_ = std::thread([this] { Loop(); });
}

void PeriodicCleanup::Stop() {
    stop_.Stop();
    if (thread_.joinable()) thread_.join();
}

void PeriodicCleanup::Loop() {
    while (!stop_.stopped()) {
        CleanupReport report;
        try {
            report = cleanup_.RunOnce(stop_);
        } catch (const std::exception& e) {
            // Nothing below throws by design (errors are values); should something still do, the
            // server keeps serving and the next pass tries again.
            CleanupReport::Entry failed;
            failed.error = core::Internal(std::string("cleanup pass failed: ") + e.what());
            report.kinds.push_back(std::move(failed));
        }
        if (on_report_) on_report_(report);
        if (interval_ <= core::Duration::zero() || !stop_.SleepFor(interval_)) break;
    }
}

}  // namespace bia::cleanup
