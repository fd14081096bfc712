#include "core/answer_cache.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace bia::core {
namespace {

AnswerCache::Answer Body(std::string body) { return {std::move(body), "subject"}; }

TEST(AnswerCache, ServesAnAnswerOnlyUnderTheStampItWasStoredWith) {
    AnswerCache cache(1 << 20);
    cache.Put("token-a", {1, 7}, Body("answer one"));
    auto hit = cache.Find("token-a", {1, 7});
    ASSERT_NE(hit, nullptr);
    EXPECT_EQ(hit->body, "answer one");
    EXPECT_EQ(hit->subject, "subject");
    EXPECT_EQ(cache.Find("token-b", {1, 7}), nullptr);
    // Another stamp (the session or the identity was written since): a miss, and the stale
    // answer is dropped, so going back to the old stamp cannot bring it back.
    EXPECT_EQ(cache.Find("token-a", {2, 7}), nullptr);
    EXPECT_EQ(cache.Find("token-a", {1, 7}), nullptr);
    EXPECT_EQ(cache.entries(), 0u);
    EXPECT_EQ(cache.bytes(), 0u);
}

StoreVersion Version(uint32_t change) {
    StoreVersion v;
    v.words[2] = change;
    return v;
}

TEST(AnswerCache, ServesWithoutAStampOnlyWhileTheStoreVersionAndTheExpiryHold) {
    AnswerCache cache(1 << 20);
    const TimePoint t0{std::chrono::seconds(1'000'000)};
    const TimePoint expiry = t0 + std::chrono::minutes(5);
    // Stored without a version (a store that offers none): only the stamp path serves it.
    cache.Put("token-a", {1, 7}, Body("answer"));
    EXPECT_EQ(cache.FindUnchanged("token-a", Version(1), t0), nullptr);
    // A stamp hit records the version read before the stamp; from then on that version serves it.
    ASSERT_NE(cache.Find("token-a", {1, 7}, {Version(1), expiry}), nullptr);
    auto hit = cache.FindUnchanged("token-a", Version(1), t0);
    ASSERT_NE(hit, nullptr);
    EXPECT_EQ(hit->body, "answer");
    // Any write since (another version), or the proof's expiry reached: a miss, the entry stays
    // for the stamp path.
    EXPECT_EQ(cache.FindUnchanged("token-a", Version(2), t0), nullptr);
    EXPECT_EQ(cache.FindUnchanged("token-a", Version(1), expiry), nullptr);
    EXPECT_EQ(cache.FindUnchanged("token-b", Version(1), t0), nullptr);
    EXPECT_EQ(cache.entries(), 1u);
    // A later stamp hit under the new version moves the proof there; a hit without a version
    // (it could not be read) takes the proof away.
    ASSERT_NE(cache.Find("token-a", {1, 7}, {Version(2), expiry}), nullptr);
    EXPECT_EQ(cache.FindUnchanged("token-a", Version(1), t0), nullptr);
    EXPECT_NE(cache.FindUnchanged("token-a", Version(2), t0), nullptr);
    ASSERT_NE(cache.Find("token-a", {1, 7}, {std::nullopt, expiry}), nullptr);
    EXPECT_EQ(cache.FindUnchanged("token-a", Version(2), t0), nullptr);
    // Put stores its proof too; a stamp miss drops the entry with its proof.
    cache.Put("token-c", {3, 3}, Body("other"), {Version(5), expiry});
    EXPECT_NE(cache.FindUnchanged("token-c", Version(5), t0), nullptr);
    EXPECT_EQ(cache.Find("token-c", {4, 3}, {Version(6), expiry}), nullptr);
    EXPECT_EQ(cache.FindUnchanged("token-c", Version(5), t0), nullptr);
}

TEST(AnswerCache, PutReplacesAndEraseForgets) {
    AnswerCache cache(1 << 20);
    cache.Put("k", {1, 1}, Body("old"));
    cache.Put("k", {1, 2}, Body("new"));
    EXPECT_EQ(cache.entries(), 1u);
    EXPECT_EQ(cache.Find("k", {1, 1}), nullptr);
    cache.Put("k", {1, 2}, Body("new"));
    ASSERT_NE(cache.Find("k", {1, 2}), nullptr);
    EXPECT_EQ(cache.Find("k", {1, 2})->body, "new");
    cache.Erase("k");
    EXPECT_EQ(cache.Find("k", {1, 2}), nullptr);
    EXPECT_EQ(cache.bytes(), 0u);
}

TEST(AnswerCache, ASharedBodyOutlivesItsEntry) {
    AnswerCache cache(1 << 20);
    cache.Put("k", {1, 1}, Body("the answer"));
    auto body = SharedBody(cache.Find("k", {1, 1}));
    ASSERT_NE(body, nullptr);
    // A write replaces the entry (and a later stamp drops it) while the body is being written out.
    cache.Put("k", {1, 2}, Body("the next answer"));
    EXPECT_EQ(cache.Find("k", {1, 1}), nullptr);
    cache.Erase("k");
    EXPECT_EQ(*body, "the answer");
    EXPECT_EQ(cache.bytes(), 0u);
}

TEST(AnswerCache, NeverHoldsMoreThanItsBudget) {
    const size_t budget = 64 * 1024;
    AnswerCache cache(budget);
    const std::string body(1000, 'x');
    for (int i = 0; i < 5000; ++i) {
        cache.Put("token-" + std::to_string(i), {i, i}, Body(body));
        ASSERT_LE(cache.bytes(), budget);
    }
    EXPECT_GT(cache.entries(), 0u);
    EXPECT_LT(cache.entries(), budget / 1000);
    // First in, first out: the newest answer is there, the oldest long gone.
    EXPECT_NE(cache.Find("token-4999", {4999, 4999}), nullptr);
    EXPECT_EQ(cache.Find("token-0", {0, 0}), nullptr);
}

TEST(AnswerCache, KeepsNothingTooLargeOrWhenDisabled) {
    AnswerCache small(16 * 100);  // 100 bytes per shard
    small.Put("k", {1, 1}, Body(std::string(200, 'x')));
    EXPECT_EQ(small.entries(), 0u);
    AnswerCache off(0);
    off.Put("k", {1, 1}, Body("x"));
    EXPECT_EQ(off.Find("k", {1, 1}), nullptr);
    EXPECT_EQ(off.entries(), 0u);
}

TEST(AnswerCache, ConcurrentReadersAndWritersStayWithinBudget) {
    const size_t budget = 32 * 1024;
    AnswerCache cache(budget);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&cache, t] {
            for (int i = 0; i < 2000; ++i) {
                const std::string key = "k" + std::to_string((i * 7 + t) % 300);
                if (auto hit = cache.Find(key, {i % 3, 0})) {
                    EXPECT_EQ(hit->body.size(), 200u);
                }
                cache.Put(key, {i % 3, 0}, Body(std::string(200, 'y')));
                if (i % 50 == 0) cache.Erase(key);
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_LE(cache.bytes(), budget);
}

}  // namespace
}  // namespace bia::core
