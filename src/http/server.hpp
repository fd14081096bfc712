// The HTTP server: Boost.Beast on Asio with C++20 coroutines, one io_context per I/O thread,
// SO_REUSEPORT acceptors, keep-alive, explicit limits, graceful stop. Knows nothing about
// identities or flows: it calls Router handlers and writes their Responses.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "http/router.hpp"

namespace bia::http {

struct Limits {
    size_t max_body_bytes = 1 << 20;                // 1 MiB → 413 envelope
    size_t max_header_bytes = 16 << 10;             // whole header block → 431
    std::chrono::milliseconds read_timeout{15000};  // time to receive a whole request
    std::chrono::milliseconds idle_timeout{60000};  // keep-alive idle
    std::chrono::milliseconds write_timeout{15000};
};

struct Listener {
    std::string name;  // "public" / "admin" (for logs)
    std::string host = "127.0.0.1";
    uint16_t port = 0;  // 0 = pick a free port (see Server::BoundPort)
    const Router* router = nullptr;
    // Headers added to every response of this listener unless the handler set them
    // (public: Cache-Control: private, no-cache, no-store, must-revalidate).
    std::vector<std::pair<std::string, std::string>> default_headers;
};

struct ServerOptions {
    std::vector<Listener> listeners;
    unsigned io_threads = 0;  // 0 = hardware concurrency
    // Offload pool; 0 = DefaultWorkerThreads(). Its threads mostly wait (for a commit, a hash
    // on the hash pool, a PostgreSQL round trip), so there are more of them than cores.
    unsigned worker_threads = 0;
    // Offloaded requests that may wait beyond the ones running: admission while
    // running + queued < worker_threads + worker_queue_limit, else 503 at once.
    size_t worker_queue_limit = 256;
    // Every route runs on the offload pool, kInline ones too. Set on PostgreSQL, where any
    // handler's read is a round trip: an I/O thread waiting on one serves none of its other
    // connections (two I/O threads allowed two reads at a time), and reads waiting side by side
    // on the pool can share one statement (persistence/postgres/read_batcher.hpp).
    bool offload_every_route = false;
    Limits limits;
    // JSON lines via spdlog: method, path (no query), status, µs. Each line is one JSON object
    // written at info level to spdlog's default logger (set its pattern to "%v" for pure JSON);
    // query strings, cookies, bodies and auth headers are never logged.
    bool log_requests = true;
};

// 4 × hardware concurrency, at least 16 and at most 64.
unsigned DefaultWorkerThreads();

class Server {
  public:
    explicit Server(ServerOptions options);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Binds every listener (errors name the address), then returns; serving runs on
    // background threads.
    core::Status Start();
    // Port actually bound for listener i (after Start).
    uint16_t BoundPort(size_t listener_index) const;
    // Stops accepting, closes idle keep-alive connections, lets in-flight requests finish (up to
    // `grace`; their responses carry "Connection: close"), then closes the rest. An offloaded
    // handler that is still running cannot be interrupted: Stop waits for it past `grace`.
    // Call from a thread that is not one of the server's (not from a handler). Idempotent.
    void Stop(std::chrono::milliseconds grace = std::chrono::milliseconds(10000));
    // Blocks until Stop() was called and everything has shut down.
    void Wait();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace bia::http
