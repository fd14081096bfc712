#include "selfservice/hook/http_sender.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <ctime>

namespace bia::selfservice::hook {
namespace {

bool RetryableStatus(int status) { return status == 429 || status == 0 || (status >= 500 && status != 501); }

// go-retryablehttp's baseRetryPolicy: a malformed URL, a bad scheme, too many redirects or a
// failed TLS verification are permanent; other transport errors are retried.
bool RetryableFailure(net::HttpResponse::Failure f) {
    return f == net::HttpResponse::Failure::kTimeout || f == net::HttpResponse::Failure::kTransport;
}

net::HttpResponse PerformOnce(const OutgoingRequest& request, const RetryPolicy& policy, StopSignal* stop,
                              net::HttpClient& http) {
    net::HttpRequest r;
    r.method = request.method;
    r.url = request.url;
    r.headers = request.headers;
    if (request.attempt_headers) {
        for (auto& kv : request.attempt_headers()) r.headers.push_back(std::move(kv));
    }
    r.body = request.body;
    r.timeout = r.connect_timeout = policy.timeout;
    r.max_body_bytes = kMaxAnswerBytes;
    r.overflow = net::HttpRequest::Overflow::kTruncate;  // like Kratos's LimitReader
    // Kratos's client follows redirects; here a request follows them only when it says so
    // (max_redirects), which no credentialed request does, so a hook's API key, basic auth or
    // cookie never reaches a host a 3xx names.
    r.max_redirects = request.max_redirects;
    if (stop != nullptr) r.cancelled = [stop] { return stop->stopped(); };
    return http.Send(r);
}

}  // namespace

void StopSignal::Stop() {
    {
        std::lock_guard lock(mu_);
        stopped_ = true;
    }
    cv_.notify_all();
}

bool StopSignal::SleepFor(std::chrono::milliseconds d) {
    std::unique_lock lock(mu_);
    return !cv_.wait_for(lock, d, [this] { return stopped_.load(); });
}

std::chrono::milliseconds BackoffFor(const RetryPolicy& policy, int attempt, int status,
                                     const std::optional<std::string>& retry_after) {
    if ((status == 429 || status == 503) && retry_after && !retry_after->empty()) {
        const std::string& v = *retry_after;
        if (std::all_of(v.begin(), v.end(), [](unsigned char c) { return std::isdigit(c) != 0; })) {
            // A server may ask for hours; a flow waiting that long is worse than failing.
            long long seconds = 999999999LL;
            if (v.size() <= 9) std::from_chars(v.data(), v.data() + v.size(), seconds);
            return std::min(policy.wait_max, std::chrono::milliseconds(seconds * 1000));
        }
        if (const auto when = net::ParseHttpDate(v)) {
            const long long delta = static_cast<long long>(*when) - static_cast<long long>(std::time(nullptr));
            return std::min(policy.wait_max, std::chrono::milliseconds(std::max(0LL, delta) * 1000));
        }
    }
    std::chrono::milliseconds wait = policy.wait_min;
    for (int i = 0; i < attempt && wait < policy.wait_max; ++i) wait *= 2;
    return std::min(wait, policy.wait_max);
}

SendResult Send(const OutgoingRequest& request, const RetryPolicy& policy, StopSignal* stop, net::HttpClient& http) {
    SendResult result;
    const int max_attempts = 1 + std::max(0, policy.max_retries);
    for (int attempt = 0; attempt < max_attempts; ++attempt) {
        if (stop != nullptr && stop->stopped()) {
            result.outcome = SendResult::Outcome::kStopped;
            result.error = "stopped";
            return result;
        }
        net::HttpResponse a = PerformOnce(request, policy, stop, http);
        result.attempts = attempt + 1;
        bool retry = false;
        if (a.failure == net::HttpResponse::Failure::kCancelled && stop != nullptr && stop->stopped()) {
            result.outcome = SendResult::Outcome::kStopped;
            result.error = "stopped";
            return result;
        }
        if (!a.ok()) {
            result.outcome = a.failure == net::HttpResponse::Failure::kTimeout ? SendResult::Outcome::kTimeout
                                                                               : SendResult::Outcome::kFailed;
            result.status = 0;
            result.error = std::move(a.error);
            retry = RetryableFailure(a.failure);
        } else {
            result.outcome = SendResult::Outcome::kAnswered;
            result.status = a.status;
            result.body = std::move(a.body);
            result.truncated = a.truncated;
            result.error.clear();
            retry = RetryableStatus(a.status);
        }
        if (!retry) return result;
        if (attempt + 1 == max_attempts) break;
        const auto wait = BackoffFor(policy, attempt, a.status, a.Header("Retry-After"));
        if (stop != nullptr) {
            if (!stop->SleepFor(wait)) {
                result.outcome = SendResult::Outcome::kStopped;
                result.error = "stopped";
                return result;
            }
        } else {
            StopSignal never;
            (void)never.SleepFor(wait);
        }
    }
    // Retries exhausted. A retryable status is then a failure without an answer, as with
    // go-retryablehttp, which drops the response and reports that it gave up.
    if (result.outcome == SendResult::Outcome::kAnswered) {
        result.outcome = SendResult::Outcome::kFailed;
        result.error = "giving up after " + std::to_string(result.attempts) + " attempt(s): last status " +
                       std::to_string(result.status);
        result.body.clear();
    } else {
        result.error = "giving up after " + std::to_string(result.attempts) + " attempt(s): " + result.error;
    }
    return result;
}

}  // namespace bia::selfservice::hook
