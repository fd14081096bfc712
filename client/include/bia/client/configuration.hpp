// Configuration: where the server is and how to talk to it, passed to every operation, like
// ory_client's Configuration. Copies are cheap and share one ConnectionPool, so a Configuration
// can be copied into threads (the `_async` operations do exactly that).
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace bia::client {

inline constexpr const char* kVersion = "0.1.0";

// Idle libcurl handles kept for reuse, so consecutive requests to the same server reuse the
// open keep-alive connection instead of opening a new one. Thread-safe; share it freely.
class ConnectionPool {
  public:
    explicit ConnectionPool(std::size_t max_idle_handles = 16);
    ~ConnectionPool();
    ConnectionPool(const ConnectionPool&) = delete;
    ConnectionPool& operator=(const ConnectionPool&) = delete;

    // Handles currently parked (each may hold open connections).
    std::size_t idle_handles() const;

    struct Impl;
    Impl& impl() { return *impl_; }

  private:
    std::unique_ptr<Impl> impl_;
};

// API key for the `oryAccessToken` security scheme (header `Authorization: <prefix> <key>`).
struct ApiKey {
    std::string key;
    std::optional<std::string> prefix;
};

struct Configuration {
    // Scheme, host, port and optional path prefix; operation paths are appended ("/self-service/…").
    std::string base_path = "http://127.0.0.1:4433";
    // Sent as User-Agent; std::nullopt sends none.
    std::optional<std::string> user_agent = std::string("bia-client-cpp/") + kVersion;
    // `Authorization: Bearer <token>` on operations that declare the oryAccessToken scheme
    // (the admin API), as ory_client does. Takes precedence over api_key.
    std::optional<std::string> bearer_access_token;
    std::optional<ApiKey> api_key;
    // Whole-request timeout (connect + send + receive); zero or less means none.
    std::chrono::milliseconds timeout{10000};
    // Connection-phase timeout; zero or less keeps libcurl's default (bounded by `timeout`).
    std::chrono::milliseconds connect_timeout{0};
    // Sent with every request, after the operation's own headers (e.g. {"X-Request-Id", "…"}).
    std::vector<std::pair<std::string, std::string>> default_headers;
    // Follow 3xx answers. Off by default: API clients of Kratos never get redirects, and a
    // browser-flow redirect points at a UI page, not at JSON.
    bool follow_redirects = false;
    // TLS: verify the server certificate and host name; optional CA bundle / client certificate.
    bool verify_tls = true;
    std::optional<std::string> ca_file;
    std::optional<std::string> client_certificate_file;
    std::optional<std::string> client_key_file;
    // Proxy URL for libcurl; std::nullopt honours the *_proxy environment variables, "" disables.
    std::optional<std::string> proxy;
    // Shared by copies; nullptr opens a fresh connection for every request.
    std::shared_ptr<ConnectionPool> connection_pool = std::make_shared<ConnectionPool>();
};

}  // namespace bia::client
