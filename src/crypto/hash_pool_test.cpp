#include "crypto/hash_pool.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>

#include "crypto/argon2id_hasher.hpp"
#include "crypto/bcrypt_hasher.hpp"

namespace bia::crypto {
namespace {

using namespace std::chrono_literals;

// A hasher whose Hash() blocks until the test opens the gate, to hold workers busy.
class GatedHasher final : public PasswordHasher {
  public:
    core::Result<std::string> Hash(std::string_view password) const override {
        std::unique_lock lock(mu_);
        ++started_;
        cv_.notify_all();
        if (pass_through_ > 0) {
            --pass_through_;
        } else {
            cv_.wait(lock, [this] { return open_; });
        }
        return "hashed:" + std::string(password);
    }
    bool Understands(std::string_view) const override { return false; }
    bool MatchesParameters(std::string_view) const override { return false; }
    std::string_view Algorithm() const override { return "gated"; }
    uint64_t MemoryKibPerHash() const override { return 1; }

    // Lets the next `n` calls through without waiting (e.g. the dummy hash Create makes).
    void PassThrough(int n) {
        std::lock_guard lock(mu_);
        pass_through_ = n;
    }
    void Open() {
        std::lock_guard lock(mu_);
        open_ = true;
        cv_.notify_all();
    }
    void WaitStarted(int n) {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return started_ >= n; });
    }

  private:
    mutable std::mutex mu_;
    mutable std::condition_variable cv_;
    mutable int started_ = 0;
    mutable int pass_through_ = 0;
    bool open_ = false;
};

template <class T>
T Ok(core::Result<T> r) {
    if (!r) {
        ADD_FAILURE() << "unexpected error " << r.error().code << ": " << r.error().reason;
        return T{};
    }
    return std::move(r).value();
}

std::unique_ptr<HashPool> MakePool(const PasswordHasher& hasher, core::Random& random, HashPoolOptions o) {
    static PasswordVerifier verifier;
    auto pool = HashPool::Create(hasher, verifier, random, o);
    EXPECT_TRUE(pool) << pool.error().reason;
    return std::move(pool).value();
}

TEST(HashPool, HashesAndVerifiesOnWorkers) {
    core::SecureRandom random;
    BcryptHasher hasher(4, random);
    auto pool = MakePool(hasher, random, {.threads = 2, .max_queue = 8});
    EXPECT_EQ(pool->workers(), 2u);
    auto h = pool->HashBlocking("hunter2hunter2");
    ASSERT_TRUE(h);
    EXPECT_TRUE(Ok(pool->VerifyBlocking("hunter2hunter2", *h)));
    EXPECT_FALSE(Ok(pool->VerifyBlocking("hunter3hunter3", *h)));
    auto unknown = pool->VerifyBlocking("x", "md5:abc");
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().reason, kUnknownHashFormatReason);
    // Errors from the hasher come back as values.
    auto too_long = pool->HashBlocking(std::string(73, 'a'));
    ASSERT_FALSE(too_long);
    EXPECT_TRUE(IsPasswordTooLongError(too_long.error()));
}

TEST(HashPool, RunsJobsOffTheCallingThread) {
    core::SecureRandom random;
    BcryptHasher hasher(4, random);
    auto pool = MakePool(hasher, random, {.threads = 1, .max_queue = 1});
    std::promise<std::thread::id> where;
    ASSERT_TRUE(
        pool->SubmitHash("pw", [&](core::Result<std::string>) { where.set_value(std::this_thread::get_id()); }));
    EXPECT_NE(where.get_future().get(), std::this_thread::get_id());
}

TEST(HashPool, RefusesWithA503WhenTheQueueIsFull) {
    core::SecureRandom random;
    GatedHasher hasher;
    hasher.PassThrough(1);  // the dummy hash
    auto pool = MakePool(hasher, random, {.threads = 1, .max_queue = 2});
    // The dummy hash runs on its own thread at start-up: wait until it has taken the pass-through,
    // or "running" could take it and leave the worker free (a race seen on a loaded CI machine).
    hasher.WaitStarted(1);

    std::vector<std::future<core::Result<std::string>>> results;
    auto submit = [&](std::string pw) {
        auto p = std::make_shared<std::promise<core::Result<std::string>>>();
        results.push_back(p->get_future());
        return pool->SubmitHash(std::move(pw), [p](core::Result<std::string> r) { p->set_value(std::move(r)); });
    };
    ASSERT_TRUE(submit("running"));
    hasher.WaitStarted(2);  // dummy + "running": the single worker is now busy
    ASSERT_TRUE(submit("queued-1"));
    ASSERT_TRUE(submit("queued-2"));
    EXPECT_EQ(pool->queued(), 2u);

    auto refused = submit("refused");
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, 503);
    EXPECT_EQ(refused.error().reason, "The server is busy hashing passwords, please retry in a moment.");
    results.pop_back();  // its callback is never called
    auto blocking = pool->HashBlocking("also refused");
    ASSERT_FALSE(blocking);
    EXPECT_EQ(blocking.error().code, 503);
    EXPECT_EQ(pool->DummyVerify("pw").error().code, 503);

    hasher.Open();
    EXPECT_EQ(Ok(results[0].get()), "hashed:running");
    EXPECT_EQ(Ok(results[1].get()), "hashed:queued-1");
    EXPECT_EQ(Ok(results[2].get()), "hashed:queued-2");
    // Capacity is back once the queue drained.
    EXPECT_EQ(Ok(pool->HashBlocking("later")), "hashed:later");
}

TEST(HashPool, ZeroQueueStillAdmitsWorkForAnIdleWorker) {
    core::SecureRandom random;
    GatedHasher hasher;
    hasher.Open();
    auto pool = MakePool(hasher, random, {.threads = 1, .max_queue = 0});
    EXPECT_EQ(Ok(pool->HashBlocking("a")), "hashed:a");
    EXPECT_EQ(Ok(pool->HashBlocking("b")), "hashed:b");
}

TEST(HashPool, DestructionFailsQueuedJobsAndFinishesRunningOnes) {
    core::SecureRandom random;
    GatedHasher hasher;
    hasher.PassThrough(1);
    auto pool = MakePool(hasher, random, {.threads = 1, .max_queue = 4});
    hasher.WaitStarted(1);  // the dummy hash took the pass-through (see above)
    std::promise<core::Result<std::string>> running, queued;
    ASSERT_TRUE(pool->SubmitHash("running", [&](core::Result<std::string> r) { running.set_value(std::move(r)); }));
    hasher.WaitStarted(2);
    ASSERT_TRUE(pool->SubmitHash("queued", [&](core::Result<std::string> r) { queued.set_value(std::move(r)); }));
    std::thread opener([&] {
        std::this_thread::sleep_for(50ms);
        hasher.Open();
    });
    pool.reset();
    opener.join();
    auto q = queued.get_future().get();
    ASSERT_FALSE(q);
    EXPECT_EQ(q.error().code, 503);
    EXPECT_EQ(Ok(running.get_future().get()), "hashed:running");
}

TEST(HashPool, ThrowingCallbackDoesNotKillTheWorker) {
    core::SecureRandom random;
    GatedHasher hasher;
    hasher.Open();
    auto pool = MakePool(hasher, random, {.threads = 1, .max_queue = 4});
    ASSERT_TRUE(pool->SubmitHash("boom", [](core::Result<std::string>) { throw std::runtime_error("boom"); }));
    EXPECT_EQ(Ok(pool->HashBlocking("after")), "hashed:after");
}

TEST(HashPool, MemoryBudgetBoundsConcurrentArgon2Hashes) {
    core::SecureRandom random;
    Argon2idHasher hasher({.memory_kib = 512, .iterations = 1, .parallelism = 1, .salt_length = 16, .key_length = 32},
                          random);
    EXPECT_EQ(MakePool(hasher, random, {.threads = 8, .max_queue = 1, .memory_budget_kib = 1024})->workers(), 2u);
    EXPECT_EQ(MakePool(hasher, random, {.threads = 8, .max_queue = 1, .memory_budget_kib = 100})->workers(), 1u);
    EXPECT_EQ(MakePool(hasher, random, {.threads = 3, .max_queue = 1, .memory_budget_kib = 0})->workers(), 3u);
    EXPECT_GE(MakePool(hasher, random, {.threads = 0, .max_queue = 1})->workers(), 1u);
}

// The dummy hash is computed in the background (start-up must not wait a full hash); a hasher
// that cannot hash surfaces its error on the first dummy verification instead of hiding it.
TEST(HashPool, ABrokenHasherFailsTheDummyVerification) {
    core::SecureRandom random;
    BcryptHasher broken(99, random);
    PasswordVerifier verifier;
    auto pool = HashPool::Create(broken, verifier, random, {.threads = 1});
    ASSERT_TRUE(pool);
    auto s = (*pool)->DummyVerify("whatever");
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, 500);
}

// An unknown identifier must cost what a wrong password costs. Measured with bcrypt cost 8
// (~15 ms a verification here), comparing medians so a noisy neighbour cannot flip it.
TEST(HashPool, DummyVerifyTakesAsLongAsARealVerification) {
    core::SecureRandom random;
    BcryptHasher hasher(8, random);
    auto pool = MakePool(hasher, random, {.threads = 1, .max_queue = 4});
    auto stored = pool->HashBlocking("the real password");
    ASSERT_TRUE(stored);
    // Real and dummy verifications alternate, so that load from other processes (make test builds in
    // the background) weighs on both medians alike.
    std::vector<std::chrono::nanoseconds> reals, dummies;
    auto timed = [](auto fn) {
        const auto start = std::chrono::steady_clock::now();
        fn();
        return std::chrono::steady_clock::now() - start;
    };
    for (int i = 0; i < 9; ++i) {
        reals.push_back(timed([&] { EXPECT_FALSE(Ok(pool->VerifyBlocking("a wrong password", *stored))); }));
        dummies.push_back(timed([&] { EXPECT_TRUE(pool->DummyVerify("a wrong password")); }));
    }
    std::sort(reals.begin(), reals.end());
    std::sort(dummies.begin(), dummies.end());
    const auto real = reals[4], dummy = dummies[4];
    EXPECT_GT(dummy, real / 2) << "dummy " << dummy.count() << "ns vs real " << real.count() << "ns";
    EXPECT_LT(dummy, real * 2) << "dummy " << dummy.count() << "ns vs real " << real.count() << "ns";
}

}  // namespace
}  // namespace bia::crypto
