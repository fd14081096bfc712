// The bounded thread pool behind Execution::kOffload: CPU-heavy handlers (password hashing) run
// here so they never stall an I/O thread. Admission is explicit: when every worker is busy and
// the queue is full, TrySubmit refuses at once and the caller answers 503.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace bia::http {

class WorkerPool {
  public:
    // One unit of work. Exactly one of Run (on a worker thread) or Reject (work refused, or
    // dropped from the queue at shutdown; on the thread that refused it) is called.
    class Task {
      public:
        virtual ~Task() = default;
        virtual void Run() = 0;
        virtual void Reject() = 0;
    };

    // `threads` workers (at least one); up to `queue_limit` tasks may wait beyond those running.
    WorkerPool(unsigned threads, size_t queue_limit);
    ~WorkerPool();
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    // Takes ownership of `task` and returns true if admitted (running + queued stays within
    // threads + queue_limit and the pool is not shut down); otherwise leaves `task` untouched.
    bool TrySubmit(std::unique_ptr<Task>& task);

    // Refuses new work, rejects queued tasks, waits for running ones, joins the threads.
    // Idempotent; must not be called from a worker thread.
    void Shutdown();

    size_t InFlight() const;  // running + queued

  private:
    void WorkerLoop();

    const size_t capacity_;
    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::deque<std::unique_ptr<Task>> queue_;
    size_t running_ = 0;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace bia::http
