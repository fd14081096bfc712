#include "http/worker_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>

namespace bia::http {
namespace {

class FnTask final : public WorkerPool::Task {
  public:
    FnTask(std::function<void()> run, std::atomic<int>* rejected) : run_(std::move(run)), rejected_(rejected) {}
    void Run() override { run_(); }
    void Reject() override { ++*rejected_; }

  private:
    std::function<void()> run_;
    std::atomic<int>* rejected_;
};

TEST(WorkerPool, AdmitsUpToThreadsPlusQueueThenRefuses) {
    WorkerPool pool(1, 1);
    std::atomic<int> rejected{0};
    std::promise<void> started;
    std::promise<void> release;
    std::shared_future<void> release_f = release.get_future().share();
    std::atomic<int> ran{0};

    std::unique_ptr<WorkerPool::Task> a = std::make_unique<FnTask>(
        [&] {
            started.set_value();
            release_f.wait();
            ++ran;
        },
        &rejected);
    ASSERT_TRUE(pool.TrySubmit(a));
    EXPECT_EQ(a, nullptr);
    started.get_future().wait();

    std::unique_ptr<WorkerPool::Task> b = std::make_unique<FnTask>([&] { ++ran; }, &rejected);
    ASSERT_TRUE(pool.TrySubmit(b));  // queued
    std::unique_ptr<WorkerPool::Task> c = std::make_unique<FnTask>([&] { ++ran; }, &rejected);
    EXPECT_FALSE(pool.TrySubmit(c));  // full: caller keeps the task
    EXPECT_NE(c, nullptr);
    EXPECT_EQ(pool.InFlight(), 2u);

    release.set_value();
    pool.Shutdown();
    EXPECT_EQ(ran.load() + rejected.load(), 2);
    EXPECT_GE(ran.load(), 1);
}

TEST(WorkerPool, ShutdownRejectsQueuedAndRefusesNewWork) {
    WorkerPool pool(1, 4);
    std::atomic<int> rejected{0};
    std::atomic<int> ran{0};
    std::promise<void> started;
    std::promise<void> release;
    auto release_f = release.get_future().share();
    std::unique_ptr<WorkerPool::Task> blocker = std::make_unique<FnTask>(
        [&] {
            started.set_value();
            release_f.wait();
            ++ran;
        },
        &rejected);
    ASSERT_TRUE(pool.TrySubmit(blocker));
    started.get_future().wait();
    for (int i = 0; i < 3; ++i) {
        std::unique_ptr<WorkerPool::Task> t = std::make_unique<FnTask>([&] { ++ran; }, &rejected);
        ASSERT_TRUE(pool.TrySubmit(t));
    }
    std::thread stopper([&] { pool.Shutdown(); });
    // Shutdown rejects the three queued tasks before waiting on the running one.
    for (int i = 0; i < 200 && rejected.load() < 3; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_EQ(rejected.load(), 3);
    release.set_value();
    stopper.join();
    EXPECT_EQ(ran.load(), 1);
    std::unique_ptr<WorkerPool::Task> late = std::make_unique<FnTask>([&] { ++ran; }, &rejected);
    EXPECT_FALSE(pool.TrySubmit(late));
}

}  // namespace
}  // namespace bia::http
