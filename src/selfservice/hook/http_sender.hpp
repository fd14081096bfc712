// Outgoing HTTP for web hooks, shaped like Kratos's resilient client (go-retryablehttp): a
// per-attempt timeout, retries on transport errors, 429 and 5xx (but 501) with exponential
// backoff, and at most 5 MiB of an answer read. Redirects are not followed unless a request asks
// for it (only requests without credentials may: a hook call never does, issue 13).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "net/http_client.hpp"

namespace bia::selfservice::hook {

using HeaderList = net::HeaderList;

// Defaults are Kratos's: its web hook HTTP client times out each attempt after 30 s and retries
// twice, waiting 1 s, then 2 s (doubling, capped at 30 s).
struct RetryPolicy {
    std::chrono::milliseconds timeout{30000};  // per attempt: connect, send, redirects and answer
    int max_retries = 2;
    std::chrono::milliseconds wait_min{1000};
    std::chrono::milliseconds wait_max{30000};
};

// Lets the owner of background work end it early: waits between retries return at once and a
// transfer in flight is aborted at its next progress tick.
class StopSignal {
  public:
    void Stop();
    bool stopped() const { return stopped_.load(); }
    // Sleeps for `d` unless stopped; returns false when stopped.
    bool SleepFor(std::chrono::milliseconds d);

  private:
    std::atomic<bool> stopped_{false};
    std::mutex mu_;
    std::condition_variable cv_;
};

struct OutgoingRequest {
    std::string method;
    std::string url;
    HeaderList headers;               // sent as given, in order
    std::optional<std::string> body;  // nullopt: no body at all
    // Headers that change with every attempt (Kratos's Ory-Webhook-Request-ID).
    std::function<HeaderList()> attempt_headers;
    // Redirects followed (to http/https only). 0: a 3xx is the answer. Only a request that
    // carries no credentials (headers, cookies, userinfo) may set it: curl re-sends custom headers
    // such as an API key to whatever host a redirect names.
    int max_redirects = 0;
};

// Redirects followed when fetching a hook's body template (no credentials are sent there).
inline constexpr int kMaxTemplateRedirects = 3;

struct SendResult {
    enum class Outcome {
        kAnswered,  // `status` and `body` are the final answer (after any retries)
        kTimeout,   // the last attempt timed out
        kFailed,    // transport error, or retries exhausted on a retryable status
        kStopped,   // the StopSignal fired
    };
    Outcome outcome = Outcome::kFailed;
    int status = 0;    // kAnswered: the answer's; kFailed: the last retryable status (0 after a transport error)
    std::string body;  // kAnswered only; at most kMaxAnswerBytes, the rest is not read
    bool truncated = false;
    int attempts = 0;
    std::string error;  // why, for kTimeout/kFailed; never contains the request's headers or body
};

inline constexpr size_t kMaxAnswerBytes = size_t{5} << 20;

// Never throws. `stop` may be null.
SendResult Send(const OutgoingRequest& request, const RetryPolicy& policy, StopSignal* stop,
                net::HttpClient& http = net::DefaultHttpClient());

// The wait before retry number `attempt` (0-based) as go-retryablehttp's default backoff computes
// it: Retry-After on 429/503 when present (capped at wait_max here), else wait_min·2^attempt
// capped at wait_max.
std::chrono::milliseconds BackoffFor(const RetryPolicy& policy, int attempt, int status,
                                     const std::optional<std::string>& retry_after);

}  // namespace bia::selfservice::hook
