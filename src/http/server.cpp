#include "http/server.hpp"

// Boost 1.74 + g++ 12: <utility> must precede asio/awaitable.hpp.
#include <utility>

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include <spdlog/spdlog.h>
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <ctime>
#include <exception>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "http/wire.hpp"
#include "http/worker_pool.hpp"

namespace bia::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using ErrorCode = boost::system::error_code;
using namespace wire;  // NOLINT(google-build-using-namespace): server.cpp is the only user of wire

constexpr size_t kReadChunk = 8192;
// After an error answer we drain what the client is still sending for a moment, so the kernel
// does not reset the connection before the client has read our response.
constexpr std::chrono::milliseconds kLingerTime{2000};
constexpr size_t kLingerBytes = 8u << 20;

// ---------------------------------------------------------------- offload bridge

// Runs a handler on the worker pool and resumes the awaiting coroutine on its own io_context:
// the completion handler is posted back to `io_executor`, never invoked on a worker thread.
template <class CompletionHandler>
class OffloadTask final : public WorkerPool::Task {
  public:
    OffloadTask(const Handler& handler, Request& request, Response& out, CompletionHandler completion,
                asio::io_context::executor_type io_executor)
        : handler_(handler),
          request_(request),
          out_(out),
          completion_(std::move(completion)),
          io_executor_(std::move(io_executor)) {}

    void Run() override {
        out_ = InvokeGuarded(handler_, request_);
        Complete(true);
    }
    void Reject() override { Complete(false); }

  private:
    void Complete(bool ran) {
        asio::post(io_executor_, [c = std::move(completion_), ran]() mutable { c(ran); });
    }

    const Handler& handler_;
    Request& request_;
    Response& out_;
    CompletionHandler completion_;
    asio::io_context::executor_type io_executor_;
};

// Completes with true when the handler ran (its answer is in `out`), false when the pool refused
// the work (full, or shutting down).
template <class Token>
auto AsyncOffload(WorkerPool& pool, asio::io_context::executor_type io_executor, const Handler& handler,
                  Request& request, Response& out, Token&& token) {
    return asio::async_initiate<Token, void(bool)>(
        [&pool, io_executor, &handler, &request, &out](auto completion) {
            using Completion = decltype(completion);
            std::unique_ptr<WorkerPool::Task> task =
                std::make_unique<OffloadTask<Completion>>(handler, request, out, std::move(completion), io_executor);
            if (!pool.TrySubmit(task)) task->Reject();
        },
        std::forward<Token>(token));
}

// ---------------------------------------------------------------- prefetch bridge

// Counts prefetches whose `done` has not been called, so that Stop keeps the I/O contexts alive
// until every one has posted its completion (a prefetch, like an offloaded handler, cannot be
// interrupted).
struct PrefetchCount {
    std::atomic<size_t> running{0};
    std::mutex& mu;
    std::condition_variable& cv;
    void End() {
        running.fetch_sub(1);
        { std::lock_guard lock(mu); }  // pairs with Stop's predicate check: no lost wake-up
        cv.notify_all();
    }
};

// Starts route's prefetch and completes with true on the request's own io_context once its read
// has ended, or with false when it started nothing.
template <class Token>
auto AsyncPrefetch(PrefetchCount& count, asio::io_context::executor_type io_executor, const Prefetch& prefetch,
                   Request& request, Token&& token) {
    return asio::async_initiate<Token, void(bool)>(
        [&count, io_executor, &prefetch, &request](auto completion) {
            using Completion = decltype(completion);
            // std::function needs a copyable callable: the completion is shared by the copies.
            auto held = std::make_shared<Completion>(std::move(completion));
            count.running.fetch_add(1);
            bool started = false;
            try {
                started = prefetch.start(request, [held, io_executor, &count] {
                    asio::post(io_executor, [held]() mutable { (*held)(true); });
                    count.End();
                });
            } catch (const std::exception& e) {
                LogError("prefetch threw", e.what());
            }
            if (!started) {
                asio::post(io_executor, [held]() mutable { (*held)(false); });
                count.End();
            }
        },
        std::forward<Token>(token));
}

}  // namespace

// ---------------------------------------------------------------- server state

namespace {

// One live connection, linked into its io_context's registry so Stop can find idle ones. Only
// touched on that io_context's thread.
struct ConnectionEntry {
    ConnectionEntry* prev = nullptr;
    ConnectionEntry* next = nullptr;
    beast::tcp_stream* stream = nullptr;
    bool idle = false;  // waiting for the first byte of the next request
};

struct IoUnit {
    // Declaration order is destruction order reversed: acceptors and guard go first, then the
    // io_context (destroying suspended coroutines, which unlink themselves), then the registry.
    ConnectionEntry registry;  // sentinel of a circular list
    bool draining = false;
    asio::io_context io{1};
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard;
    std::vector<std::unique_ptr<tcp::acceptor>> acceptors;  // one per listener

    IoUnit() { registry.prev = registry.next = &registry; }
    void Link(ConnectionEntry& e) {
        e.next = &registry;
        e.prev = registry.prev;
        registry.prev->next = &e;
        registry.prev = &e;
    }
    static void Unlink(ConnectionEntry& e) {
        e.prev->next = e.next;
        e.next->prev = e.prev;
        e.prev = e.next = &e;
    }
    template <class Fn>
    void ForEachConnection(Fn&& fn) {
        for (ConnectionEntry* e = registry.next; e != &registry;) {
            ConnectionEntry* next = e->next;  // fn may close, never unlink synchronously
            fn(*e);
            e = next;
        }
    }
};

}  // namespace

struct Server::Impl {
    enum class State { kIdle, kRunning, kStopping, kStopped };

    explicit Impl(ServerOptions o) : options(std::move(o)) {}

    // Order matters on destruction: destroying `units` destroys suspended connection coroutines,
    // which still report to `connections`/`mu`/`cv`, so those are declared (and outlive) first.
    ServerOptions options;
    std::atomic<size_t> connections{0};
    std::mutex mu;
    std::condition_variable cv;
    PrefetchCount prefetches{{0}, mu, cv};
    State state = State::kIdle;
    std::unique_ptr<WorkerPool> pool;
    std::vector<std::unique_ptr<IoUnit>> units;
    std::vector<std::thread> threads;
    std::vector<uint16_t> ports;

    core::Status Bind();
    void StartThreads();
    asio::awaitable<void> AcceptLoop(IoUnit& unit, size_t listener_index);
    asio::awaitable<void> Serve(IoUnit& unit, size_t listener_index, tcp::socket socket);
    asio::awaitable<void> WriteAndLinger(beast::tcp_stream& stream, beast::flat_buffer& buffer, Response response,
                                         const Listener& listener, Clock::time_point started);
};

namespace {

// Tracks one connection for Stop: counted from the start of Serve, linked into the registry.
class ConnectionScope {
  public:
    ConnectionScope(std::atomic<size_t>& count, std::mutex& mu, std::condition_variable& cv, IoUnit& unit)
        : count_(count), mu_(mu), cv_(cv) {
        count_.fetch_add(1);
        unit.Link(entry);
    }
    ~ConnectionScope() {
        IoUnit::Unlink(entry);
        count_.fetch_sub(1);
        { std::lock_guard lock(mu_); }  // pairs with Stop's predicate check: no lost wake-up
        cv_.notify_all();
    }
    ConnectionScope(const ConnectionScope&) = delete;
    ConnectionScope& operator=(const ConnectionScope&) = delete;

    ConnectionEntry entry;

  private:
    std::atomic<size_t>& count_;
    std::mutex& mu_;
    std::condition_variable& cv_;
};

}  // namespace

asio::awaitable<void> Server::Impl::WriteAndLinger(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                                   Response response, const Listener& listener,
                                                   Clock::time_point started) {
    ErrorCode ec;
    int status = response.status;
    const WireAnswer wire = ToWireText(std::move(response), 11, false, false, listener);
    stream.expires_after(options.limits.write_timeout);
    co_await asio::async_write(stream, asio::buffer(wire.bytes), asio::redirect_error(asio::use_awaitable, ec));
    if (options.log_requests) LogRequest(listener.name, "-", "-", status, started, {});
    if (ec) co_return;
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    buffer.clear();
    stream.expires_after(std::min<Clock::duration>(kLingerTime, options.limits.read_timeout));
    size_t drained = 0;
    while (drained < kLingerBytes) {
        size_t n =
            co_await stream.async_read_some(buffer.prepare(kReadChunk), asio::redirect_error(asio::use_awaitable, ec));
        if (ec) break;
        drained += n;
    }
}

asio::awaitable<void> Server::Impl::Serve(IoUnit& unit, size_t listener_index, tcp::socket socket) {
    ConnectionScope scope(connections, mu, cv, unit);
    const Listener& listener = options.listeners[listener_index];
    const Router& router = *listener.router;
    const Limits& limits = options.limits;
    ErrorCode ec;

    socket.set_option(tcp::no_delay(true), ec);
    std::string remote_addr;
    if (auto ep = socket.remote_endpoint(ec); !ec) remote_addr = ep.address().to_string();

    beast::tcp_stream stream(std::move(socket));
    scope.entry.stream = &stream;
    beast::flat_buffer buffer;
    std::string answer_buffer;  // the wire answers' allocation, reused (kKeptWireBufferBytes)
    bool first = true;

    for (;;) {
        if (buffer.size() == 0) {
            // Between requests: the idle timeout applies (read timeout before the first one), and
            // Stop may cancel the wait.
            if (unit.draining) break;
            scope.entry.idle = true;
            stream.expires_after(first ? limits.read_timeout : limits.idle_timeout);
            size_t n = co_await stream.async_read_some(buffer.prepare(kReadChunk),
                                                       asio::redirect_error(asio::use_awaitable, ec));
            scope.entry.idle = false;
            if (ec) break;
            buffer.commit(n);
        }
        first = false;
        const Clock::time_point started = Clock::now();

        // The whole request (header and body) must arrive within read_timeout: slow-loris guard.
        stream.expires_after(limits.read_timeout);
        bhttp::request_parser<bhttp::string_body> parser;
        parser.header_limit(static_cast<std::uint32_t>(
            std::min<size_t>(limits.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
        parser.body_limit(static_cast<std::uint64_t>(limits.max_body_bytes));
        co_await bhttp::async_read_header(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
        // Beast enforces header_limit per parse step, and a header block made of many tiny fields
        // (e.g. 10,000 × "a: b") can slip past it; count the block ourselves as well.
        if (!ec && HeaderBlockBytes(parser.get()) > limits.max_header_bytes) ec = bhttp::error::header_limit;
        // RFC 9112 §6.3: a request whose Transfer-Encoding does not end in chunked has no knowable
        // length; Beast would read it as bodiless and parse the body as the next request (a
        // request-smuggling desync). Answer 400 and close instead.
        if (!ec && parser.get().count(bhttp::field::transfer_encoding) > 0 && !parser.chunked()) {
            ec = bhttp::error::bad_transfer_encoding;
        }
        if (!ec && !parser.is_done()) {
            const auto& header = parser.get();
            if (header.version() >= 11) {
                auto expect = header[bhttp::field::expect];
                if (EqualsIgnoreCase(expect, "100-continue")) {
                    bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, header.version()};
                    co_await bhttp::async_write(stream, cont, asio::redirect_error(asio::use_awaitable, ec));
                }
            }
            if (!ec) co_await bhttp::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
        }
        if (ec) {
            int status = StatusForReadError(ec);
            if (status == 0) break;
            core::Error error(status, "");
            if (status == 413) {
                error.reason =
                    "The request body exceeds the limit of " + std::to_string(limits.max_body_bytes) + " bytes.";
            } else if (status == 431) {
                error.reason =
                    "The request header exceeds the limit of " + std::to_string(limits.max_header_bytes) + " bytes.";
            } else {
                error.reason = "The HTTP request could not be parsed: " + ec.message();
            }
            co_await WriteAndLinger(stream, buffer, Response::Error(error), listener, started);
            break;
        }

        auto message = parser.release();
        const unsigned version = message.version();
        bool keep_alive = message.keep_alive();

        Request request;
        request.method.assign(message.method_string());
        request.target.assign(message.target());
        SplitTarget(request);
        request.headers.reserve(static_cast<size_t>(std::distance(message.begin(), message.end())));
        for (const auto& field : message) request.headers.emplace_back(field.name_string(), field.value());
        request.body = std::move(message.body());
        request.remote_addr = remote_addr;
        request.tls = false;

        Response response;
        auto match = router.Find(request);
        std::optional<Response> prefetched;
        if (match.kind == Router::MatchKind::kFound && match.route->prefetch.start) {
            const bool read = co_await AsyncPrefetch(prefetches, unit.io.get_executor(), match.route->prefetch, request,
                                                     asio::use_awaitable);
            if (read) prefetched = AnswerGuarded(match.route->prefetch, request);
        }
        if (prefetched) {
            response = std::move(*prefetched);
        } else if (match.kind != Router::MatchKind::kFound) {
            response = DispatchUnmatched(router, match.kind, request);
        } else if (match.route->execution == Execution::kOffload || options.offload_every_route) {
            bool ran = co_await AsyncOffload(*pool, unit.io.get_executor(), match.route->handler, request, response,
                                             asio::use_awaitable);
            if (!ran) {
                response = Response::Error(core::Error(503, "The server is too busy to handle this request right now."),
                                           request.RequestId());
            }
        } else {
            response = InvokeGuarded(match.route->handler, request);
        }

        keep_alive = keep_alive && !unit.draining;
        const int status = response.status;
        {
            WireAnswer wire = ToWireText(std::move(response), version, request.method == "HEAD", keep_alive, listener,
                                         std::move(answer_buffer));
            stream.expires_after(limits.write_timeout);
            co_await asio::async_write(stream, asio::buffer(wire.bytes), asio::redirect_error(asio::use_awaitable, ec));
            answer_buffer = wire.bytes.capacity() <= kKeptWireBufferBytes ? std::move(wire.bytes) : std::string();
        }
        if (options.log_requests) {
            LogRequest(listener.name, request.method, request.path, status < 200 || status > 599 ? 500 : status,
                       started, request.RequestId());
        }
        if (ec || !keep_alive) break;
    }

    if (stream.socket().is_open()) {
        stream.socket().shutdown(tcp::socket::shutdown_send, ec);
        stream.socket().close(ec);
    }
}

asio::awaitable<void> Server::Impl::AcceptLoop(IoUnit& unit, size_t listener_index) {
    tcp::acceptor& acceptor = *unit.acceptors[listener_index];
    ErrorCode ec;
    for (;;) {
        tcp::socket socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            if (ec == asio::error::operation_aborted || !acceptor.is_open() || unit.draining) co_return;
            // Out of descriptors and the like: back off instead of spinning.
            LogError("accept failed", ec.message());
            asio::steady_timer timer(unit.io, std::chrono::milliseconds(50));
            co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            continue;
        }
        if (unit.draining) continue;  // socket closes when it goes out of scope
        asio::co_spawn(unit.io, Serve(unit, listener_index, std::move(socket)), [](const std::exception_ptr& e) {
            if (!e) return;
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& x) {
                LogError("connection failed", x.what());
            } catch (...) {
                LogError("connection failed", "non-standard exception");
            }
        });
    }
}

core::Status Server::Impl::Bind() {
    const unsigned io_threads =
        options.io_threads ? options.io_threads : std::max(1u, std::thread::hardware_concurrency());
    for (unsigned i = 0; i < io_threads; ++i) units.push_back(std::make_unique<IoUnit>());
    ports.assign(options.listeners.size(), 0);

    for (size_t li = 0; li < options.listeners.size(); ++li) {
        const Listener& listener = options.listeners[li];
        auto describe = [&](uint16_t port) {
            std::string host = listener.host.find(':') != std::string::npos ? "[" + listener.host + "]" : listener.host;
            return host + ":" + std::to_string(port) + " (listener \"" + listener.name + "\")";
        };
        if (listener.router == nullptr) {
            return core::Error(500, "http: listener \"" + listener.name + "\" has no router");
        }
        ErrorCode ec;
        tcp::endpoint endpoint;
        auto address = asio::ip::make_address(listener.host, ec);
        if (!ec) {
            endpoint = tcp::endpoint(address, listener.port);
        } else {
            tcp::resolver resolver(units[0]->io);
            auto results = resolver.resolve(listener.host, std::to_string(listener.port),
                                            tcp::resolver::passive | tcp::resolver::numeric_service, ec);
            if (ec || results.empty()) {
                return core::Error(500, "http: cannot resolve " + describe(listener.port) + ": " +
                                            (ec ? ec.message() : std::string("no address")));
            }
            endpoint = results.begin()->endpoint();
        }
        if (listener.port != 0) {
            // SO_REUSEPORT would let us join another process's listener on this port and share
            // its traffic silently. A probe without it fails if anything listens there already
            // (SO_REUSEADDR keeps TIME_WAIT leftovers of a previous run from blocking a restart).
            tcp::acceptor probe(units[0]->io);
            probe.open(endpoint.protocol(), ec);
            if (!ec) probe.set_option(asio::socket_base::reuse_address(true), ec);
            if (!ec) probe.bind(endpoint, ec);
            if (ec) return core::Error(500, "http: cannot listen on " + describe(listener.port) + ": " + ec.message());
            probe.close(ec);
        }
        uint16_t port = listener.port;
        for (auto& unit : units) {
            auto acceptor = std::make_unique<tcp::acceptor>(unit->io);
            endpoint.port(port);
            acceptor->open(endpoint.protocol(), ec);
            if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
            // One acceptor per io_context on the same port: the kernel spreads connections.
            if (!ec) acceptor->set_option(asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>(true), ec);
            if (!ec) acceptor->bind(endpoint, ec);
            if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
            if (ec) return core::Error(500, "http: cannot listen on " + describe(port) + ": " + ec.message());
            if (port == 0) {
                port = acceptor->local_endpoint(ec).port();
                if (ec)
                    return core::Error(500, "http: cannot read the bound port of " + describe(0) + ": " + ec.message());
            }
            unit->acceptors.push_back(std::move(acceptor));
        }
        ports[li] = port;
    }
    return core::Status::Ok();
}

void Server::Impl::StartThreads() {
    const unsigned workers = options.worker_threads ? options.worker_threads : DefaultWorkerThreads();
    pool = std::make_unique<WorkerPool>(workers, options.worker_queue_limit);
    for (auto& unit : units) {
        unit->guard.emplace(unit->io.get_executor());
        for (size_t li = 0; li < unit->acceptors.size(); ++li) {
            asio::co_spawn(unit->io, AcceptLoop(*unit, li), [](const std::exception_ptr& e) {
                if (e) LogError("accept loop ended with an exception", "");
            });
        }
    }
    for (auto& unit : units) {
        threads.emplace_back([u = unit.get()] {
            for (;;) {
                try {
                    u->io.run();
                    return;
                } catch (const std::exception& e) {
                    LogError("I/O thread caught an exception", e.what());
                } catch (...) {
                    LogError("I/O thread caught an exception", "non-standard exception");
                }
            }
        });
    }
}

// ---------------------------------------------------------------- public API

unsigned DefaultWorkerThreads() { return std::clamp(4 * std::thread::hardware_concurrency(), 16u, 64u); }

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

Server::~Server() { Stop(std::chrono::milliseconds(0)); }

core::Status Server::Start() {
    std::lock_guard lock(impl_->mu);
    if (impl_->state != Impl::State::kIdle) return core::Error(500, "http: server already started");
    if (impl_->options.listeners.empty()) return core::Error(500, "http: no listeners configured");
    core::Status bound = core::Status::Ok();
    try {
        bound = impl_->Bind();
    } catch (const std::exception& e) {
        bound = core::Error(500, std::string("http: cannot listen: ") + e.what());
    }
    if (!bound) {
        impl_->units.clear();
        impl_->ports.clear();
        return bound;
    }
    impl_->StartThreads();
    impl_->state = Impl::State::kRunning;
    return core::Status::Ok();
}

uint16_t Server::BoundPort(size_t listener_index) const {
    return listener_index < impl_->ports.size() ? impl_->ports[listener_index] : 0;
}

void Server::Stop(std::chrono::milliseconds grace) {
    Impl& impl = *impl_;
    {
        std::lock_guard lock(impl.mu);
        if (impl.state == Impl::State::kIdle) {
            impl.state = Impl::State::kStopped;
            impl.cv.notify_all();
            return;
        }
        if (impl.state != Impl::State::kRunning) return;
        impl.state = Impl::State::kStopping;
    }
    const auto deadline = Clock::now() + grace;

    // 1. Stop accepting; close connections that sit idle between requests. Busy ones answer
    //    their current request with "Connection: close" and end.
    for (auto& unit : impl.units) {
        asio::post(unit->io, [u = unit.get()] {
            u->draining = true;
            ErrorCode ec;
            for (auto& acceptor : u->acceptors) acceptor->close(ec);
            u->ForEachConnection([](ConnectionEntry& e) {
                ErrorCode ignored;  // the socket may already be closed by a timeout
                if (e.idle && e.stream) e.stream->socket().cancel(ignored);
            });
        });
    }
    // 2. Let in-flight requests finish, up to the grace period.
    {
        std::unique_lock lock(impl.mu);
        impl.cv.wait_until(lock, deadline, [&] { return impl.connections.load() == 0; });
    }
    // 3. Past the grace period: close whatever is left.
    for (auto& unit : impl.units) {
        asio::post(unit->io, [u = unit.get()] {
            u->ForEachConnection([](ConnectionEntry& e) {
                if (e.stream) e.stream->close();
            });
        });
    }
    // 4. Running offloaded handlers and prefetches finish (they cannot be interrupted); queued
    //    handlers are refused.
    impl.pool->Shutdown();
    {
        std::unique_lock lock(impl.mu);
        impl.cv.wait(lock, [&] { return impl.prefetches.running.load() == 0; });
    }
    {
        std::unique_lock lock(impl.mu);
        impl.cv.wait_for(lock, std::chrono::milliseconds(500), [&] { return impl.connections.load() == 0; });
    }
    for (auto& unit : impl.units) {
        unit->guard.reset();
        unit->io.stop();
    }
    for (auto& t : impl.threads) {
        if (t.joinable()) t.join();
    }
    // The posted close in step 1 may never have run if io.stop() came first: close the
    // acceptors here too (the I/O threads are gone), so the port is free when Stop returns.
    for (auto& unit : impl.units) {
        ErrorCode ec;
        for (auto& acceptor : unit->acceptors) acceptor->close(ec);
    }
    {
        std::lock_guard lock(impl.mu);
        impl.state = Impl::State::kStopped;
    }
    impl.cv.notify_all();
}

void Server::Wait() {
    std::unique_lock lock(impl_->mu);
    impl_->cv.wait(lock, [&] { return impl_->state == Impl::State::kStopped; });
}

}  // namespace bia::http
