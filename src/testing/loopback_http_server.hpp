// Test double: a real HTTP/1.1 peer on loopback for the outbound HTTP client and its users.
// Test-only (header-only; needs GoogleTest for its EXPECTs).
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace bia::testing {

// A loopback port nothing listens on (reserved, then freed): connecting to it is refused.
inline int UnusedLoopbackPort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

// A one-connection-at-a-time HTTP/1.1 server on 127.0.0.1 that answers every request with a
// canned response (or, when `silent`, reads the request and never answers). `extra_headers` are
// added to the answer as given ("Name: value\r\n" lines).
class LoopbackServer {
  public:
    LoopbackServer(int status, std::string body, bool silent = false, std::string extra_headers = "")
        : status_(status), body_(std::move(body)), silent_(silent), extra_headers_(std::move(extra_headers)) {
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
                while (!stop_) std::this_thread::sleep_for(std::chrono::milliseconds(10));
            } else {
                const std::string response =
                    "HTTP/1.1 " + std::to_string(status_) + " X\r\nContent-Length: " + std::to_string(body_.size()) +
                    "\r\nContent-Type: text/plain\r\nConnection: close\r\n" + extra_headers_ + "\r\n" + body_;
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
    std::string extra_headers_;
    int listener_ = -1;
    uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::thread thread_;
    mutable std::mutex mu_;
    std::vector<std::string> requests_;
};

}  // namespace bia::testing
