#include "crypto/hash_pool.hpp"

#include <openssl/crypto.h>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <exception>
#include <future>

namespace bia::crypto {

namespace {

constexpr int kWorkerNice = 10;

core::Error Busy() { return core::Unavailable(std::string(kHashPoolBusyReason)); }

void Wipe(std::string& s) {
    if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
}

template <class Callback, class R>
void Deliver(Callback& callback, R result) {
    try {
        callback(std::move(result));
    } catch (...) {
        // A throwing callback must not take a worker (or the destructor) down; no one to tell.
    }
}

}  // namespace

core::Result<std::unique_ptr<HashPool>> HashPool::Create(const PasswordHasher& hasher, const PasswordVerifier& verifier,
                                                         core::Random& random, HashPoolOptions options) {
    size_t workers = options.threads;
    if (workers == 0) workers = std::max(1u, std::thread::hardware_concurrency());
    if (options.memory_budget_kib > 0) {
        const uint64_t per_hash = std::max<uint64_t>(1, hasher.MemoryKibPerHash());
        const uint64_t fit = std::max<uint64_t>(1, options.memory_budget_kib / per_hash);
        workers = static_cast<size_t>(std::min<uint64_t>(workers, fit));
    }
    // The dummy hash uses the configured algorithm and parameters, so checking a password
    // against it costs what checking a real, natively hashed credential costs.
    std::string dummy_password = random.AlphaNumeric(32);
    std::unique_ptr<HashPool> pool(new HashPool(hasher, verifier, options.max_queue));
    try {
        pool->dummy_hash_ = std::async(std::launch::async, [&hasher, pw = std::move(dummy_password)]() mutable {
                                auto r = hasher.Hash(pw);
                                Wipe(pw);
                                return r;
                            }).share();
    } catch (const std::exception& e) {
        return core::Internal(std::string("hash pool: cannot start the dummy-hash thread: ") + e.what());
    }
    try {
        pool->threads_.reserve(workers);
        for (size_t i = 0; i < workers; ++i) pool->threads_.emplace_back([p = pool.get()] { p->Run(); });
    } catch (const std::exception& e) {
        // The destructor stops and joins the workers that did start.
        return core::Internal(std::string("hash pool: cannot start worker threads: ") + e.what());
    }
    return pool;
}

HashPool::HashPool(const PasswordHasher& hasher, const PasswordVerifier& verifier, size_t max_queue)
    : hasher_(hasher), verifier_(verifier), max_queue_(max_queue) {}

HashPool::~HashPool() {
    std::deque<Job> pending;
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
        pending.swap(queue_);
    }
    cv_.notify_all();
    for (Job& job : pending) {
        Wipe(job.password);
        if (job.verify) {
            Deliver(job.verify_done, core::Result<bool>(Busy()));
        } else {
            Deliver(job.hash_done, core::Result<std::string>(Busy()));
        }
    }
    for (std::thread& t : threads_) t.join();
}

size_t HashPool::queued() const {
    std::lock_guard lock(mu_);
    return queue_.size();
}

core::Status HashPool::Enqueue(Job job) {
    {
        std::lock_guard lock(mu_);
        // Jobs a free worker is about to take are not waiting; only the rest count against
        // the limit, so max_queue = 0 still admits work while a worker is free.
        const size_t free_workers = threads_.size() - busy_;
        const size_t after = queue_.size() + 1;
        const size_t waiting = after > free_workers ? after - free_workers : 0;
        if (stopping_ || waiting > max_queue_) {
            Wipe(job.password);
            return Busy();
        }
        queue_.push_back(std::move(job));
    }
    cv_.notify_one();
    return core::Status::Ok();
}

core::Status HashPool::SubmitHash(std::string password, HashCallback done) {
    Job job;
    job.password = std::move(password);
    job.hash_done = std::move(done);
    return Enqueue(std::move(job));
}

core::Status HashPool::SubmitVerify(std::string password, std::string encoded, VerifyCallback done) {
    Job job;
    job.password = std::move(password);
    job.encoded = std::move(encoded);
    job.verify = true;
    job.verify_done = std::move(done);
    return Enqueue(std::move(job));
}

core::Result<std::string> HashPool::HashBlocking(std::string_view password) {
    std::promise<core::Result<std::string>> promise;
    auto future = promise.get_future();
    BIA_TRY(SubmitHash(std::string(password),
                       [&promise](core::Result<std::string> r) { promise.set_value(std::move(r)); }));
    return future.get();
}

core::Result<bool> HashPool::VerifyBlocking(std::string_view password, std::string_view encoded) {
    std::promise<core::Result<bool>> promise;
    auto future = promise.get_future();
    BIA_TRY(SubmitVerify(std::string(password), std::string(encoded),
                         [&promise](core::Result<bool> r) { promise.set_value(std::move(r)); }));
    return future.get();
}

core::Status HashPool::DummyVerify(std::string_view password) {
    const auto& dummy = dummy_hash_.get();
    if (!dummy) return dummy.error();
    auto r = VerifyBlocking(password, dummy.value());
    if (!r && r.error().code == 503) return std::move(r).error();
    // Any other outcome (a mismatch, or in theory a match) is deliberately ignored: the caller
    // answers "invalid credentials" either way.
    return core::Status::Ok();
}

void HashPool::Run() {
    // Hashing yields the CPU to the I/O threads: at nice 10 a busy worker gets about a tenth of a
    // core an I/O thread wants, so whoami and flow fetches keep their latency while every worker
    // hashes, and hashing still takes every idle cycle. Linux applies nice per thread.
    (void)setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), kWorkerNice);
    while (true) {
        Job job;
        {
            std::unique_lock lock(mu_);
            cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) return;  // stopping and nothing left
            job = std::move(queue_.front());
            queue_.pop_front();
            ++busy_;
        }
        Execute(job);
    }
}

void HashPool::Execute(Job& job) {
    // Third-party code and core::SecureRandom may throw; nothing may escape a worker thread.
    auto guard = [](auto&& fn) -> decltype(fn()) {
        try {
            return fn();
        } catch (const std::exception& e) {
            return core::Internal(std::string("password hashing failed: ") + e.what());
        } catch (...) {
            return core::Internal("password hashing failed");
        }
    };
    // The worker counts as free again before the callback runs: a caller that submits its
    // next job from the callback (or right after a blocking call returns) must not be refused.
    auto release = [this] {
        std::lock_guard lock(mu_);
        --busy_;
    };
    if (job.verify) {
        auto r = guard([&]() -> core::Result<bool> { return verifier_.Verify(job.password, job.encoded); });
        Wipe(job.password);
        release();
        Deliver(job.verify_done, std::move(r));
    } else {
        auto r = guard([&]() -> core::Result<std::string> { return hasher_.Hash(job.password); });
        Wipe(job.password);
        release();
        Deliver(job.hash_done, std::move(r));
    }
}

}  // namespace bia::crypto
