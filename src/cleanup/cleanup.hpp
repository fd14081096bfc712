// Database cleanup (Kratos's `cleanup sql`, and the same work done by `serve` in the background):
// expired sessions, continuity containers, login/registration/settings flows, old stored
// self-service errors and old sent or abandoned courier messages are deleted in small batches — each batch its own
// short transaction, with a pause after it — so that the request path never waits long for the database.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "cleanup/expired_records.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"

namespace bia::cleanup {

// Stored self-service errors carry no expiry: the error UI reads one right after the redirect
// that names it. They are deleted once they are this old (plus keep_last).
inline constexpr auto kSelfServiceErrorRetention = std::chrono::hours(1);
// Sent and abandoned courier messages stay listed by the admin API (GET /admin/courier/messages)
// this long (plus keep_last) after they reached that state; queued ones are never deleted.
inline constexpr auto kCourierMessageRetention = std::chrono::hours(1);

// Defaults are Kratos's where Kratos has the setting (database.cleanup.*).
struct CleanupOptions {
    // --keep-last, database.cleanup.older_than: records that expired less than this long ago are
    // kept. Continuity containers are the exception: past their expiry they can no longer be
    // resumed, and they hold what a user submitted, so they always go as soon as they expire.
    core::Duration keep_last{0};
    // --batch-size, database.cleanup.batch_size: records deleted per batch (per transaction).
    int64_t batch_size = 100;
    // --sleep, database.cleanup.sleep.batches (Bia's): pause after every full batch, which
    // leaves the database to the request path between two batches.
    core::Duration batch_pause = std::chrono::milliseconds(100);
    // database.cleanup.sleep.tables: pause before moving on to the next kind of record, after a
    // kind that had something to delete.
    core::Duration table_pause = std::chrono::minutes(1);
};

// What one pass deleted.
struct CleanupReport {
    struct Entry {
        RecordKind kind = RecordKind::kSessions;
        int64_t deleted = 0;
        int64_t batches = 0;
        std::optional<core::Error> error;  // the batch that failed; the pass went on with the next kind
    };
    std::vector<Entry> kinds;  // in the order they were visited
    bool stopped = false;      // cut short by StopSignal::Stop
    int64_t TotalDeleted() const;
    bool ok() const;  // no kind failed
};

// Interrupts waits: Stop() wakes every SleepFor at once. Thread-safe.
class StopSignal {
  public:
    virtual ~StopSignal() = default;
    void Stop();
    bool stopped() const;
    // Waits `d`; false (at once) when Stop() was or is called meanwhile.
    virtual bool SleepFor(core::Duration d);

  private:
    mutable std::mutex mu_;
    std::condition_variable cv_;
    bool stopped_ = false;
};

class Cleanup {
  public:
    Cleanup(ExpiredRecords& records, const core::Clock& clock, CleanupOptions options)
        : records_(records), clock_(clock), options_(options) {}

    // One pass over every kind of record: each is drained batch by batch (a batch smaller than
    // batch_size ends it). The cutoff is taken once, at the start. A failing batch ends that
    // kind (recorded in the report) and the pass goes on with the next one; a later pass retries.
    CleanupReport RunOnce(StopSignal& stop);

    // Records of `kind` that expired at or before this moment are deleted by a pass at `now`.
    core::TimePoint CutoffFor(RecordKind kind, core::TimePoint now) const;
    const CleanupOptions& options() const { return options_; }

  private:
    ExpiredRecords& records_;
    const core::Clock& clock_;
    CleanupOptions options_;
};

// `serve`'s background cleanup: a thread of its own (never an I/O or worker thread) runs a pass
// at start and then `interval` after the end of each pass, until Stop(). A zero interval runs one
// pass only (Wiring does not start it at all then: `database.cleanup.interval: 0s` disables it).
class PeriodicCleanup {
  public:
    using Observer = std::function<void(const CleanupReport&)>;
    // `on_report` runs on the cleanup thread after each pass.
    PeriodicCleanup(Cleanup& cleanup, core::Duration interval, Observer on_report)
        : cleanup_(cleanup), interval_(interval), on_report_(std::move(on_report)) {}
    ~PeriodicCleanup() { Stop(); }
    PeriodicCleanup(const PeriodicCleanup&) = delete;
    PeriodicCleanup& operator=(const PeriodicCleanup&) = delete;

    void Start();
    // Cuts the current pause short, lets a batch in progress finish (it is one short
    // transaction) and joins the thread. Idempotent.
    void Stop();

  private:
    void Loop();

    Cleanup& cleanup_;
    core::Duration interval_;
    Observer on_report_;
    StopSignal stop_;
    std::thread thread_;
};

}  // namespace bia::cleanup
