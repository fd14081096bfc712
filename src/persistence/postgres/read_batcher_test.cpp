// ReadBatcher without a server: which keys share a fetch, that every answer comes from a fetch that
// began after its call, and that failures reach exactly their own batch's callers; the same for
// callers that wait on no thread (GetAsync).
#include "persistence/postgres/read_batcher.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace bia::persistence::postgres {
namespace {

using namespace std::chrono_literals;

// A fetch that records its calls and can be held at its start until released.
struct Recorder {
    std::mutex mu;
    std::condition_variable cv;
    std::vector<std::vector<int>> calls;
    bool hold = false;
    int entered = 0;

    core::Result<std::vector<std::optional<std::string>>> Fetch(const std::vector<const int*>& keys) {
        std::unique_lock lock(mu);
        ++entered;
        cv.notify_all();
        cv.wait(lock, [&] { return !hold; });
        std::vector<int> seen;
        std::vector<std::optional<std::string>> out;
        for (const int* k : keys) {
            seen.push_back(*k);
            if (*k < 0) {
                out.emplace_back();  // no such row
            } else {
                out.emplace_back("v" + std::to_string(*k));
            }
        }
        calls.push_back(std::move(seen));
        return out;
    }
    void WaitEntered(int n) {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return entered >= n; });
    }
    void Release() {
        std::lock_guard lock(mu);
        hold = false;
        cv.notify_all();
    }
};

// Waits until `n` callers are queued behind the running batch (or a timeout).
template <class Batcher>
void WaitQueued(Batcher& b, size_t n) {
    for (int i = 0; i < 10000 && b.stats().waiting < n; ++i) std::this_thread::sleep_for(1ms);
}

TEST(ReadBatcher, ALoneCallerGetsItsOwnValueAndNoneForAMissingRow) {
    Recorder rec;
    ReadBatcher<int, std::string> b([&](const auto& keys) { return rec.Fetch(keys); }, 8, 1);
    auto one = b.Get(7);
    ASSERT_TRUE(one);
    EXPECT_EQ(**one, "v7");
    auto none = b.Get(-1);
    ASSERT_TRUE(none);
    EXPECT_FALSE(none->has_value());
    ASSERT_EQ(rec.calls.size(), 2u);
    EXPECT_EQ(rec.calls[0], std::vector<int>{7});
}

// Callers arriving while a batch runs share the next fetch, at most max_keys at a time, and each
// gets the value of its own key.
TEST(ReadBatcher, CallersWaitingOnARunningBatchShareTheNextFetch) {
    Recorder rec;
    rec.hold = true;
    ReadBatcher<int, std::string> b([&](const auto& keys) { return rec.Fetch(keys); }, 4, 1);
    std::vector<std::string> got(11);
    std::vector<std::thread> threads;
    threads.emplace_back([&] { got[0] = **b.Get(0); });
    rec.WaitEntered(1);
    for (int k = 1; k <= 10; ++k) threads.emplace_back([&, k] { got[k] = **b.Get(k); });
    WaitQueued(b, 10);
    EXPECT_EQ(b.stats().waiting, 10u);
    rec.Release();
    for (auto& t : threads) t.join();
    for (int k = 0; k <= 10; ++k) EXPECT_EQ(got[k], "v" + std::to_string(k));
    // 1 + 10 keys: the first alone, then the ten queued ones in batches of at most four.
    ASSERT_EQ(rec.calls.size(), 4u);
    EXPECT_EQ(rec.calls[0].size(), 1u);
    size_t batched = 0;
    for (size_t i = 1; i < rec.calls.size(); ++i) {
        EXPECT_LE(rec.calls[i].size(), 4u);
        batched += rec.calls[i].size();
    }
    EXPECT_EQ(batched, 10u);
    EXPECT_EQ(b.stats().batches, 4u);
    EXPECT_EQ(b.stats().keys, 11u);
}

// Every answer comes from a fetch that began after its caller called: a value read before a
// commit is never handed to a caller who arrived after it.
TEST(ReadBatcher, EveryAnswerComesFromAFetchThatBeganAfterTheCall) {
    std::atomic<int> fetches{0};
    ReadBatcher<int, int> b(
        [&](const std::vector<const int*>& keys) -> core::Result<std::vector<std::optional<int>>> {
            const int seq = ++fetches;  // "the database's version" when the statement starts
            std::this_thread::sleep_for(200us);
            return std::vector<std::optional<int>>(keys.size(), seq);
        },
        16, 2);
    std::atomic<int> stale{0}, calls{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 12; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 200; ++i) {
                const int before = fetches.load();
                auto v = b.Get(t);
                ++calls;
                if (!v || !v->has_value() || **v <= before) ++stale;
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(stale.load(), 0) << "of " << calls.load();
    // And they did share: fewer fetches than calls.
    EXPECT_LT(b.stats().batches, b.stats().keys);
}

// Fetches that fail (an error, an exception, the wrong number of rows) each fail their own batch
// only: nobody is left waiting, and the next batch is answered.
TEST(ReadBatcher, AFailedThrowingOrShortFetchFailsItsOwnBatchOnly) {
    std::atomic<int> n{0};
    ReadBatcher<int, int> b(
        [&](const std::vector<const int*>& keys) -> core::Result<std::vector<std::optional<int>>> {
            switch (++n) {
                case 1:
                    return core::Error(503, "The database is unavailable, please retry.");
                case 2:
                    throw std::runtime_error("boom");
                case 3:
                    return std::vector<std::optional<int>>(keys.size() + 1, 1);
                default:
                    return std::vector<std::optional<int>>(keys.size(), 2);
            }
        },
        8, 1);
    for (int expected : {503, 500, 500}) {
        auto failed = b.Get(1);
        ASSERT_FALSE(failed);
        EXPECT_EQ(failed.error().code, expected);
    }
    auto ok = b.Get(1);
    ASSERT_TRUE(ok);
    EXPECT_EQ(**ok, 2);
}

// A leader whose key did not fit in its batch (max_keys) leads again or is served by a later
// leader; nobody waits forever when more callers than max_keys arrive at once.
TEST(ReadBatcher, MoreCallersThanABatchHoldsAreAllServed) {
    ReadBatcher<int, int> b(
        [&](const std::vector<const int*>& keys) -> core::Result<std::vector<std::optional<int>>> {
            std::vector<std::optional<int>> out;
            for (const int* k : keys) out.emplace_back(*k * 2);
            std::this_thread::sleep_for(100us);
            return out;
        },
        2, 1);
    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 16; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 100; ++i) {
                auto v = b.Get(t * 1000 + i);
                if (!v || **v != (t * 1000 + i) * 2) ++wrong;
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(wrong.load(), 0);
    EXPECT_EQ(b.stats().keys, 1600u);
}

// ---------------------------------------------------------------- asynchronous callers

// Collects GetAsync answers by key and lets a test wait for them.
struct Answers {
    std::mutex mu;
    std::condition_variable cv;
    std::map<int, core::Result<std::optional<std::string>>> by_key;
    std::set<std::thread::id> threads;

    ReadBatcher<int, std::string>::Callback For(int key) {
        return [this, key](core::Result<std::optional<std::string>> v) {
            std::lock_guard lock(mu);
            by_key.insert_or_assign(key, std::move(v));
            threads.insert(std::this_thread::get_id());
            cv.notify_all();
        };
    }
    bool WaitFor(size_t n) {
        std::unique_lock lock(mu);
        return cv.wait_for(lock, 10s, [&] { return by_key.size() >= n; });
    }
};

// No thread waits for an asynchronous key: GetAsync returns at once, the batcher's runner reads it
// (sharing batches as Get's callers do) and hands each callback its own answer.
TEST(ReadBatcher, AsynchronousCallersAreAnsweredByTheRunnerInSharedBatches) {
    Recorder rec;
    rec.hold = true;
    ReadBatcher<int, std::string> b([&](const auto& keys) { return rec.Fetch(keys); }, 4, 1);
    Answers answers;
    b.GetAsync(0, answers.For(0));  // returns before any fetch ends
    rec.WaitEntered(1);
    for (int k = 1; k <= 6; ++k) b.GetAsync(k == 6 ? -1 : k, answers.For(k == 6 ? -1 : k));
    WaitQueued(b, 6);
    EXPECT_TRUE(answers.by_key.empty());
    rec.Release();
    ASSERT_TRUE(answers.WaitFor(7));
    for (int k = 0; k <= 5; ++k) {
        ASSERT_TRUE(answers.by_key.at(k)) << k;
        EXPECT_EQ(*answers.by_key.at(k), "v" + std::to_string(k));
    }
    ASSERT_TRUE(answers.by_key.at(-1));
    EXPECT_FALSE(answers.by_key.at(-1)->has_value());  // no such row
    // 1 + 6 keys: the first alone, then the six queued ones in batches of at most four.
    EXPECT_EQ(rec.calls.size(), 3u);
    EXPECT_EQ(answers.threads.size(), 1u);  // the runner's
    EXPECT_EQ(answers.threads.count(std::this_thread::get_id()), 0u);
}

// Both kinds of caller ride in the same batches, and every answer still comes from a fetch that
// began after its call.
TEST(ReadBatcher, AsynchronousAndWaitingCallersShareBatchesAndStayFresh) {
    std::atomic<int> fetches{0};
    ReadBatcher<int, int> b(
        [&](const std::vector<const int*>& keys) -> core::Result<std::vector<std::optional<int>>> {
            const int seq = ++fetches;
            std::this_thread::sleep_for(100us);
            return std::vector<std::optional<int>>(keys.size(), seq);
        },
        16, 1);
    std::atomic<int> stale{0}, answered{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 100; ++i) {
                const int before = fetches.load();
                if (t % 2 == 0) {
                    auto v = b.Get(t);
                    if (!v || !v->has_value() || **v <= before) ++stale;
                    ++answered;
                    continue;
                }
                std::promise<void> done;
                b.GetAsync(t, [&, before](core::Result<std::optional<int>> v) {
                    if (!v || !v->has_value() || **v <= before) ++stale;
                    ++answered;
                    done.set_value();
                });
                done.get_future().wait();
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(answered.load(), 800);
    EXPECT_EQ(stale.load(), 0);
    EXPECT_LT(b.stats().batches, b.stats().keys);
}

// A failing fetch reaches asynchronous callers as an error; a batcher destroyed with keys still
// queued answers them 503 instead of leaving them waiting.
TEST(ReadBatcher, AsynchronousCallersGetFailuresAndAreAnsweredWhenTheBatcherEnds) {
    Answers failed;
    {
        ReadBatcher<int, std::string> b(
            [&](const std::vector<const int*>&) -> core::Result<std::vector<std::optional<std::string>>> {
                throw std::runtime_error("boom");
            },
            4, 1);
        b.GetAsync(1, failed.For(1));
        ASSERT_TRUE(failed.WaitFor(1));
    }
    ASSERT_FALSE(failed.by_key.at(1));
    EXPECT_EQ(failed.by_key.at(1).error().code, 500);

    Recorder rec;
    rec.hold = true;
    Answers answers;
    std::thread releaser;
    {
        ReadBatcher<int, std::string> b([&](const auto& keys) { return rec.Fetch(keys); }, 4, 1);
        b.GetAsync(1, answers.For(1));
        rec.WaitEntered(1);
        b.GetAsync(2, answers.For(2));
        b.GetAsync(3, answers.For(3));
        WaitQueued(b, 2);
        // The destructor answers the queued keys, then waits for the running batch to end.
        releaser = std::thread([&] {
            std::this_thread::sleep_for(20ms);
            rec.Release();
        });
    }
    releaser.join();
    ASSERT_TRUE(answers.WaitFor(3));
    ASSERT_TRUE(answers.by_key.at(1));
    EXPECT_EQ(*answers.by_key.at(1), "v1");
    for (int k : {2, 3}) {
        ASSERT_FALSE(answers.by_key.at(k));
        EXPECT_EQ(answers.by_key.at(k).error().code, 503);
    }
    EXPECT_EQ(rec.calls.size(), 1u);
}

}  // namespace
}  // namespace bia::persistence::postgres
