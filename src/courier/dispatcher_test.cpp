#include "courier/dispatcher.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <deque>

#include "core/random.hpp"
#include "testing/memory_messages.hpp"

namespace bia::courier {
namespace {

using namespace std::chrono_literals;

// Answers from a script (ok when it runs out) and records what it was given.
class ScriptedSender final : public MessageSender {
  public:
    core::Status Send(const Message& m) override {
        std::lock_guard lock(mu_);
        sent.push_back(m.id);
        if (failures.empty()) return {};
        const bool fail = failures.front();
        failures.pop_front();
        if (fail) return core::Unavailable("courier: SMTP delivery failed: 451 try again later");
        return {};
    }
    std::mutex mu_;
    std::deque<bool> failures;  // true: this attempt fails
    std::vector<core::Uuid> sent;
};

class DispatcherTest : public ::testing::Test {
  protected:
    Message Queue(const std::string& to) {
        Message m;
        m.id = core::Uuid::V4(random_);
        m.recipient = to;
        m.subject = "s";
        m.created_at = m.updated_at = m.next_attempt_at = clock_.Now();
        EXPECT_TRUE(messages_.Add(m));
        clock_.Advance(1ms);  // distinct creation times, so claims go oldest first
        return m;
    }
    DispatchReport Once(Dispatcher& d) {
        auto r = d.DispatchOnce();
        EXPECT_TRUE(r) << (r ? "" : r.error().reason);
        return r ? *r : DispatchReport{};
    }

    core::FakeClock clock_;
    core::SeededRandom random_{9};
    testing::MemoryMessages messages_;
    ScriptedSender sender_;
};

TEST_F(DispatcherTest, BackOffDoublesFromOneSecondUpToTenMinutes) {
    DispatcherOptions o;
    EXPECT_EQ(RetryDelay(o, 1), 1s);
    EXPECT_EQ(RetryDelay(o, 2), 2s);
    EXPECT_EQ(RetryDelay(o, 3), 4s);
    EXPECT_EQ(RetryDelay(o, 10), 512s);
    EXPECT_EQ(RetryDelay(o, 11), 10min);
    EXPECT_EQ(RetryDelay(o, 1000), 10min);
}

TEST_F(DispatcherTest, SendsDueMessagesAndMarksThemSent) {
    const auto a = Queue("a@example.com");
    const auto b = Queue("b@example.com");
    Dispatcher d(messages_, sender_, clock_, {});
    const auto r = Once(d);
    EXPECT_EQ(r.sent, 2);
    ASSERT_EQ(sender_.sent.size(), 2u);
    EXPECT_EQ(sender_.sent[0], a.id);
    EXPECT_EQ(sender_.sent[1], b.id);
    EXPECT_EQ(messages_.Get(a.id)->status, MessageStatus::kSent);
    EXPECT_EQ(messages_.Get(a.id)->send_count, 1);
    EXPECT_EQ(Once(d).claimed(), 0);
}

TEST_F(DispatcherTest, PullCountBoundsARound) {
    for (int i = 0; i < 5; ++i) Queue("x@example.com");
    DispatcherOptions o;
    o.pull_count = 2;
    Dispatcher d(messages_, sender_, clock_, o);
    EXPECT_EQ(Once(d).sent, 2);
    EXPECT_EQ(Once(d).sent, 2);
    EXPECT_EQ(Once(d).sent, 1);
}

TEST_F(DispatcherTest, FailuresRetryWithBackOffThenAbandonAfterMessageRetries) {
    const auto m = Queue("flaky@example.com");
    sender_.failures = {true, true, true};
    DispatcherOptions o;
    o.message_retries = 3;
    Dispatcher d(messages_, sender_, clock_, o);
    std::vector<std::string> seen;
    EXPECT_EQ(Once(d).retried, 1);
    auto got = messages_.Get(m.id);
    EXPECT_EQ(got->status, MessageStatus::kQueued);
    EXPECT_EQ(got->send_count, 1);
    EXPECT_EQ(got->next_attempt_at, clock_.Now() + 1s);
    EXPECT_EQ(got->last_error, "courier: SMTP delivery failed: 451 try again later");
    EXPECT_EQ(Once(d).claimed(), 0) << "not before its retry time";
    clock_.Advance(999ms);
    EXPECT_EQ(Once(d).claimed(), 0);
    clock_.Advance(1ms);
    EXPECT_EQ(Once(d).retried, 1);
    EXPECT_EQ(messages_.Get(m.id)->next_attempt_at, clock_.Now() + 2s);
    clock_.Advance(2s);
    EXPECT_EQ(Once(d).abandoned, 1) << "the third failure is the last";
    got = messages_.Get(m.id);
    EXPECT_EQ(got->status, MessageStatus::kAbandoned);
    EXPECT_EQ(got->send_count, 3);
    clock_.Advance(1h);
    EXPECT_EQ(Once(d).claimed(), 0);
    EXPECT_EQ(sender_.sent.size(), 3u);
}

TEST_F(DispatcherTest, ARetryThatSucceedsEndsSent) {
    const auto m = Queue("later@example.com");
    sender_.failures = {true, false};
    Dispatcher d(messages_, sender_, clock_, {});
    EXPECT_EQ(Once(d).retried, 1);
    clock_.Advance(1s);
    EXPECT_EQ(Once(d).sent, 1);
    EXPECT_EQ(messages_.Get(m.id)->status, MessageStatus::kSent);
    EXPECT_EQ(messages_.Get(m.id)->send_count, 2);
}

TEST_F(DispatcherTest, TheObserverSeesEveryAttempt) {
    Queue("a@example.com");
    sender_.failures = {true};
    int ok = 0, failed = 0;
    Dispatcher d(messages_, sender_, clock_, {}, [&](const Message&, const core::Status& s) { ++(s ? ok : failed); });
    Once(d);
    clock_.Advance(1s);
    Once(d);
    EXPECT_EQ(ok, 1);
    EXPECT_EQ(failed, 1);
}

// A queue that cannot be read: the round fails, the loop reports it and keeps going.
class BrokenMessages final : public MessageRepository {
  public:
    core::Status Add(const Message&) override { return core::Unavailable("down"); }
    core::Result<std::vector<Message>> ClaimDue(core::TimePoint, int64_t, core::Duration) override {
        ++claims;
        return core::Unavailable("The database is unavailable, please retry.");
    }
    core::Status MarkSent(const core::Uuid&, core::TimePoint) override { return core::Unavailable("down"); }
    core::Status MarkFailed(const core::Uuid&, core::TimePoint, std::string_view,
                            std::optional<core::TimePoint>) override {
        return core::Unavailable("down");
    }
    core::Result<Message> Get(const core::Uuid&) override { return core::Unavailable("down"); }
    core::Result<MessagePage> List(const MessageFilter&) override { return core::Unavailable("down"); }
    std::atomic<int> claims{0};
};

TEST_F(DispatcherTest, AFailingRoundIsReportedAndTheLoopGoesOn) {
    BrokenMessages broken;
    core::SystemClock real;
    DispatcherOptions o;
    o.pull_wait = 5ms;
    Dispatcher d(broken, sender_, real, o);
    std::atomic<int> errors{0};
    d.OnRoundError([&](const core::Error& e) {
        EXPECT_EQ(e.code, 503);
        ++errors;
    });
    d.Start();
    for (int i = 0; i < 200 && errors < 3; ++i) std::this_thread::sleep_for(5ms);
    d.Stop();
    EXPECT_GE(errors.load(), 3);
    EXPECT_GE(broken.claims.load(), 3);
}

TEST_F(DispatcherTest, TheWatchThreadDeliversAndStopsPromptly) {
    core::SystemClock real;
    DispatcherOptions o;
    o.pull_wait = 1h;  // a stop must not wait for this
    Message m;
    m.id = core::Uuid::V4(random_);
    m.recipient = "watch@example.com";
    m.created_at = m.updated_at = m.next_attempt_at = real.Now();
    ASSERT_TRUE(messages_.Add(m));
    Dispatcher d(messages_, sender_, real, o);
    d.Start();
    for (int i = 0; i < 200 && messages_.Get(m.id)->status != MessageStatus::kSent; ++i)
        std::this_thread::sleep_for(10ms);
    EXPECT_EQ(messages_.Get(m.id)->status, MessageStatus::kSent);
    const auto start = std::chrono::steady_clock::now();
    d.Stop();
    EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
    d.Stop();  // idempotent
}

}  // namespace
}  // namespace bia::courier
