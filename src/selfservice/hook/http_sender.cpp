#include "selfservice/hook/http_sender.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <ctime>
#include <memory>

namespace bia::selfservice::hook {
namespace {

struct Transfer {
    std::string body;
    bool truncated = false;
    std::optional<std::string> retry_after;
    StopSignal* stop = nullptr;
};

size_t CollectBody(char* ptr, size_t size, size_t nmemb, void* userdata) {
    auto* t = static_cast<Transfer*>(userdata);
    const size_t n = size * nmemb;
    const size_t room = kMaxAnswerBytes - t->body.size();
    if (n > room) {
        // Like Kratos's LimitReader: keep what fits and stop reading the rest.
        t->body.append(ptr, room);
        t->truncated = true;
        return 0;
    }
    t->body.append(ptr, n);
    return n;
}

size_t CollectHeader(char* ptr, size_t size, size_t nitems, void* userdata) {
    auto* t = static_cast<Transfer*>(userdata);
    const size_t n = size * nitems;
    std::string_view line(ptr, n);
    if (line.starts_with("HTTP/")) {
        t->retry_after.reset();  // a new response (after a redirect or 100-continue) starts
        return n;
    }
    constexpr std::string_view kName = "retry-after:";
    if (line.size() > kName.size()) {
        bool match = true;
        for (size_t i = 0; i < kName.size() && match; ++i)
            match = std::tolower(static_cast<unsigned char>(line[i])) == kName[i];
        if (match) {
            std::string_view v = line.substr(kName.size());
            while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
            while (!v.empty() && (v.back() == '\r' || v.back() == '\n' || v.back() == ' ')) v.remove_suffix(1);
            t->retry_after = std::string(v);
        }
    }
    return n;
}

int Progress(void* userdata, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    auto* t = static_cast<Transfer*>(userdata);
    return t->stop != nullptr && t->stop->stopped() ? 1 : 0;
}

// go-retryablehttp's baseRetryPolicy treats these as permanent; everything else is retried.
bool RetryableCurlError(CURLcode rc) {
    switch (rc) {
        case CURLE_UNSUPPORTED_PROTOCOL:
        case CURLE_URL_MALFORMAT:
        case CURLE_TOO_MANY_REDIRECTS:
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_ABORTED_BY_CALLBACK:
        case CURLE_BAD_FUNCTION_ARGUMENT:
        case CURLE_OUT_OF_MEMORY:
            return false;
        default:
            return true;
    }
}

bool RetryableStatus(int status) { return status == 429 || status == 0 || (status >= 500 && status != 501); }

void GlobalInit() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// Proxies come from the environment, but loopback targets never go through one (as Go's
// ProxyFromEnvironment).
std::string NoProxyList() {
    std::string no_proxy = "localhost,127.0.0.1,::1";
    for (const char* name : {"NO_PROXY", "no_proxy"}) {
        if (const char* v = std::getenv(name); v != nullptr && *v != '\0') return std::string(v) + "," + no_proxy;
    }
    return no_proxy;
}

struct Attempt {
    CURLcode rc = CURLE_OK;
    std::string error;
    int status = 0;
    Transfer transfer;
};

Attempt PerformOnce(const OutgoingRequest& request, const RetryPolicy& policy, StopSignal* stop) {
    Attempt a;
    a.transfer.stop = stop;
    std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
    if (!curl) {
        a.rc = CURLE_FAILED_INIT;
        a.error = "unable to initialise libcurl";
        return a;
    }
    CURL* h = curl.get();
    char error[CURL_ERROR_SIZE] = {0};

    HeaderList headers = request.headers;
    if (request.attempt_headers) {
        for (auto& kv : request.attempt_headers()) headers.push_back(std::move(kv));
    }
    curl_slist* list = nullptr;
    for (const auto& [name, value] : headers) list = curl_slist_append(list, (name + ": " + value).c_str());
    // No "Expect: 100-continue" round trip for large bodies; Go's client never sends it.
    list = curl_slist_append(list, "Expect:");
    std::unique_ptr<curl_slist, void (*)(curl_slist*)> header_guard(list, curl_slist_free_all);

    const std::string no_proxy = NoProxyList();
    curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    // Kratos's client follows redirects; here a request follows them only when it says so
    // (max_redirects), which no credentialed request does, so a hook's API key, basic auth or
    // cookie never reaches a host a 3xx names. Userinfo credentials never go to another host.
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, request.max_redirects > 0 ? 1L : 0L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, static_cast<long>(std::max(0, request.max_redirects)));
    curl_easy_setopt(h, CURLOPT_UNRESTRICTED_AUTH, 0L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(policy.timeout.count()));
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(policy.timeout.count()));
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(h, CURLOPT_USERAGENT, "bia");
    curl_easy_setopt(h, CURLOPT_NOPROXY, no_proxy.c_str());
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &CollectBody);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &a.transfer);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &CollectHeader);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &a.transfer);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &Progress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, &a.transfer);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);

    if (request.method == "HEAD") {
        curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else {
        if (request.body) {
            curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body->size()));
            curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body->data());
        }
        // A plain POST lets curl turn it into a GET on 301/302/303 redirects, as Go does.
        if (request.method != "POST" || !request.body) {
            if (request.method != "GET" || request.body)
                curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
        }
    }

    a.rc = curl_easy_perform(h);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    a.status = static_cast<int>(status);
    if (a.rc == CURLE_WRITE_ERROR && a.transfer.truncated) a.rc = CURLE_OK;  // we stopped reading
    if (a.rc != CURLE_OK) a.error = error[0] != '\0' ? error : curl_easy_strerror(a.rc);
    return a;
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
        const time_t when = curl_getdate(v.c_str(), nullptr);
        if (when != -1) {
            const long long delta = static_cast<long long>(when) - static_cast<long long>(std::time(nullptr));
            return std::min(policy.wait_max, std::chrono::milliseconds(std::max(0LL, delta) * 1000));
        }
    }
    std::chrono::milliseconds wait = policy.wait_min;
    for (int i = 0; i < attempt && wait < policy.wait_max; ++i) wait *= 2;
    return std::min(wait, policy.wait_max);
}

SendResult Send(const OutgoingRequest& request, const RetryPolicy& policy, StopSignal* stop) {
    GlobalInit();
    SendResult result;
    const int max_attempts = 1 + std::max(0, policy.max_retries);
    for (int attempt = 0; attempt < max_attempts; ++attempt) {
        if (stop != nullptr && stop->stopped()) {
            result.outcome = SendResult::Outcome::kStopped;
            result.error = "stopped";
            return result;
        }
        Attempt a = PerformOnce(request, policy, stop);
        result.attempts = attempt + 1;
        bool retry = false;
        if (a.rc == CURLE_ABORTED_BY_CALLBACK && stop != nullptr && stop->stopped()) {
            result.outcome = SendResult::Outcome::kStopped;
            result.error = "stopped";
            return result;
        }
        if (a.rc != CURLE_OK) {
            result.outcome =
                a.rc == CURLE_OPERATION_TIMEDOUT ? SendResult::Outcome::kTimeout : SendResult::Outcome::kFailed;
            result.status = 0;
            result.error = std::move(a.error);
            retry = RetryableCurlError(a.rc);
        } else {
            result.outcome = SendResult::Outcome::kAnswered;
            result.status = a.status;
            result.body = std::move(a.transfer.body);
            result.truncated = a.transfer.truncated;
            result.error.clear();
            retry = RetryableStatus(a.status);
        }
        if (!retry) return result;
        if (attempt + 1 == max_attempts) break;
        const auto wait = BackoffFor(policy, attempt, a.status, a.transfer.retry_after);
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
