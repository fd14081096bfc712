#include "http/worker_pool.hpp"

#include <algorithm>

namespace bia::http {

WorkerPool::WorkerPool(unsigned threads, size_t queue_limit) : capacity_(std::max(1u, threads) + queue_limit) {
    threads = std::max(1u, threads);
    threads_.reserve(threads);
    for (unsigned i = 0; i < threads; ++i) threads_.emplace_back([this] { WorkerLoop(); });
}

WorkerPool::~WorkerPool() { Shutdown(); }

bool WorkerPool::TrySubmit(std::unique_ptr<Task>& task) {
    {
        std::lock_guard lock(mu_);
        if (stopping_ || running_ + queue_.size() >= capacity_) return false;
        queue_.push_back(std::move(task));
    }
    cv_.notify_one();
    return true;
}

size_t WorkerPool::InFlight() const {
    std::lock_guard lock(mu_);
    return running_ + queue_.size();
}

void WorkerPool::Shutdown() {
    std::deque<std::unique_ptr<Task>> dropped;
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
        dropped.swap(queue_);
    }
    cv_.notify_all();
    for (auto& task : dropped) task->Reject();
    for (auto& t : threads_) {
        if (t.joinable()) t.join();
    }
}

void WorkerPool::WorkerLoop() {
    for (;;) {
        std::unique_ptr<Task> task;
        {
            std::unique_lock lock(mu_);
            cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) return;  // stopping and nothing left
            task = std::move(queue_.front());
            queue_.pop_front();
            ++running_;
        }
        task->Run();  // Task::Run must not throw (the server's tasks catch everything)
        task.reset();
        std::lock_guard lock(mu_);
        --running_;
    }
}

}  // namespace bia::http
