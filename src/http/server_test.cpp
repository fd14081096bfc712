// Loopback tests: a real Server on 127.0.0.1, port 0, driven by a raw POSIX socket client so
// malformed and pipelined input can be written byte for byte.
#include "http/server.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <future>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace bia::http {
namespace {

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

// One answer body shared by every request of the /shared route, as a cache shares its entries.
const std::shared_ptr<const std::string>& SharedAnswer() {
    static const auto body = std::make_shared<const std::string>(R"({"shared":"answer"})");
    return body;
}

struct WireResponse {
    int status = 0;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;

    std::optional<std::string> Header(std::string_view name) const {
        for (const auto& [n, v] : headers) {
            if (n.size() == name.size() && std::equal(n.begin(), n.end(), name.begin(), [](char a, char b) {
                    return std::tolower(a) == std::tolower(b);
                })) {
                return v;
            }
        }
        return std::nullopt;
    }
    nlohmann::json Json() const { return nlohmann::json::parse(body, nullptr, false); }
};

class Client {
  public:
    explicit Client(uint16_t port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
        int one = 1;
        ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    ~Client() {
        if (fd_ >= 0) ::close(fd_);
    }
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    bool connected() const { return connected_; }

    bool Send(std::string_view data) {
        while (!data.empty()) {
            ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return false;
            data.remove_prefix(static_cast<size_t>(n));
        }
        return true;
    }

    // One response; nullopt on close/timeout/garbage. `head` = response to a HEAD request.
    std::optional<WireResponse> Read(bool head = false, std::chrono::milliseconds timeout = 5000ms) {
        const auto deadline = SteadyClock::now() + timeout;
        size_t end;
        while ((end = buf_.find("\r\n\r\n")) == std::string::npos) {
            if (!Fill(deadline)) return std::nullopt;
        }
        WireResponse r;
        std::string head_block = buf_.substr(0, end);
        buf_.erase(0, end + 4);
        std::istringstream lines(head_block);
        std::string line;
        std::getline(lines, line);
        if (line.rfind("HTTP/1.", 0) != 0 || line.size() < 12) return std::nullopt;
        r.status = std::stoi(line.substr(9, 3));
        while (std::getline(lines, line)) {
            if (!line.empty() && line.back() == '\r') line.pop_back();
            size_t colon = line.find(':');
            if (colon == std::string::npos) return std::nullopt;
            std::string value = line.substr(colon + 1);
            if (!value.empty() && value.front() == ' ') value.erase(0, 1);
            r.headers.emplace_back(line.substr(0, colon), value);
        }
        if (r.status < 200) return r;  // interim (100 Continue)
        size_t length = 0;
        if (auto cl = r.Header("Content-Length")) length = std::stoul(*cl);
        if (head || r.status == 204 || r.status == 304) length = 0;
        while (buf_.size() < length) {
            if (!Fill(deadline)) return std::nullopt;
        }
        r.body = buf_.substr(0, length);
        buf_.erase(0, length);
        return r;
    }

    // True when the server closes the connection (EOF or reset) within `timeout`.
    bool WaitClosed(std::chrono::milliseconds timeout = 5000ms) {
        const auto deadline = SteadyClock::now() + timeout;
        for (;;) {
            int rc = WaitReadable(deadline);
            if (rc <= 0) return false;
            char tmp[4096];
            ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
            if (n == 0) return true;
            if (n < 0) return errno == ECONNRESET;
        }
    }

    const std::string& pending() const { return buf_; }

  private:
    int WaitReadable(SteadyClock::time_point deadline) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now()).count();
        if (left <= 0) return 0;
        pollfd p{fd_, POLLIN, 0};
        return ::poll(&p, 1, static_cast<int>(left));
    }
    bool Fill(SteadyClock::time_point deadline) {
        if (WaitReadable(deadline) <= 0) return false;
        char tmp[16384];
        ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
        if (n <= 0) return false;
        buf_.append(tmp, static_cast<size_t>(n));
        return true;
    }

    int fd_ = -1;
    bool connected_ = false;
    std::string buf_;
};

std::string Get(std::string_view target, std::string_view extra_headers = "") {
    return "GET " + std::string(target) + " HTTP/1.1\r\nHost: localhost\r\n" + std::string(extra_headers) + "\r\n";
}

std::string Post(std::string_view target, std::string_view body, std::string_view content_type = "application/json") {
    return "POST " + std::string(target) +
           " HTTP/1.1\r\nHost: localhost\r\nContent-Type: " + std::string(content_type) +
           "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
}

// A latch the tests use to hold a handler on a worker until released.
struct Gate {
    std::promise<void> started;
    std::promise<void> release;
    std::shared_future<void> release_f = release.get_future().share();
    std::atomic<bool> started_once{false};
};

class ServerTest : public ::testing::Test {
  protected:
    void SetUp() override {
        router_.Add("GET", "/hello", [](Request&) { return Response::Json(200, {{"hello", "world"}}); });
        router_.Add("POST", "/echo/{name}", [](Request& req) {
            nlohmann::json j;
            j["name"] = req.Param("name");
            j["body"] = req.body;
            j["q"] = std::string(req.query.Get("q").value_or(""));
            j["json"] = req.IsJsonRequest();
            j["cookie"] = req.Cookie("c").value_or("");
            j["remote"] = req.remote_addr;
            return Response::Json(201, j);
        });
        router_.Add("GET", "/n/{i}", [](Request& req) {
            Response r = Response::RawJson(200, "{\"i\":" + std::string(req.Param("i")) + "}");
            return r;
        });
        router_.Add("GET", "/throw", [](Request&) -> Response { throw std::runtime_error("boom"); });
        router_.Add("GET", "/thread", [](Request&) {
            std::ostringstream os;
            os << std::this_thread::get_id();
            return Response::Json(200, {{"thread", os.str()}});
        });
        router_.Add(
            "GET", "/offload/thread",
            [](Request&) {
                std::ostringstream os;
                os << std::this_thread::get_id();
                return Response::Json(200, {{"thread", os.str()}});
            },
            Execution::kOffload);
        router_.Add(
            "POST", "/offload/slow",
            [this](Request& req) {
                if (!gate_.started_once.exchange(true)) gate_.started.set_value();
                gate_.release_f.wait();
                return Response::Json(200, {{"done", req.body}});
            },
            Execution::kOffload);
        router_.Add(
            "GET", "/offload/throw", [](Request&) -> Response { throw std::logic_error("offload boom"); },
            Execution::kOffload);
        router_.Add("GET", "/inject", [](Request&) {
            Response r = Response::Json(200, {{"ok", true}});
            r.AddHeader("X-Bad", "a\r\nSet-Cookie: evil=1");
            r.AddHeader("X-Good", "fine");
            r.AddHeader("Content-Length", "9999");
            return r;
        });
        router_.Add("GET", "/cache", [](Request&) {
            Response r = Response::Json(200, nlohmann::json::object());
            r.SetHeader("Cache-Control", "max-age=5");
            return r;
        });
        router_.Add("GET", "/shared", [](Request&) { return Response::RawJson(200, SharedAnswer()); });
        router_.Add("GET", "/big/{n}", [](Request& req) {
            // n KiB of one letter: answers larger and smaller than the buffer a connection keeps.
            const size_t kib = std::stoul(std::string(req.Param("n")));
            return Response::RawJson(200, "\"" + std::string(kib * 1024, 'b') + "\"");
        });
        router_.Add("GET", "/bad-status", [](Request&) {
            Response r;
            r.status = 42;
            return r;
        });
    }

    void TearDown() override {
        try {
            gate_.release.set_value();
        } catch (const std::future_error&) {}
        if (server_) server_->Stop(2000ms);
    }

    ServerOptions Options() {
        ServerOptions o;
        Listener l;
        l.name = "public";
        l.router = &router_;
        l.default_headers = {{"Cache-Control", "private, no-cache, no-store, must-revalidate"}};
        o.listeners.push_back(l);
        o.io_threads = 1;
        o.worker_threads = 2;
        o.log_requests = false;
        return o;
    }

    void StartServer(ServerOptions o) {
        server_ = std::make_unique<Server>(std::move(o));
        auto st = server_->Start();
        ASSERT_TRUE(st.ok()) << st.error().reason;
        port_ = server_->BoundPort(0);
        ASSERT_NE(port_, 0);
    }

    Router router_;
    Gate gate_;
    std::unique_ptr<Server> server_;
    uint16_t port_ = 0;
};

TEST_F(ServerTest, GetJsonWithDefaultHeaders) {
    StartServer(Options());
    Client c(port_);
    ASSERT_TRUE(c.connected());
    ASSERT_TRUE(c.Send(Get("/hello")));
    auto r = c.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->Header("Content-Type"), "application/json; charset=utf-8");
    EXPECT_EQ(r->Header("Cache-Control"), "private, no-cache, no-store, must-revalidate");
    EXPECT_TRUE(r->Header("Date").has_value());
    EXPECT_EQ(r->body, R"({"hello":"world"})");
}

TEST_F(ServerTest, HandlerHeaderWinsOverDefaultHeader) {
    StartServer(Options());
    Client c(port_);
    ASSERT_TRUE(c.Send(Get("/cache")));
    auto r = c.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->Header("Cache-Control"), "max-age=5");
    int count = 0;
    for (const auto& h : r->headers) count += h.first == "Cache-Control";
    EXPECT_EQ(count, 1);
}

TEST_F(ServerTest, PostJsonWithParamsQueryAndCookies) {
    StartServer(Options());
    Client c(port_);
    std::string req =
        "POST /echo/al%20ice?q=hi HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        "Cookie: a=1; c=\"cv\"\r\nContent-Length: 13\r\n\r\n{\"x\":\"body\"}\n";
    ASSERT_TRUE(c.Send(req));
    auto r = c.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 201);
    auto j = r->Json();
    EXPECT_EQ(j["name"], "al ice");
    EXPECT_EQ(j["body"], "{\"x\":\"body\"}\n");
    EXPECT_EQ(j["q"], "hi");
    EXPECT_EQ(j["json"], true);
    EXPECT_EQ(j["cookie"], "cv");
    EXPECT_EQ(j["remote"], "127.0.0.1");
}

TEST_F(ServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
    StartServer(Options());
    Client c(port_);
    ASSERT_TRUE(c.Send(Get("/n/1")));
    auto r1 = c.Read();
    ASSERT_TRUE(r1);
    EXPECT_EQ(r1->body, R"({"i":1})");
    ASSERT_TRUE(c.Send(Get("/n/2")));
    auto r2 = c.Read();
    ASSERT_TRUE(r2);
    EXPECT_EQ(r2->body, R"({"i":2})");
    EXPECT_FALSE(r2->Header("Connection").has_value() && *r2->Header("Connection") == "close");
}

TEST_F(ServerTest, AnswersOfEverySizeFollowEachOtherOnOneConnection) {
    // The connection reuses its answer buffer up to 8 KiB and frees a larger one: whatever came
    // before, each answer is exactly its own, and a shared (cached) body goes out unchanged.
    StartServer(Options());
    Client c(port_);
    for (const char* path : {"/big/1", "/n/7", "/big/40", "/shared", "/big/12", "/n/8", "/shared", "/big/17"}) {
        ASSERT_TRUE(c.Send(Get(path))) << path;
        auto r = c.Read();
        ASSERT_TRUE(r) << path;
        EXPECT_EQ(r->status, 200) << path;
        const std::string p(path);
        if (p.rfind("/big/", 0) == 0) {
            EXPECT_EQ(r->body, "\"" + std::string(std::stoul(p.substr(5)) * 1024, 'b') + "\"") << path;
        } else if (p == "/shared") {
            EXPECT_EQ(r->body, *SharedAnswer());
        } else {
            EXPECT_EQ(r->body, "{\"i\":" + p.substr(3) + "}");
        }
    }
    EXPECT_EQ(*SharedAnswer(), R"({"shared":"answer"})") << "writing it out left it as it was";
}

TEST_F(ServerTest, PipelinedRequestsAnsweredInOrder) {
    StartServer(Options());
    Client c(port_);
    std::string batch;
    for (int i = 0; i < 5; ++i) batch += Get("/n/" + std::to_string(i));
    batch += Post("/echo/p", "xyz");
    ASSERT_TRUE(c.Send(batch));
    for (int i = 0; i < 5; ++i) {
        auto r = c.Read();
        ASSERT_TRUE(r) << i;
        EXPECT_EQ(r->body, "{\"i\":" + std::to_string(i) + "}");
    }
    auto last = c.Read();
    ASSERT_TRUE(last);
    EXPECT_EQ(last->Json()["body"], "xyz");
}

TEST_F(ServerTest, ConnectionCloseIsHonoured) {
    StartServer(Options());
    Client c(port_);
    ASSERT_TRUE(c.Send(Get("/hello", "Connection: close\r\n")));
    auto r = c.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->Header("Connection"), "close");
    EXPECT_TRUE(c.WaitClosed());
}

TEST_F(ServerTest, NotFoundAndMethodNotAllowedEnvelopes) {
    StartServer(Options());
    Client c(port_);
    ASSERT_TRUE(c.Send(Get("/missing?secret=1", "X-Request-ID: r-1\r\n")));
    auto r = c.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 404);
    EXPECT_EQ(r->Header("Content-Type"), "application/json");
    EXPECT_EQ(r->Json()["error"]["code"], 404);
    EXPECT_EQ(r->Json()["error"]["request"], "r-1");

    ASSERT_TRUE(c.Send(Post("/hello", "{}")));
    auto r2 = c.Read();
    ASSERT_TRUE(r2);
    EXPECT_EQ(r2->status, 405);
    EXPECT_EQ(r2->Header("Allow"), "GET");
    EXPECT_EQ(r2->Json()["error"]["status"], "Method Not Allowed");
}

TEST_F(ServerTest, HeadSendsHeadersWithoutBody) {
    StartServer(Options());
    Client c(port_);
    ASSERT_TRUE(c.Send("HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto r = c.Read(/*head=*/true);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->Header("Content-Length"), "17");
    // The next response must start right away: no body bytes were sent for HEAD.
    ASSERT_TRUE(c.Send(Get("/n/3")));
    auto r2 = c.Read();
    ASSERT_TRUE(r2);
    EXPECT_EQ(r2->body, R"({"i":3})");
}

TEST_F(ServerTest, BodyOverLimitAnswers413WithEnvelope) {
    auto o = Options();
    o.limits.max_body_bytes = 1024;
    StartServer(o);
    {
        Client c(port_);
        ASSERT_TRUE(c.Send(Post("/echo/x", std::string(4096, 'a'))));
        auto r = c.Read();
        ASSERT_TRUE(r);
        EXPECT_EQ(r->status, 413);
        EXPECT_EQ(r->Header("Content-Type"), "application/json");
        EXPECT_EQ(r->Json()["error"]["code"], 413);
        EXPECT_EQ(r->Header("Connection"), "close");
        EXPECT_TRUE(c.WaitClosed());
    }
    {
        // Chunked bodies are counted as they arrive.
        Client c(port_);
        std::string chunk(800, 'b');
        std::string req = "POST /echo/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
        req += "320\r\n" + chunk + "\r\n320\r\n" + chunk + "\r\n0\r\n\r\n";
        ASSERT_TRUE(c.Send(req));
        auto r = c.Read();
        ASSERT_TRUE(r);
        EXPECT_EQ(r->status, 413);
    }
    {
        // At the limit is fine.
        Client c(port_);
        ASSERT_TRUE(c.Send(Post("/echo/x", std::string(1024, 'c'))));
        auto r = c.Read();
        ASSERT_TRUE(r);
        EXPECT_EQ(r->status, 201);
    }
}

TEST_F(ServerTest, HugeHeadersAnswer431AndClose) {
    auto o = Options();
    o.limits.max_header_bytes = 2048;
    StartServer(o);
    Client c(port_);
    ASSERT_TRUE(c.Send(Get("/hello", "X-Big: " + std::string(4096, 'h') + "\r\n")));
    auto r = c.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 431);
    EXPECT_EQ(r->Json()["error"]["code"], 431);
    EXPECT_TRUE(c.WaitClosed());

    Client ok(port_);
    ASSERT_TRUE(ok.Send(Get("/hello", "X-Small: " + std::string(512, 'h') + "\r\n")));
    auto r2 = ok.Read();
    ASSERT_TRUE(r2);
    EXPECT_EQ(r2->status, 200);
}

TEST_F(ServerTest, ManyTinyHeaderFieldsCountTowardsTheHeaderLimit) {
    // 10,000 × "a: b" (60 KB) used to slip past Beast's per-step header_limit and get a 200.
    StartServer(Options());
    std::string fields;
    for (int i = 0; i < 10000; ++i) fields += "a: b\r\n";
    Client c(port_);
    ASSERT_TRUE(c.Send(Get("/hello", fields)));
    auto r = c.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 431);
    EXPECT_EQ(r->Json()["error"]["code"], 431);
    EXPECT_EQ(r->Json()["error"]["message"], "The request header fields are too large");
    EXPECT_TRUE(c.WaitClosed());
}

TEST_F(ServerTest, TransferEncodingWithoutFinalChunkedIsRefusedNotSmuggled) {
    // The body of such a request must not be parsed as a second, pipelined request.
    StartServer(Options());
    Client c(port_);
    ASSERT_TRUE(
        c.Send("POST /echo/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n"
               "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto r = c.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400);
    EXPECT_EQ(r->Json()["error"]["code"], 400);
    EXPECT_TRUE(c.WaitClosed());
}

TEST_F(ServerTest, MalformedRequestsAnswer400AndServerKeepsServing) {
    StartServer(Options());
    const std::vector<std::string> bad = {
        "GET /x HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
        "GET /x HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
        std::string("GET /x HTTP/1.1\r\nHost: x\r\nX-Nul: a\0b\r\n\r\n", 39),
        "G@T /x HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /x HTTP/9.9\r\nHost: x\r\n\r\n",
        "GET /x HTTP/1.1\r\nBad Header: x\r\n\r\n",
    };
    for (const auto& raw : bad) {
        Client c(port_);
        ASSERT_TRUE(c.Send(raw));
        auto r = c.Read();
        ASSERT_TRUE(r) << raw;
        EXPECT_EQ(r->status, 400) << raw;
        EXPECT_EQ(r->Json()["error"]["code"], 400) << raw;
        EXPECT_TRUE(c.WaitClosed()) << raw;
    }
    Client c(port_);
    ASSERT_TRUE(c.Send(Get("/hello")));
    auto r = c.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
}

TEST_F(ServerTest, HandlerExceptionBecomes500AndConnectionSurvives) {
    StartServer(Options());
    Client c(port_);
    ASSERT_TRUE(c.Send(Get("/throw", "X-Request-ID: rid-9\r\n")));
    auto r = c.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 500);
    auto j = r->Json();
    EXPECT_EQ(j["error"]["code"], 500);
    EXPECT_EQ(j["error"]["request"], "rid-9");
    EXPECT_EQ(j["error"]["message"], "An internal server error occurred, please contact the system administrator");
    EXPECT_EQ(r->body.find("boom"), std::string::npos) << "exception text must not leak";

    ASSERT_TRUE(c.Send(Get("/offload/throw")));
    auto r2 = c.Read();
    ASSERT_TRUE(r2);
    EXPECT_EQ(r2->status, 500);

    ASSERT_TRUE(c.Send(Get("/hello")));
    auto r3 = c.Read();
    ASSERT_TRUE(r3);
    EXPECT_EQ(r3->status, 200);
}

TEST_F(ServerTest, InvalidResponseHeadersAndStatusAreNeutralised) {
    StartServer(Options());
    Client c(port_);
    ASSERT_TRUE(c.Send(Get("/inject")));
    auto r = c.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_FALSE(r->Header("X-Bad").has_value());
    EXPECT_FALSE(r->Header("Set-Cookie").has_value());
    EXPECT_EQ(r->Header("X-Good"), "fine");
    EXPECT_EQ(r->Header("Content-Length"), std::to_string(r->body.size()));

    ASSERT_TRUE(c.Send(Get("/bad-status")));
    auto r2 = c.Read();
    ASSERT_TRUE(r2);
    EXPECT_EQ(r2->status, 500);
}

TEST_F(ServerTest, OffloadRunsOffTheIoThread) {
    StartServer(Options());
    Client c(port_);
    ASSERT_TRUE(c.Send(Get("/thread")));
    auto inline_r = c.Read();
    ASSERT_TRUE(c.Send(Get("/offload/thread")));
    auto offload_r = c.Read();
    ASSERT_TRUE(inline_r && offload_r);
    EXPECT_EQ(offload_r->status, 200);
    EXPECT_NE(inline_r->Json()["thread"], offload_r->Json()["thread"]);
    // The connection continues on its I/O thread afterwards.
    ASSERT_TRUE(c.Send(Get("/thread")));
    auto again = c.Read();
    ASSERT_TRUE(again);
    EXPECT_EQ(again->Json()["thread"], inline_r->Json()["thread"]);
}

// offload_every_route (set on PostgreSQL): an inline route runs on the pool too, and two inline
// requests that wait at once do not hold each other up on the single I/O thread.
TEST_F(ServerTest, OffloadEveryRouteRunsInlineRoutesOnThePool) {
    std::mutex mu;
    std::condition_variable cv;
    int inside = 0;
    router_.Add("GET", "/inline/rendezvous", [&](Request&) {
        std::ostringstream os;
        os << std::this_thread::get_id();
        std::unique_lock lock(mu);
        ++inside;
        cv.notify_all();
        const bool met = cv.wait_for(lock, 10s, [&] { return inside >= 2; });
        return Response::Json(200, {{"met", met}, {"thread", os.str()}});
    });
    auto o = Options();
    o.offload_every_route = true;
    StartServer(o);
    Client first(port_), second(port_);
    ASSERT_TRUE(first.Send(Get("/inline/rendezvous")));
    ASSERT_TRUE(second.Send(Get("/inline/rendezvous")));
    auto a = first.Read(false, 15000ms);
    auto b = second.Read(false, 15000ms);
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->Json()["met"], true) << "both inline handlers were running together";
    EXPECT_EQ(b->Json()["met"], true);
    EXPECT_NE(a->Json()["thread"], b->Json()["thread"]);
}

// The default pool runs at least 16 handlers at once, whatever the core count: offloaded handlers
// mostly wait (for a commit, a hash), and with one thread per core two password changes waiting for
// bcrypt held up every other write.
TEST_F(ServerTest, TheDefaultPoolRunsSixteenWaitingHandlersAtOnce) {
    constexpr int kAtOnce = 16;
    EXPECT_GE(DefaultWorkerThreads(), unsigned{kAtOnce});
    EXPECT_LE(DefaultWorkerThreads(), 64u);
    std::mutex mu;
    std::condition_variable cv;
    int inside = 0;
    router_.Add(
        "GET", "/offload/rendezvous",
        [&](Request&) {
            std::unique_lock lock(mu);
            ++inside;
            cv.notify_all();
            const bool met = cv.wait_for(lock, 20s, [&] { return inside >= kAtOnce; });
            return Response::Json(200, {{"met", met}});
        },
        Execution::kOffload);
    auto o = Options();
    o.worker_threads = 0;
    StartServer(o);
    std::vector<std::unique_ptr<Client>> clients;
    for (int i = 0; i < kAtOnce; ++i) {
        clients.push_back(std::make_unique<Client>(port_));
        ASSERT_TRUE(clients.back()->Send(Get("/offload/rendezvous")));
    }
    for (auto& c : clients) {
        auto r = c->Read(false, 30000ms);
        ASSERT_TRUE(r);
        EXPECT_EQ(r->status, 200);
        EXPECT_EQ(r->Json()["met"], true) << "all " << kAtOnce << " handlers were running together";
    }
}

TEST_F(ServerTest, SaturatedPoolAnswers503Immediately) {
    auto o = Options();
    o.worker_threads = 1;
    o.worker_queue_limit = 0;
    StartServer(o);
    Client slow(port_);
    ASSERT_TRUE(slow.Send(Post("/offload/slow", "first")));
    ASSERT_EQ(gate_.started.get_future().wait_for(5s), std::future_status::ready);

    Client busy(port_);
    auto t0 = SteadyClock::now();
    ASSERT_TRUE(busy.Send(Get("/offload/thread")));
    auto r = busy.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 503);
    EXPECT_EQ(r->Json()["error"]["code"], 503);
    EXPECT_LT(SteadyClock::now() - t0, 2s);

    // Inline routes are unaffected by a busy pool.
    ASSERT_TRUE(busy.Send(Get("/hello")));
    auto h = busy.Read();
    ASSERT_TRUE(h);
    EXPECT_EQ(h->status, 200);

    gate_.release.set_value();
    auto done = slow.Read();
    ASSERT_TRUE(done);
    EXPECT_EQ(done->status, 200);
    EXPECT_EQ(done->Json()["done"], "first");

    // The worker frees its slot when its task returns, just after it has handed over the answer: a
    // request right after that answer may still find the pool full. It is admitted again at once.
    int status = 0;
    for (auto until = SteadyClock::now() + 2s; status != 200 && SteadyClock::now() < until;) {
        ASSERT_TRUE(busy.Send(Get("/offload/thread")));
        auto after = busy.Read();
        ASSERT_TRUE(after);
        status = after->status;
        if (status != 200) std::this_thread::sleep_for(1ms);
    }
    EXPECT_EQ(status, 200);
}

TEST_F(ServerTest, SlowLorisConnectionIsClosed) {
    auto o = Options();
    o.limits.read_timeout = 300ms;
    StartServer(o);
    Client c(port_);
    ASSERT_TRUE(c.Send("GET /hello HTTP/1.1\r\nHost: x\r\nX-Slow: "));
    auto t0 = SteadyClock::now();
    EXPECT_TRUE(c.WaitClosed(3000ms));
    EXPECT_LT(SteadyClock::now() - t0, 2500ms);

    Client silent(port_);  // connects and never sends
    EXPECT_TRUE(silent.WaitClosed(3000ms));
}

TEST_F(ServerTest, IdleKeepAliveConnectionTimesOut) {
    auto o = Options();
    o.limits.idle_timeout = 300ms;
    StartServer(o);
    Client c(port_);
    ASSERT_TRUE(c.Send(Get("/hello")));
    ASSERT_TRUE(c.Read());
    EXPECT_TRUE(c.WaitClosed(3000ms));
}

TEST_F(ServerTest, ExpectContinueGetsInterimResponse) {
    StartServer(Options());
    Client c(port_);
    ASSERT_TRUE(c.Send("POST /echo/e HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n"));
    auto interim = c.Read();
    ASSERT_TRUE(interim);
    EXPECT_EQ(interim->status, 100);
    ASSERT_TRUE(c.Send("data"));
    auto r = c.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 201);
    EXPECT_EQ(r->Json()["body"], "data");
}

TEST_F(ServerTest, GracefulStopLetsInFlightOffloadFinish) {
    StartServer(Options());
    Client idle(port_);
    ASSERT_TRUE(idle.Send(Get("/hello")));
    ASSERT_TRUE(idle.Read());

    Client slow(port_);
    ASSERT_TRUE(slow.Send(Post("/offload/slow", "inflight")));
    ASSERT_EQ(gate_.started.get_future().wait_for(5s), std::future_status::ready);

    auto stopper = std::async(std::launch::async, [this] { server_->Stop(10s); });
    // Idle keep-alive connections are closed at once; the busy one is not.
    EXPECT_TRUE(idle.WaitClosed(3000ms));
    EXPECT_EQ(stopper.wait_for(200ms), std::future_status::timeout);
    // New connections are refused (or closed without an answer) once stopping.
    {
        Client late(port_);
        if (late.connected()) {
            late.Send(Get("/hello"));
            EXPECT_FALSE(late.Read(false, 1000ms).has_value());
        }
    }

    gate_.release.set_value();
    auto r = slow.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->Json()["done"], "inflight");
    EXPECT_EQ(r->Header("Connection"), "close");
    EXPECT_EQ(stopper.wait_for(5s), std::future_status::ready);
    server_->Wait();  // returns once stopped
}

TEST_F(ServerTest, StopAfterGraceClosesStuckRequests) {
    StartServer(Options());
    Client slow(port_);
    ASSERT_TRUE(slow.Send(Post("/offload/slow", "stuck")));
    ASSERT_EQ(gate_.started.get_future().wait_for(5s), std::future_status::ready);
    auto stopper = std::async(std::launch::async, [this] { server_->Stop(200ms); });
    // The connection is force-closed after the grace period, before the handler finishes...
    EXPECT_TRUE(slow.WaitClosed(3000ms));
    // ...and Stop then waits for the running handler (it cannot be interrupted).
    EXPECT_EQ(stopper.wait_for(100ms), std::future_status::timeout);
    gate_.release.set_value();
    EXPECT_EQ(stopper.wait_for(5s), std::future_status::ready);
}

// ---------------------------------------------------------------- prefetch (router.hpp)

std::string ThisThread() {
    std::ostringstream os;
    os << std::this_thread::get_id();
    return os.str();
}

// A prefetch whose read runs on a thread of its own and can be held until released: what a
// PostgreSQL stamp read through the batcher looks like to the server.
struct HeldRead {
    struct State {
        std::string mode;
        std::string value;  // set by the read
    };
    std::mutex mu;
    std::condition_variable cv;
    bool hold = false;
    int started = 0;
    std::vector<std::thread> readers;

    Prefetch Make() {
        return Prefetch{
            [this](Request& r, std::function<void()> done) {
                auto state = std::make_shared<State>();
                state->mode = std::string(r.Param("mode"));
                if (state->mode == "none") return false;
                if (state->mode == "throw") throw std::runtime_error("start failed");
                r.prefetched = state;
                std::lock_guard lock(mu);
                ++started;
                cv.notify_all();
                readers.emplace_back([this, state, done = std::move(done)] {
                    {
                        std::unique_lock lock(mu);
                        cv.wait(lock, [&] { return !hold; });
                    }
                    state->value = "read on " + ThisThread();
                    done();
                });
                return true;
            },
            [](Request& r) -> std::optional<Response> {
                auto state = std::any_cast<std::shared_ptr<State>>(r.prefetched);
                if (state->mode == "answer-throws") throw std::runtime_error("answer failed");
                if (state->mode != "answer") return std::nullopt;
                return Response::Json(200, {{"by", "answer"}, {"thread", ThisThread()}, {"read", state->value}});
            }};
    }
    void WaitStarted(int n) {
        std::unique_lock lock(mu);
        cv.wait_for(lock, 5s, [&] { return started >= n; });
    }
    void Release() {
        std::lock_guard lock(mu);
        hold = false;
        cv.notify_all();
    }
    ~HeldRead() {
        Release();
        for (auto& t : readers) t.join();
    }
};

class PrefetchTest : public ServerTest {
  protected:
    void SetUp() override {
        ServerTest::SetUp();
        router_.Add("GET", "/pre/{mode}", [](Request& r) {
            auto* state = std::any_cast<std::shared_ptr<HeldRead::State>>(&r.prefetched);
            return Response::Json(200, {{"by", "handler"},
                                        {"thread", ThisThread()},
                                        {"read", state != nullptr ? (*state)->value : "nothing"}});
        });
        router_.SetPrefetch("/pre/{mode}", read_.Make());
    }
    void TearDown() override {
        read_.Release();
        ServerTest::TearDown();
    }
    std::optional<WireResponse> Fetch(Client& c, std::string_view target) {
        if (!c.Send(Get(target))) return std::nullopt;
        return c.Read();
    }

    HeldRead read_;
};

// A prefetch's answer is written from its I/O thread, the read having run elsewhere; an answer
// step that answers nothing hands the request, with what was read, to the handler (on the pool
// here, as on PostgreSQL); a prefetch that starts nothing, or throws before it starts, leaves the
// request to the handler alone; an answer step that throws is a 500 envelope.
TEST_F(PrefetchTest, TheAnswerComesFromTheIoThreadOrTheHandlerRunsWithWhatWasRead) {
    auto o = Options();
    o.offload_every_route = true;
    StartServer(o);
    Client c(port_);
    // The I/O thread's id, seen by a prefetch's answer: the pool's differ.
    auto answered = Fetch(c, "/pre/answer");
    ASSERT_TRUE(answered);
    EXPECT_EQ(answered->status, 200);
    EXPECT_EQ(answered->Json()["by"], "answer");
    const std::string io_thread = answered->Json()["thread"];
    EXPECT_NE(answered->Json()["read"], "read on " + io_thread);
    EXPECT_EQ(answered->Header("Cache-Control"), "private, no-cache, no-store, must-revalidate");

    auto handed = Fetch(c, "/pre/handler");
    ASSERT_TRUE(handed);
    EXPECT_EQ(handed->Json()["by"], "handler");
    EXPECT_NE(handed->Json()["thread"], io_thread);
    EXPECT_EQ(std::string(handed->Json()["read"]).rfind("read on ", 0), 0u);

    for (std::string_view mode : {"none", "throw"}) {
        auto plain = Fetch(c, "/pre/" + std::string(mode));
        ASSERT_TRUE(plain) << mode;
        EXPECT_EQ(plain->Json()["by"], "handler");
        EXPECT_EQ(plain->Json()["read"], "nothing");
    }

    auto failed = Fetch(c, "/pre/answer-throws");
    ASSERT_TRUE(failed);
    EXPECT_EQ(failed->status, 500);
    EXPECT_EQ(failed->Json()["error"]["code"], 500);
    // The connection goes on.
    auto again = Fetch(c, "/pre/answer");
    ASSERT_TRUE(again);
    EXPECT_EQ(again->Json()["thread"], io_thread);
}

// No thread waits for a prefetch: while one read is held, the single I/O thread serves other
// connections, and the held request is answered when its read ends.
TEST_F(PrefetchTest, AHeldReadLeavesTheIoThreadFreeForOtherConnections) {
    read_.hold = true;
    StartServer(Options());
    Client held(port_), other(port_);
    ASSERT_TRUE(held.Send(Get("/pre/answer")));
    read_.WaitStarted(1);
    auto hello = Fetch(other, "/hello");
    ASSERT_TRUE(hello);
    EXPECT_EQ(hello->status, 200);
    EXPECT_FALSE(held.Read(false, 100ms).has_value());
    read_.Release();
    auto r = held.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->Json()["by"], "answer");
}

// Stop waits for a prefetch that has not ended (like an offloaded handler, it cannot be
// interrupted), even past the grace period, and then returns.
TEST_F(PrefetchTest, StopWaitsForAReadThatHasNotEnded) {
    read_.hold = true;
    StartServer(Options());
    Client held(port_);
    ASSERT_TRUE(held.Send(Get("/pre/answer")));
    read_.WaitStarted(1);
    auto stopper = std::async(std::launch::async, [this] { server_->Stop(100ms); });
    EXPECT_EQ(stopper.wait_for(500ms), std::future_status::timeout);
    read_.Release();
    EXPECT_EQ(stopper.wait_for(5s), std::future_status::ready);
}

TEST_F(ServerTest, WaitBlocksUntilStop) {
    StartServer(Options());
    auto waiter = std::async(std::launch::async, [this] { server_->Wait(); });
    EXPECT_EQ(waiter.wait_for(100ms), std::future_status::timeout);
    server_->Stop(1s);
    EXPECT_EQ(waiter.wait_for(5s), std::future_status::ready);
}

TEST_F(ServerTest, SeveralIoThreadsAndListenersShareTheWork) {
    Router admin;
    admin.Add("GET", "/admin/x", [](Request&) { return Response::Json(200, {{"admin", true}}); });
    auto o = Options();
    o.io_threads = 3;
    Listener al;
    al.name = "admin";
    al.router = &admin;
    o.listeners.push_back(al);
    StartServer(o);
    uint16_t admin_port = server_->BoundPort(1);
    ASSERT_NE(admin_port, 0);
    ASSERT_NE(admin_port, port_);
    EXPECT_EQ(server_->BoundPort(7), 0);

    std::vector<std::unique_ptr<Client>> clients;
    for (int i = 0; i < 24; ++i) clients.push_back(std::make_unique<Client>(i % 2 ? admin_port : port_));
    for (size_t i = 0; i < clients.size(); ++i) {
        ASSERT_TRUE(clients[i]->Send(Get(i % 2 ? "/admin/x" : "/hello")));
    }
    for (size_t i = 0; i < clients.size(); ++i) {
        auto r = clients[i]->Read();
        ASSERT_TRUE(r) << i;
        EXPECT_EQ(r->status, 200);
        // Default headers are per listener: the admin listener has none.
        EXPECT_EQ(r->Header("Cache-Control").has_value(), i % 2 == 0);
    }
}

TEST(ServerStart, ReportsAddressInUse) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ASSERT_EQ(::listen(fd, 1), 0);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    uint16_t taken = ntohs(addr.sin_port);

    Router router;
    ServerOptions o;
    Listener l;
    l.name = "public";
    l.port = taken;
    l.router = &router;
    o.listeners.push_back(l);
    o.io_threads = 1;
    Server server(o);
    auto st = server.Start();
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.error().reason.find("127.0.0.1:" + std::to_string(taken)), std::string::npos) << st.error().reason;
    EXPECT_NE(st.error().reason.find("public"), std::string::npos);
    ::close(fd);
}

TEST(ServerStart, SecondServerOnTheSamePortFails) {
    Router router;
    ServerOptions o;
    o.listeners.push_back(Listener{.name = "first", .router = &router});
    o.io_threads = 2;
    Server first(o);
    ASSERT_TRUE(first.Start().ok());
    uint16_t port = first.BoundPort(0);

    o.listeners[0].name = "second";
    o.listeners[0].port = port;
    Server second(o);
    auto st = second.Start();
    ASSERT_FALSE(st.ok()) << "SO_REUSEPORT must not let a second server join the port";
    EXPECT_NE(st.error().reason.find(":" + std::to_string(port)), std::string::npos);

    // Once the first one is gone the port can be taken again (restart).
    first.Stop(1s);
    Server third(o);
    auto st3 = third.Start();
    EXPECT_TRUE(st3.ok()) << (st3.ok() ? "" : st3.error().reason);
    EXPECT_EQ(third.BoundPort(0), port);
}

TEST(ServerStart, RejectsMissingRouterAndBadHost) {
    ServerOptions o;
    o.listeners.push_back(Listener{.name = "norouter"});
    Server s(o);
    auto st = s.Start();
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.error().reason.find("norouter"), std::string::npos);

    Router router;
    ServerOptions o2;
    o2.listeners.push_back(Listener{.name = "bad", .host = "no such host.invalid", .router = &router});
    Server s2(o2);
    auto st2 = s2.Start();
    ASSERT_FALSE(st2.ok());
    EXPECT_NE(st2.error().reason.find("no such host.invalid"), std::string::npos);
}

TEST(ServerLog, RequestLogIsJsonWithoutQueryOrSecrets) {
    std::ostringstream out;
    auto previous = spdlog::default_logger();
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
    auto logger = std::make_shared<spdlog::logger>("test", sink);
    logger->set_pattern("%v");
    spdlog::set_default_logger(logger);

    Router router;
    router.Add("GET", "/p/{id}", [](Request&) { return Response::NoContent(); });
    ServerOptions o;
    o.listeners.push_back(Listener{.name = "public", .router = &router});
    o.io_threads = 1;
    o.worker_threads = 1;
    {
        Server server(o);
        ASSERT_TRUE(server.Start().ok());
        Client c(server.BoundPort(0));
        ASSERT_TRUE(c.Send(Get("/p/7?token=SECRET",
                               "Cookie: s=COOKIE\r\nAuthorization: Bearer AUTH\r\n"
                               "X-Request-ID: rq\"1\r\n")));
        auto r = c.Read();
        ASSERT_TRUE(r);
        EXPECT_EQ(r->status, 204);
        EXPECT_FALSE(r->Header("Content-Length").has_value());
        server.Stop(1s);
    }
    spdlog::set_default_logger(previous);

    std::string line;
    std::istringstream lines(out.str());
    bool found = false;
    while (std::getline(lines, line)) {
        auto j = nlohmann::json::parse(line, nullptr, false);
        ASSERT_FALSE(j.is_discarded()) << line;
        if (j.value("msg", "") != "request") continue;
        found = true;
        EXPECT_EQ(j["method"], "GET");
        EXPECT_EQ(j["path"], "/p/7");
        EXPECT_EQ(j["status"], 204);
        EXPECT_EQ(j["listener"], "public");
        EXPECT_EQ(j["request_id"], "rq\"1");
        EXPECT_TRUE(j["duration_us"].is_number_integer());
    }
    EXPECT_TRUE(found) << out.str();
    EXPECT_EQ(out.str().find("SECRET"), std::string::npos);
    EXPECT_EQ(out.str().find("COOKIE"), std::string::npos);
    EXPECT_EQ(out.str().find("AUTH"), std::string::npos);
}

}  // namespace
}  // namespace bia::http
