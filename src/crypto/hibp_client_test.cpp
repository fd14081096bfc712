#include "crypto/hibp_client.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "core/clock.hpp"
#include "crypto/password_policy.hpp"

namespace bia::crypto {
namespace {

using namespace std::chrono_literals;

// A one-connection-at-a-time HTTP/1.1 server on 127.0.0.1 that answers every request with a
// canned response (or, when `silent`, reads the request and never answers).
class LoopbackServer {
  public:
    LoopbackServer(int status, std::string body, bool silent = false)
        : status_(status), body_(std::move(body)), silent_(silent) {
        listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = 0;
        EXPECT_EQ(::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
        EXPECT_EQ(::listen(listener_, 8), 0);
        socklen_t len = sizeof addr;
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        thread_ = std::thread([this] { Serve(); });
    }
    ~LoopbackServer() {
        stop_ = true;
        thread_.join();
        ::close(listener_);
    }

    std::string host() const { return "http://127.0.0.1:" + std::to_string(port_); }
    std::vector<std::string> requests() const {
        std::lock_guard lock(mu_);
        return requests_;
    }

  private:
    void Serve() {
        while (!stop_) {
            pollfd p{listener_, POLLIN, 0};
            if (::poll(&p, 1, 20) <= 0) continue;
            const int fd = ::accept(listener_, nullptr, nullptr);
            if (fd < 0) continue;
            std::string request;
            char buf[4096];
            while (request.find("\r\n\r\n") == std::string::npos) {
                pollfd q{fd, POLLIN, 0};
                if (::poll(&q, 1, 1000) <= 0) break;
                const ssize_t n = ::read(fd, buf, sizeof buf);
                if (n <= 0) break;
                request.append(buf, static_cast<size_t>(n));
            }
            {
                std::lock_guard lock(mu_);
                requests_.push_back(request);
            }
            if (silent_) {
                while (!stop_) std::this_thread::sleep_for(10ms);
            } else {
                const std::string response = "HTTP/1.1 " + std::to_string(status_) +
                                             " X\r\nContent-Length: " + std::to_string(body_.size()) +
                                             "\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n" + body_;
                size_t sent = 0;
                while (sent < response.size()) {
                    const ssize_t n = ::write(fd, response.data() + sent, response.size() - sent);
                    if (n <= 0) break;
                    sent += static_cast<size_t>(n);
                }
            }
            ::close(fd);
        }
    }

    int status_;
    std::string body_;
    bool silent_;
    int listener_ = -1;
    uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::thread thread_;
    mutable std::mutex mu_;
    std::vector<std::string> requests_;
};

TEST(HibpClient, BuildsRangeUrls) {
    EXPECT_EQ(PwnedRangeUrl("api.pwnedpasswords.com", "5BAA6"), "https://api.pwnedpasswords.com/range/5BAA6");
    EXPECT_EQ(PwnedRangeUrl("http://127.0.0.1:8080/", "5BAA6"), "http://127.0.0.1:8080/range/5BAA6");
    EXPECT_EQ(PwnedRangeUrl("https://mirror.example/hibp", "00000"), "https://mirror.example/hibp/range/00000");
}

TEST(HibpClient, FetchesARangeOverHttp) {
    LoopbackServer server(200, "1E4C9B93F3F0682250B6CF8331B7EE68FD8:10434004\r\n0018A45C4D1DEF81644B54AB7F969B88D65:1");
    HibpClient client;
    auto r = client.FetchRange(server.host(), "5BAA6");
    ASSERT_TRUE(r) << r.error().reason;
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "1E4C9B93F3F0682250B6CF8331B7EE68FD8:10434004\r\n0018A45C4D1DEF81644B54AB7F969B88D65:1");
    auto requests = server.requests();
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].rfind("GET /range/5BAA6 HTTP/1.1\r\n", 0), 0u) << requests[0];
    EXPECT_NE(requests[0].find("User-Agent: bia-password-policy"), std::string::npos) << requests[0];
}

TEST(HibpClient, NonOkStatusIsAValueNotAnError) {
    LoopbackServer server(503, "busy");
    auto r = HibpClient().FetchRange(server.host(), "5BAA6");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 503);
}

TEST(HibpClient, RefusedConnectionIsAnError) {
    // Reserve a port, then free it: nothing listens there.
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    auto r = HibpClient().FetchRange("http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)), "5BAA6");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, 502);
    EXPECT_FALSE(r.error().reason.empty());
}

TEST(HibpClient, SilentServerTimesOut) {
    LoopbackServer server(200, "", /*silent=*/true);
    HibpClient client({.connect_timeout = 1000ms, .total_timeout = 300ms});
    const auto start = std::chrono::steady_clock::now();
    auto r = client.FetchRange(server.host(), "5BAA6");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, 502);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

TEST(HibpClient, OversizedBodyIsAnError) {
    LoopbackServer server(200, std::string(5000, 'A'));
    auto r = HibpClient({.max_body_bytes = 1000}).FetchRange(server.host(), "5BAA6");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, 502);
}

TEST(HibpClient, RejectsAnythingButFiveHexDigits) {
    HibpClient client;
    EXPECT_EQ(client.FetchRange("http://127.0.0.1:9", "5BAA").error().code, 400);
    EXPECT_EQ(client.FetchRange("http://127.0.0.1:9", "5BAA6/../x").error().code, 400);
    EXPECT_EQ(client.FetchRange("http://127.0.0.1:9", "5BAG6").error().code, 400);
}

// The policy with the real client end to end: "password" is reported breached by the server.
TEST(HibpClient, PolicyRejectsABreachedPasswordServedOverLoopback) {
    LoopbackServer server(200, "1E4C9B93F3F0682250B6CF8331B7EE68FD8:42\r\n");
    HibpClient client;
    core::FakeClock clock;
    PasswordPolicy policy({.hibp_host = server.host()}, client, clock);
    auto r = policy.Check("password", {"someone@example.org"});
    ASSERT_TRUE(r) << r.error().reason;
    ASSERT_TRUE(r->has_value());
    EXPECT_EQ((*r)->rule, PasswordViolation::Rule::kBreached);
    EXPECT_EQ((*r)->context["breaches"], 42);
    // Cached: a second check makes no request.
    ASSERT_TRUE(policy.Check("password", {"someone@example.org"}));
    EXPECT_EQ(server.requests().size(), 1u);
}

TEST(HibpClient, PolicyReportsAnUnreachableServiceWhenAskedTo) {
    LoopbackServer server(500, "oops");
    HibpClient client;
    core::FakeClock clock;
    PasswordPolicy strict({.hibp_host = server.host(), .ignore_network_errors = false}, client, clock);
    auto r = strict.Check("correct horse battery staple", {});
    ASSERT_TRUE(r && r->has_value());
    EXPECT_EQ((*r)->reason, "unexpected status code: 500");
    PasswordPolicy lenient({.hibp_host = server.host()}, client, clock);
    EXPECT_FALSE(lenient.Check("correct horse battery staple", {})->has_value());
}

}  // namespace
}  // namespace bia::crypto
