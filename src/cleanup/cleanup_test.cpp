#include "cleanup/cleanup.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <vector>

namespace bia::cleanup {
namespace {

using namespace std::chrono_literals;

// Records as their expiry (errors: creation) times, per kind.
class MemoryRecords final : public ExpiredRecords {
  public:
    struct Call {
        RecordKind kind;
        core::TimePoint cutoff;
        int64_t limit;
    };
    core::Result<int64_t> DeleteExpiredBatch(RecordKind kind, core::TimePoint cutoff, int64_t limit) override {
        std::lock_guard lock(mu);
        calls.push_back({kind, cutoff, limit});
        if (advance) advance->Advance(1s);  // time passes while the pass runs
        if (auto f = failing.find(kind); f != failing.end()) return core::Unavailable(f->second);
        auto& rows = records[kind];
        std::sort(rows.begin(), rows.end());
        int64_t n = 0;
        while (n < limit && !rows.empty() && rows.front() <= cutoff) {
            rows.erase(rows.begin());
            ++n;
        }
        return n;
    }
    void Add(RecordKind kind, core::TimePoint t, int count = 1) {
        for (int i = 0; i < count; ++i) records[kind].push_back(t);
    }
    size_t Count(RecordKind kind) { return records[kind].size(); }
    size_t CallsFor(RecordKind kind) const {
        return static_cast<size_t>(
            std::count_if(calls.begin(), calls.end(), [&](const Call& c) { return c.kind == kind; }));
    }

    std::mutex mu;
    std::map<RecordKind, std::vector<core::TimePoint>> records;
    std::map<RecordKind, std::string> failing;
    std::vector<Call> calls;
    core::FakeClock* advance = nullptr;
};

// Records the pauses instead of sleeping; can stop itself at the n-th pause.
class RecordingStop final : public StopSignal {
  public:
    bool SleepFor(core::Duration d) override {
        pauses.push_back(d);
        if (stop_at_pause && pauses.size() >= stop_at_pause) Stop();
        return !stopped();
    }
    std::vector<core::Duration> pauses;
    size_t stop_at_pause = 0;
};

class CleanupTest : public ::testing::Test {
  protected:
    CleanupOptions Options() {
        CleanupOptions o;
        o.batch_size = 100;
        o.batch_pause = 7ms;
        o.table_pause = 1min;
        return o;
    }
    core::FakeClock clock_;
    MemoryRecords records_;
    RecordingStop stop_;
};

TEST_F(CleanupTest, DrainsExpiredRecordsInBatchesAndKeepsTheRest) {
    const auto now = clock_.Now();
    records_.Add(RecordKind::kLoginFlows, now - 1s, 250);
    records_.Add(RecordKind::kLoginFlows, now + 1s, 3);  // not expired yet
    records_.Add(RecordKind::kLoginFlows, now, 1);       // expires this very moment: gone
    Cleanup cleanup(records_, clock_, Options());
    CleanupReport report = cleanup.RunOnce(stop_);

    EXPECT_TRUE(report.ok());
    EXPECT_FALSE(report.stopped);
    EXPECT_EQ(report.TotalDeleted(), 251);
    EXPECT_EQ(records_.Count(RecordKind::kLoginFlows), 3u);
    // 100 + 100 + 51: the short batch ends the kind.
    EXPECT_EQ(records_.CallsFor(RecordKind::kLoginFlows), 3u);
    for (const auto& c : records_.calls) EXPECT_EQ(c.limit, 100);
    ASSERT_EQ(report.kinds.size(), kAllRecordKinds.size());
    const auto& login = report.kinds[2];
    EXPECT_EQ(login.kind, RecordKind::kLoginFlows);
    EXPECT_EQ(login.deleted, 251);
    EXPECT_EQ(login.batches, 3);
    // A pause after each full batch, then one before the next kind (it had deleted something).
    EXPECT_EQ(stop_.pauses, (std::vector<core::Duration>{7ms, 7ms, 1min}));
}

TEST_F(CleanupTest, AFullLastBatchNeedsOneMoreEmptyBatch) {
    records_.Add(RecordKind::kSessions, clock_.Now() - 1h, 200);
    Cleanup cleanup(records_, clock_, Options());
    auto report = cleanup.RunOnce(stop_);
    EXPECT_EQ(report.kinds[0].deleted, 200);
    EXPECT_EQ(report.kinds[0].batches, 3);
    EXPECT_EQ(records_.Count(RecordKind::kSessions), 0u);
}

TEST_F(CleanupTest, VisitsEveryKindInKratosOrderWithoutPausesWhenNothingIsExpired) {
    Cleanup cleanup(records_, clock_, Options());
    auto report = cleanup.RunOnce(stop_);
    ASSERT_EQ(records_.calls.size(), kAllRecordKinds.size());
    for (size_t i = 0; i < kAllRecordKinds.size(); ++i) {
        EXPECT_EQ(records_.calls[i].kind, kAllRecordKinds[i]);
        EXPECT_EQ(report.kinds[i].kind, kAllRecordKinds[i]);
        EXPECT_EQ(report.kinds[i].batches, 1);
    }
    EXPECT_TRUE(stop_.pauses.empty());
    EXPECT_EQ(report.TotalDeleted(), 0);
}

TEST_F(CleanupTest, KeepLastKeepsRecentlyExpiredRecordsButNotContinuityContainers) {
    const auto now = clock_.Now();
    auto options = Options();
    options.keep_last = 1h;
    for (RecordKind kind : {RecordKind::kSessions, RecordKind::kLoginFlows, RecordKind::kRegistrationFlows,
                            RecordKind::kSettingsFlows, RecordKind::kContinuityContainers}) {
        records_.Add(kind, now - 30min, 2);  // expired, but less than keep_last ago
        records_.Add(kind, now - 2h, 3);     // expired longer ago
    }
    Cleanup cleanup(records_, clock_, options);
    auto report = cleanup.RunOnce(stop_);
    EXPECT_EQ(records_.Count(RecordKind::kSessions), 2u);
    EXPECT_EQ(records_.Count(RecordKind::kLoginFlows), 2u);
    EXPECT_EQ(records_.Count(RecordKind::kRegistrationFlows), 2u);
    EXPECT_EQ(records_.Count(RecordKind::kSettingsFlows), 2u);
    EXPECT_EQ(records_.Count(RecordKind::kContinuityContainers), 0u);
    EXPECT_EQ(cleanup.CutoffFor(RecordKind::kLoginFlows, now), now - 1h);
    EXPECT_EQ(cleanup.CutoffFor(RecordKind::kContinuityContainers, now), now);
}

TEST_F(CleanupTest, StoredErrorsGoOnceTheirRetentionAndKeepLastHavePassed) {
    const auto now = clock_.Now();
    records_.Add(RecordKind::kSelfServiceErrors, now - 30min);    // just stored: kept
    records_.Add(RecordKind::kSelfServiceErrors, now - 61min);    // older than the retention
    records_.Add(RecordKind::kSelfServiceErrors, now - 2h - 1s);  // older than retention + keep_last
    Cleanup plain(records_, clock_, Options());
    EXPECT_EQ(plain.CutoffFor(RecordKind::kSelfServiceErrors, now), now - kSelfServiceErrorRetention);
    auto options = Options();
    options.keep_last = 1h;
    Cleanup keeping(records_, clock_, options);
    (void)keeping.RunOnce(stop_);
    EXPECT_EQ(records_.Count(RecordKind::kSelfServiceErrors), 2u);
    (void)plain.RunOnce(stop_);
    EXPECT_EQ(records_.Count(RecordKind::kSelfServiceErrors), 1u);
}

TEST_F(CleanupTest, FinishedCourierMessagesStayListedForTheirRetentionPlusKeepLast) {
    const auto now = clock_.Now();
    Cleanup plain(records_, clock_, Options());
    EXPECT_EQ(plain.CutoffFor(RecordKind::kCourierMessages, now), now - kCourierMessageRetention);
    auto options = Options();
    options.keep_last = 1h;
    Cleanup keeping(records_, clock_, options);
    EXPECT_EQ(keeping.CutoffFor(RecordKind::kCourierMessages, now), now - kCourierMessageRetention - 1h);
    records_.Add(RecordKind::kCourierMessages, now - 30min);
    records_.Add(RecordKind::kCourierMessages, now - 3h);
    (void)keeping.RunOnce(stop_);
    EXPECT_EQ(records_.Count(RecordKind::kCourierMessages), 1u);
}

TEST_F(CleanupTest, TheCutoffIsTakenOnceAtTheStart) {
    records_.Add(RecordKind::kSessions, clock_.Now() - 1s, 150);
    const auto start = clock_.Now();
    records_.advance = &clock_;
    Cleanup cleanup(records_, clock_, Options());
    (void)cleanup.RunOnce(stop_);
    EXPECT_GT(clock_.Now(), start + 5s);
    EXPECT_EQ(records_.Count(RecordKind::kSessions), 0u);
    for (const auto& c : records_.calls) {
        if (c.kind != RecordKind::kSelfServiceErrors && c.kind != RecordKind::kCourierMessages) {
            EXPECT_EQ(c.cutoff, start);
        }
    }
}

TEST_F(CleanupTest, AHugeKeepLastDoesNotGoBelowTheEpoch) {
    auto options = Options();
    options.keep_last = std::chrono::hours(24 * 365 * 200);
    Cleanup cleanup(records_, clock_, options);
    EXPECT_EQ(cleanup.CutoffFor(RecordKind::kSessions, clock_.Now()), core::TimePoint{});
}

TEST_F(CleanupTest, AFailingKindIsReportedAndTheOthersAreStillCleaned) {
    const auto now = clock_.Now();
    records_.Add(RecordKind::kSessions, now - 1s, 5);
    records_.Add(RecordKind::kLoginFlows, now - 1s, 5);
    records_.failing[RecordKind::kSessions] = "The database is busy, please retry.";
    Cleanup cleanup(records_, clock_, Options());
    auto report = cleanup.RunOnce(stop_);
    EXPECT_FALSE(report.ok());
    ASSERT_TRUE(report.kinds[0].error.has_value());
    EXPECT_EQ(report.kinds[0].error->code, 503);
    EXPECT_EQ(records_.Count(RecordKind::kSessions), 5u);
    EXPECT_EQ(records_.Count(RecordKind::kLoginFlows), 0u);
    EXPECT_EQ(report.kinds.size(), kAllRecordKinds.size());
}

TEST_F(CleanupTest, AStopBeforeThePassDeletesNothing) {
    records_.Add(RecordKind::kSessions, clock_.Now() - 1s, 5);
    stop_.Stop();
    Cleanup cleanup(records_, clock_, Options());
    auto report = cleanup.RunOnce(stop_);
    EXPECT_TRUE(report.stopped);
    EXPECT_TRUE(records_.calls.empty());
    EXPECT_EQ(records_.Count(RecordKind::kSessions), 5u);
}

TEST_F(CleanupTest, AStopDuringAPauseEndsThePassAfterTheBatchInProgress) {
    records_.Add(RecordKind::kSessions, clock_.Now() - 1s, 1000);
    records_.Add(RecordKind::kLoginFlows, clock_.Now() - 1s, 10);
    stop_.stop_at_pause = 2;
    Cleanup cleanup(records_, clock_, Options());
    auto report = cleanup.RunOnce(stop_);
    EXPECT_TRUE(report.stopped);
    EXPECT_EQ(records_.calls.size(), 2u);
    EXPECT_EQ(records_.Count(RecordKind::kSessions), 800u);
    EXPECT_EQ(records_.Count(RecordKind::kLoginFlows), 10u);
    ASSERT_EQ(report.kinds.size(), 1u);
    EXPECT_EQ(report.kinds[0].deleted, 200);
}

TEST(StopSignal, SleepsUntilStoppedAndNeverAfter) {
    StopSignal s;
    EXPECT_TRUE(s.SleepFor(1ms));
    EXPECT_TRUE(s.SleepFor(0s));
    std::thread stopper([&] {
        std::this_thread::sleep_for(20ms);
        s.Stop();
    });
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_FALSE(s.SleepFor(1h));
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 10s);
    stopper.join();
    EXPECT_TRUE(s.stopped());
    EXPECT_FALSE(s.SleepFor(1h));
}

TEST(PeriodicCleanup, RunsAtStartThenEveryIntervalAndStopsPromptly) {
    core::FakeClock clock;
    MemoryRecords records;
    CleanupOptions options;
    options.batch_pause = 0s;
    options.table_pause = 0s;
    Cleanup cleanup(records, clock, options);
    std::atomic<int> passes{0};
    {
        PeriodicCleanup periodic(cleanup, 5ms, [&](const CleanupReport& r) {
            EXPECT_TRUE(r.ok());
            ++passes;
        });
        periodic.Start();
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while (passes < 3 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
        periodic.Stop();
    }
    EXPECT_GE(passes.load(), 3);

    // With an interval of an hour the first pass still runs at once, and Stop() does not wait
    // for the interval to pass.
    records.Add(RecordKind::kLoginFlows, clock.Now() - 1s, 3);
    std::atomic<int> hourly{0};
    PeriodicCleanup periodic(cleanup, 1h, [&](const CleanupReport&) { ++hourly; });
    periodic.Start();
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (hourly < 1 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
    const auto t0 = std::chrono::steady_clock::now();
    periodic.Stop();
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
    EXPECT_EQ(hourly.load(), 1);
    EXPECT_EQ(records.Count(RecordKind::kLoginFlows), 0u);
    periodic.Stop();  // idempotent
}

}  // namespace
}  // namespace bia::cleanup
