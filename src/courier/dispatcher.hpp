// The courier's dispatcher: claims due messages, hands each to the MessageSender and records the
// outcome. A failed attempt is retried with exponential back-off (1 s, 2 s, 4 s, … at most
// 10 minutes); the attempt that reaches `message_retries` failures abandons the message. Runs
// as one round per call (`DispatchOnce`, tests) or on a thread of its own (`Start`), used by
// `serve --watch-courier` and `bia courier watch`; Stop() wakes it at once and joins it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "courier/message_repository.hpp"
#include "courier/smtp_sender.hpp"

namespace bia::courier {

struct DispatcherOptions {
    int64_t pull_count = 10;                                  // courier.worker.pull_count
    core::Duration pull_wait = std::chrono::seconds(1);       // courier.worker.pull_wait
    int64_t message_retries = 5;                              // courier.message_retries
    core::Duration first_retry = std::chrono::seconds(1);     // doubles with every failure
    core::Duration max_retry = std::chrono::minutes(10);      // the back-off's cap
    core::Duration claim_timeout = std::chrono::minutes(10);  // reclaim after a crash
};

struct DispatchReport {
    int64_t sent = 0;
    int64_t retried = 0;
    int64_t abandoned = 0;
    int64_t claimed() const { return sent + retried + abandoned; }
};

// The wait before attempt `failures + 1`, after `failures` (≥ 1) failed attempts.
core::Duration RetryDelay(const DispatcherOptions& options, int64_t failures);

class Dispatcher {
  public:
    using Observer = std::function<void(const Message&, const core::Status&)>;
    // `on_attempt` (optional) sees every attempt's outcome, on the dispatching thread (logs).
    Dispatcher(MessageRepository& messages, MessageSender& sender, const core::Clock& clock, DispatcherOptions options,
               Observer on_attempt = {})
        : messages_(messages), sender_(sender), clock_(clock), options_(options), on_attempt_(std::move(on_attempt)) {}
    ~Dispatcher() { Stop(); }
    Dispatcher(const Dispatcher&) = delete;
    Dispatcher& operator=(const Dispatcher&) = delete;

    // One round: claims up to pull_count due messages and delivers them one by one.
    core::Result<DispatchReport> DispatchOnce();

    // Called on the dispatching thread when a round fails (the database is unavailable, …); the
    // watch loop goes on after pull_wait. Set before Start().
    void OnRoundError(std::function<void(const core::Error&)> fn) { on_round_error_ = std::move(fn); }

    // Rounds on a thread of its own, pull_wait apart (none when a round claimed a full batch).
    void Start();
    // Cuts the current wait short, lets the message being sent finish, joins. Idempotent.
    void Stop();

  private:
    void Loop();

    MessageRepository& messages_;
    MessageSender& sender_;
    const core::Clock& clock_;
    DispatcherOptions options_;
    Observer on_attempt_;
    std::function<void(const core::Error&)> on_round_error_;
    std::mutex mu_;
    std::condition_variable cv_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace bia::courier
