// A tiny HTTP/1.1 server on 127.0.0.1 for the client's loopback tests: one thread, raw sockets,
// keep-alive, Content-Length bodies. It records every request and answers with what the test's
// handler returns (or nothing at all, to provoke client timeouts).
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace bia::client::testing {

struct RecordedRequest {
    std::string method;
    std::string target;  // path + "?" + query, as sent
    std::string path;
    std::string query;                                // raw, without "?"
    std::multimap<std::string, std::string> headers;  // names lower-cased
    std::string body;

    std::optional<std::string> header(const std::string& lower_name) const;
    std::size_t header_count(const std::string& lower_name) const;
};

struct FakeResponse {
    FakeResponse() = default;
    FakeResponse(int status_code, std::string body_text, std::string type = "application/json; charset=utf-8")
        : status(status_code), body(std::move(body_text)), content_type(std::move(type)) {}

    int status = 200;
    std::string body;
    std::string content_type = "application/json; charset=utf-8";
    std::vector<std::pair<std::string, std::string>> headers;
};

class FakeServer {
  public:
    // Returns the answer, or std::nullopt to never answer this request.
    using Handler = std::function<std::optional<FakeResponse>(const RecordedRequest&)>;

    explicit FakeServer(Handler handler);
    ~FakeServer();
    FakeServer(const FakeServer&) = delete;
    FakeServer& operator=(const FakeServer&) = delete;

    // "http://127.0.0.1:<port>"
    std::string url() const;
    int port() const { return port_; }

    std::vector<RecordedRequest> requests() const;
    RecordedRequest last_request() const;
    std::size_t connections_accepted() const { return accepted_.load(); }

    // Always answers `response`.
    static Handler Always(FakeResponse response);

  private:
    void Run();

    Handler handler_;
    int listen_fd_ = -1;
    int port_ = 0;
    int wake_pipe_[2] = {-1, -1};
    std::atomic<bool> stop_{false};
    std::atomic<std::size_t> accepted_{0};
    mutable std::mutex mutex_;
    std::vector<RecordedRequest> requests_;
    std::thread thread_;
};

// A port on 127.0.0.1 where nothing listens (bound, read, released).
int UnusedLoopbackPort();

}  // namespace bia::client::testing
