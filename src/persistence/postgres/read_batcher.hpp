// Coalesces concurrent single-key reads into one statement (a "group read", the reading twin of
// SQLite's group commit). On PostgreSQL every read is a round trip, and the server spends most of a
// one-row lookup on the statement itself (~40 µs of its CPU on the bench machine), not on the row:
// one statement for the keys of every caller waiting at that moment costs the server about what
// one key did.
//
// A caller that finds fewer than max_batches batches running leads one: it takes the keys queued
// so far (at most max_keys, oldest first), runs fetch once for all of them outside the lock, hands
// every caller its own answer and wakes it. Callers arriving meanwhile wait on a condition variable
// of their own and form the next batch. A batch's statement is sent after each of its callers
// arrived, so every answer reflects every commit made before its call: a batched read is exactly
// as fresh as the caller's own statement would have been. A fetch that fails fails its batch
// alone (each caller gets the error); the next batch starts afresh. Under no concurrency a batch
// holds one key and costs what the single statement did.
//
// GetAsync queues a key without a thread waiting for it (an HTTP I/O thread that must go on
// serving its other connections): its answer comes to a callback. Batches that hold such keys are
// led by the batcher's own runner thread, started at the first GetAsync, or by any waiting caller
// of Get; the order and the freshness rule are the same for both kinds of caller.
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace bia::persistence::postgres {

template <class Key, class Value>
class ReadBatcher {
  public:
    // fetch(keys) answers, index for index, each key's value (nullopt: no such row), or an error
    // for all of them. It is called without the batcher's lock, from the leading caller's thread.
    using Fetch = std::function<core::Result<std::vector<std::optional<Value>>>(const std::vector<const Key*>&)>;

    ReadBatcher(Fetch fetch, size_t max_keys, size_t max_batches)
        : fetch_(std::move(fetch)), max_keys_(max_keys ? max_keys : 1), max_batches_(max_batches ? max_batches : 1) {}
    ReadBatcher(const ReadBatcher&) = delete;
    ReadBatcher& operator=(const ReadBatcher&) = delete;
    // Asynchronous callers still queued are answered 503 (their batch will never run); the runner
    // finishes the batch it leads first.
    ~ReadBatcher() {
        std::vector<Waiter*> orphans;
        {
            std::lock_guard lock(mu_);
            stopping_ = true;
            std::erase_if(queue_, [&](Waiter* w) {
                if (!w->done) return false;
                orphans.push_back(w);
                return true;
            });
        }
        runner_wake_.notify_all();
        if (runner_.joinable()) runner_.join();
        for (Waiter* w : orphans) {
            w->result.emplace(core::Error(503, "The server is shutting down."));
            Finish(w);
        }
    }

    // The value for key (nullopt when there is none), read by a statement sent after this call.
    core::Result<std::optional<Value>> Get(const Key& key) {
        Waiter self(&key);
        std::unique_lock lock(mu_);
        queue_.push_back(&self);
        while (!self.result) {
            // A caller whose key already rides in a running batch may still lead the next one.
            if (running_ < max_batches_ && !queue_.empty()) {
                if (!Lead(lock) && !self.result) {
                    // Out of memory before the batch left the queue: this caller gives up alone.
                    std::erase(queue_, &self);
                    WakeNext();  // the next may try
                    return core::Error(503, "The server is too busy to handle this request right now.");
                }
                continue;
            }
            self.wake.wait(lock);
        }
        return std::move(*self.result);
    }

    struct Stats {
        size_t batches = 0;  // fetches run
        size_t keys = 0;     // keys they carried
        size_t waiting = 0;  // keys queued for the next batch now
    };
    Stats stats() {
        std::lock_guard lock(mu_);
        Stats s = stats_;
        s.waiting = queue_.size();
        return s;
    }

    using Callback = std::function<void(core::Result<std::optional<Value>>)>;
    // What Get answers, given to done (once, on the thread that ran the batch, or on this one when
    // the key cannot even be queued) instead of returned: no thread waits for it. The batcher keeps
    // a copy of key (what a view points to must stay valid until done is called); done must not
    // call back into this batcher.
    void GetAsync(Key key, Callback done) {
        std::unique_ptr<Waiter> w;
        try {
            w = std::make_unique<Waiter>(nullptr);
            w->key = &w->held.emplace(std::move(key));
        } catch (const std::bad_alloc&) {
            done(core::Error(503, "The server is too busy to handle this request right now."));
            return;
        }
        w->done = std::move(done);
        const char* refusal = "The server is shutting down.";
        try {
            std::lock_guard lock(mu_);
            if (!stopping_) {
                if (!runner_.joinable()) runner_ = std::thread([this] { RunnerLoop(); });
                queue_.push_back(w.get());
                w.release();  // NOLINT(bugprone-unused-return-value): the queue owns it until Finish
                runner_wake_.notify_one();
                return;
            }
        } catch (const std::exception&) {  // no memory or no thread: this caller gives up alone
            refusal = "The server is too busy to handle this request right now.";
        }
        w->result.emplace(core::Error(503, refusal));
        Finish(w.release());
    }

  private:
    struct Waiter {
        explicit Waiter(const Key* k) : key(k) {}
        const Key* key;
        std::optional<core::Result<std::optional<Value>>> result;
        std::condition_variable wake;  // a caller of Get waits here
        Callback done;                 // set for GetAsync: the waiter is owned by the queue, then by Finish
        std::optional<Key> held;       // GetAsync's copy of its key
    };

    // Hands an asynchronous waiter its result and frees it; called without the lock.
    static void Finish(Waiter* w) {
        std::unique_ptr<Waiter> owned(w);
        try {
            owned->done(std::move(*owned->result));
        } catch (...) {  // NOLINT(bugprone-empty-catch): a callback's failure is its own; the batch goes on
        }
    }

    // Leads batches while asynchronous keys wait and a batch may start.
    void RunnerLoop() {
        std::unique_lock lock(mu_);
        while (!stopping_) {
            if (running_ < max_batches_ && !queue_.empty()) {
                if (!Lead(lock)) runner_wake_.wait_for(lock, std::chrono::milliseconds(1));  // out of memory: retry
                continue;
            }
            runner_wake_.wait(lock);
        }
    }

    // Wakes whoever may lead the next batch: the queue's first caller of Get, and the runner.
    void WakeNext() {
        if (queue_.empty()) return;
        if (!queue_.front()->done) queue_.front()->wake.notify_one();
        if (runner_.joinable()) runner_wake_.notify_one();
    }

    // Runs one batch of the queue's oldest keys; called and returns with lock held. False when
    // the batch could not even be formed (out of memory): then nothing left the queue.
    bool Lead(std::unique_lock<std::mutex>& lock) {
        const size_t n = std::min(queue_.size(), max_keys_);
        std::vector<Waiter*> batch;
        std::vector<const Key*> keys;
        try {
            batch.reserve(n);
            keys.reserve(n);
        } catch (const std::bad_alloc&) {
            return false;
        }
        for (size_t i = 0; i < n; ++i) {
            batch.push_back(queue_[i]);
            keys.push_back(queue_[i]->key);
        }
        queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
        ++running_;
        ++stats_.batches;
        stats_.keys += n;
        lock.unlock();

        auto values = Run(keys);

        lock.lock();
        --running_;
        size_t asynchronous = 0;
        for (size_t i = 0; i < n; ++i) {
            Waiter* w = batch[i];
            if (!values) {
                w->result.emplace(core::Error(values.error()));
            } else {
                w->result.emplace(std::move((*values)[i]));
            }
            if (w->done) {
                batch[asynchronous++] = w;  // answered below, without the lock
            } else {
                w->wake.notify_one();
            }
        }
        // The queue's first caller (or the runner) leads the next batch (the leader itself may be
        // queued there when its key did not fit in this batch: then it leads on its own loop).
        WakeNext();
        if (asynchronous > 0) {
            lock.unlock();
            for (size_t i = 0; i < asynchronous; ++i) Finish(batch[i]);
            lock.lock();
        }
        return true;
    }

    core::Result<std::vector<std::optional<Value>>> Run(const std::vector<const Key*>& keys) {
        try {
            auto values = fetch_(keys);
            if (values && values->size() != keys.size()) {
                return core::Error(500, "A batched read answered the wrong number of rows.");
            }
            return values;
        } catch (const std::exception& e) {
            // Never leave the batch's callers waiting: a throwing fetch fails the batch.
            core::Error err(500, "A batched read failed.");
            err.debug = e.what();
            return err;
        }
    }

    Fetch fetch_;
    const size_t max_keys_;
    const size_t max_batches_;
    std::mutex mu_;
    std::vector<Waiter*> queue_;
    size_t running_ = 0;
    Stats stats_;
    bool stopping_ = false;
    std::condition_variable runner_wake_;
    std::thread runner_;  // declared last: started and joined while the members above exist
};

}  // namespace bia::persistence::postgres
