// Time as a collaborator: services take a Clock so tests can move time (flow expiry,
// privileged-session age, continuity lifetimes).
#pragma once

#include <atomic>
#include <chrono>

namespace bia::core {

using TimePoint = std::chrono::system_clock::time_point;
using Duration = std::chrono::nanoseconds;

class Clock {
  public:
    virtual ~Clock() = default;
    virtual TimePoint Now() const = 0;
};

class SystemClock final : public Clock {
  public:
    // Microsecond precision, as Kratos emits and as PostgreSQL's timestamptz stores: a value
    // returned from memory equals the same value read back from any backend.
    TimePoint Now() const override {
        return std::chrono::floor<std::chrono::microseconds>(std::chrono::system_clock::now());
    }
};

// A clock tests set and advance by hand. Thread-safe.
class FakeClock final : public Clock {
  public:
    explicit FakeClock(TimePoint start = TimePoint(std::chrono::seconds(1700000000)))
        : now_(start.time_since_epoch().count()) {}
    TimePoint Now() const override { return TimePoint(TimePoint::duration(now_.load())); }
    void Set(TimePoint t) { now_ = t.time_since_epoch().count(); }
    void Advance(Duration d) { now_ += std::chrono::duration_cast<TimePoint::duration>(d).count(); }

  private:
    std::atomic<TimePoint::duration::rep> now_;
};

}  // namespace bia::core
