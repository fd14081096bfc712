// A bounded worker pool for password hashing, so that I/O threads never run a 50–500 ms hash
// (PERFORMANCE-NOTES: the whole box does ~8 bcrypt-12 hashes a second). Admission control turns
// overload into an immediate 503 instead of an ever-growing queue.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/random.hpp"
#include "core/result.hpp"
#include "crypto/password_hasher.hpp"
#include "crypto/password_verifier.hpp"

namespace bia::crypto {

inline constexpr std::string_view kHashPoolBusyReason =
    "The server is busy hashing passwords, please retry in a moment.";

struct HashPoolOptions {
    // Worker threads; 0 = std::thread::hardware_concurrency().
    size_t threads = 0;
    // Jobs allowed to wait for a worker. One more is refused with a 503 (kHashPoolBusyReason).
    size_t max_queue = 64;
    // Upper bound on hashing memory in KiB; 0 = unbounded. With argon2 each running hash holds
    // `memory_kib` (128 MiB by Kratos's default), so workers = min(threads, budget / memory):
    // e.g. a 512 MiB budget runs at most 4 argon2 hashes at once, however many cores there are.
    // Each argon2 hash may itself use up to min(lanes, cores) threads (Argon2Params::threads).
    uint64_t memory_budget_kib = 0;
};

class HashPool {
  public:
    using HashCallback = std::function<void(core::Result<std::string>)>;
    using VerifyCallback = std::function<void(core::Result<bool>)>;

    // Starts the workers and computes the fixed hash DummyVerify() checks against (one hash
    // with `hasher`, so that its cost equals a real verification's). `hasher`, `verifier` and
    // `random` must outlive the pool.
    static core::Result<std::unique_ptr<HashPool>> Create(const PasswordHasher& hasher,
                                                          const PasswordVerifier& verifier, core::Random& random,
                                                          HashPoolOptions options = {});
    ~HashPool();  // Fails jobs still queued with a 503, lets running ones finish, joins.
    HashPool(const HashPool&) = delete;
    HashPool& operator=(const HashPool&) = delete;

    // Queue a job; `done` later runs on a worker thread (post back to your executor from it).
    // When the queue is full this returns the 503 immediately and `done` is never called.
    core::Status SubmitHash(std::string password, HashCallback done);
    core::Status SubmitVerify(std::string password, std::string encoded, VerifyCallback done);

    // Submit and wait. For offload threads and coroutine adapters, never for I/O threads.
    core::Result<std::string> HashBlocking(std::string_view password);
    core::Result<bool> VerifyBlocking(std::string_view password, std::string_view encoded);

    // Spends the time of one real verification when the login identifier matched no identity,
    // so "unknown identifier" and "wrong password" cannot be told apart by timing. Fails only
    // with the same 503 a real verification would get.
    core::Status DummyVerify(std::string_view password);

    size_t workers() const { return threads_.size(); }
    size_t queued() const;

  private:
    struct Job {
        std::string password;
        std::string encoded;
        bool verify = false;
        HashCallback hash_done;
        VerifyCallback verify_done;
    };

    HashPool(const PasswordHasher& hasher, const PasswordVerifier& verifier, size_t max_queue);
    core::Status Enqueue(Job job);
    void Run();
    void Execute(Job& job);

    const PasswordHasher& hasher_;
    const PasswordVerifier& verifier_;
    const size_t max_queue_;
    // Computed on a background thread at creation so start-up does not wait one full hash
    // (~240 ms at bcrypt cost 12); the first DummyVerify waits for it if still running.
    std::shared_future<core::Result<std::string>> dummy_hash_;

    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::deque<Job> queue_;
    size_t busy_ = 0;  // workers running a job
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace bia::crypto
