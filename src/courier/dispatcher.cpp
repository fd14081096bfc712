#include "courier/dispatcher.hpp"

#include <algorithm>

namespace bia::courier {

core::Duration RetryDelay(const DispatcherOptions& options, int64_t failures) {
    core::Duration d = options.first_retry;
    for (int64_t i = 1; i < failures && d < options.max_retry; ++i) d *= 2;
    return std::min(d, options.max_retry);
}

core::Result<DispatchReport> Dispatcher::DispatchOnce() {
    DispatchReport report;
    BIA_TRY_ASSIGN(auto batch, messages_.ClaimDue(clock_.Now(), options_.pull_count, options_.claim_timeout));
    for (const Message& m : batch) {
        core::Status sent = sender_.Send(m);
        const core::TimePoint now = clock_.Now();
        core::Status recorded;
        if (sent) {
            recorded = messages_.MarkSent(m.id, now);
            ++report.sent;
        } else {
            const int64_t failures = m.send_count + 1;
            std::optional<core::TimePoint> retry_at;
            if (failures < options_.message_retries)
                retry_at = now + std::chrono::duration_cast<core::TimePoint::duration>(RetryDelay(options_, failures));
            recorded = messages_.MarkFailed(m.id, now, sent.error().reason, retry_at);
            ++(retry_at ? report.retried : report.abandoned);
        }
        if (on_attempt_) on_attempt_(m, sent);
        // A message whose outcome could not be stored stays in processing and is claimed again
        // after the claim timeout.
        if (!recorded) return recorded.error();
    }
    return report;
}

void Dispatcher::Start() {
    std::lock_guard lock(mu_);
    if (thread_.joinable()) return;
    stopping_ = false;
    thread_ = std::thread([this] { Loop(); });
}

void Dispatcher::Stop() {
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void Dispatcher::Loop() {
    for (;;) {
        {
            std::lock_guard lock(mu_);
            if (stopping_) return;
        }
        auto report = DispatchOnce();
        if (!report && on_round_error_) on_round_error_(report.error());
        const bool full = report && report->claimed() >= options_.pull_count;
        std::unique_lock lock(mu_);
        if (!full) cv_.wait_for(lock, options_.pull_wait, [&] { return stopping_; });
    }
}

}  // namespace bia::courier
