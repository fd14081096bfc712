// Bia's one outbound HTTP client (schema fetching, breached-password checks, web hooks, the CLI's
// admin calls; the courier and OIDC to come). A request states its own limits — timeouts, the
// largest answer it reads, how many redirects it follows (to http/https only; userinfo never goes
// to another host) — and a failure says what kind it was, so callers can decide on retries.
// CurlHttpClient is the libcurl implementation; tests use testing::FakeHttpClient.
#pragma once

#include <chrono>
#include <ctime>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bia::net {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
    std::string method = "GET";
    std::string url;                  // http:// or https:// only
    HeaderList headers;               // sent as given, in order
    std::optional<std::string> body;  // nullopt: no body at all
    std::chrono::milliseconds connect_timeout{10000};
    std::chrono::milliseconds timeout{30000};  // the whole exchange, redirects included
    size_t max_body_bytes = size_t{5} << 20;
    // kFail: a longer answer is a kTooLarge failure; kTruncate: keep the first max_body_bytes and
    // stop reading (the answer is marked truncated).
    enum class Overflow { kFail, kTruncate } overflow = Overflow::kFail;
    // Redirects followed. 0: a 3xx is the answer. A request that carries credentials (custom
    // headers such as an API key, cookies) must keep 0: they would be re-sent to the new host.
    int max_redirects = 0;
    bool accept_compressed = true;  // Accept-Encoding with what libcurl can decode
    std::string user_agent = "bia";
    // Polled during the transfer; returning true aborts it (kCancelled).
    std::function<bool()> cancelled;
};

struct HttpResponse {
    enum class Failure {
        kNone,
        kTimeout,    // no complete answer in time
        kTooLarge,   // the answer exceeded max_body_bytes (Overflow::kFail)
        kCancelled,  // HttpRequest::cancelled said so
        kPermanent,  // malformed URL, unsupported scheme, too many redirects, TLS verification
        kTransport,  // connection refused or reset, DNS, ...: may work if tried again
    };
    Failure failure = Failure::kNone;
    std::string error;   // why, when failed; never contains the request's headers or body
    int status = 0;      // the final answer's status (0 when failed)
    HeaderList headers;  // the final answer's header fields
    std::string body;
    bool truncated = false;

    bool ok() const { return failure == Failure::kNone; }
    // The last value of header `name` (case-insensitive), if any.
    std::optional<std::string> Header(std::string_view name) const;
};

class HttpClient {
  public:
    virtual ~HttpClient() = default;
    // Never throws; safe to call from many threads at once.
    virtual HttpResponse Send(const HttpRequest& request) = 0;
};

class CurlHttpClient final : public HttpClient {
  public:
    HttpResponse Send(const HttpRequest& request) override;
};

// curl_global_init, once per process, for every libcurl user (this client, the SMTP sender).
// Called on first use rather than at start-up: it initialises OpenSSL, about 2 MiB resident that
// an idle server never needs. Thread-safe (curl_global_init itself is not on every build).
void EnsureCurlInitialised();

// The process's client, for code without a composition root of its own (the CLI, schema loading
// outside `serve`).
HttpClient& DefaultHttpClient();

// An HTTP-date (RFC 7231 §7.1.1.1, e.g. a Retry-After value) as seconds since the epoch.
std::optional<std::time_t> ParseHttpDate(const std::string& value);

}  // namespace bia::net
