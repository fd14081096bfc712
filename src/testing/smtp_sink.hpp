// Test double: a real SMTP server on 127.0.0.1 (an ephemeral port) for the courier's sender. It
// speaks EHLO/HELO, AUTH PLAIN and AUTH LOGIN (recording the credentials), MAIL FROM, RCPT TO,
// DATA (with dot-unstuffing), RSET, NOOP and QUIT, one connection at a time on its own thread,
// and keeps what it received. `FailNext(n)` answers 451 to the end of the next n messages' data,
// to test retries. It never offers STARTTLS, so a client that requires it must give up.
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
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/encoding.hpp"

namespace bia::testing {

class SmtpSink {
  public:
    struct Mail {
        std::string helo;  // the EHLO/HELO argument
        std::string from;  // MAIL FROM's address, without <>
        std::vector<std::string> to;
        std::string data;  // as sent, dot-unstuffed, without the final ".\r\n"
        std::string auth_user, auth_password;
    };

    SmtpSink() {
        listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        EXPECT_EQ(::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
        EXPECT_EQ(::listen(listener_, 8), 0);
        socklen_t len = sizeof addr;
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        thread_ = std::thread([this] { Serve(); });
    }
    ~SmtpSink() {
        stop_ = true;
        thread_.join();
        ::close(listener_);
    }
    SmtpSink(const SmtpSink&) = delete;
    SmtpSink& operator=(const SmtpSink&) = delete;

    int port() const { return port_; }
    // smtp://127.0.0.1:<port>/?disable_starttls=true, with "user:password@" when given.
    std::string Uri(const std::string& userinfo = "") const {
        return "smtp://" + (userinfo.empty() ? "" : userinfo + "@") + "127.0.0.1:" + std::to_string(port_) +
               "/?disable_starttls=true";
    }

    void FailNext(int n) { fail_next_ = n; }

    std::vector<Mail> mails() const {
        std::lock_guard lock(mu_);
        return mails_;
    }
    // Waits until at least `n` messages were accepted; false on timeout.
    bool WaitForMails(size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(10)) const {
        std::unique_lock lock(mu_);
        return cv_.wait_for(lock, timeout, [&] { return mails_.size() >= n; });
    }
    // Messages whose data ended with 451 (FailNext), and connections served.
    int rejected() const { return rejected_; }
    int connections() const { return connections_; }

  private:
    // The next CRLF- (or LF-) terminated line; nullopt when the peer went away or on stop.
    std::optional<std::string> ReadLine(int fd, std::string& buffer) {
        for (;;) {
            const size_t nl = buffer.find('\n');
            if (nl != std::string::npos) {
                std::string line = buffer.substr(0, nl);
                buffer.erase(0, nl + 1);
                if (!line.empty() && line.back() == '\r') line.pop_back();
                return line;
            }
            pollfd p{fd, POLLIN, 0};
            const int ready = ::poll(&p, 1, 100);
            if (stop_) return std::nullopt;
            if (ready <= 0) continue;
            char chunk[4096];
            const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
            if (n <= 0) return std::nullopt;
            buffer.append(chunk, static_cast<size_t>(n));
        }
    }
    static void Reply(int fd, const std::string& text) {
        const std::string out = text + "\r\n";
        (void)::send(fd, out.data(), out.size(), MSG_NOSIGNAL);
    }
    static std::string Upper(std::string s) {
        for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        return s;
    }
    static std::string Address(const std::string& arg) {
        const size_t open = arg.find('<'), close = arg.find('>');
        if (open == std::string::npos || close == std::string::npos || close < open) return arg;
        return arg.substr(open + 1, close - open - 1);
    }
    static std::string Decode(const std::string& b64) { return core::Base64Decode(b64).value_or(""); }

    void Serve() {
        while (!stop_) {
            pollfd p{listener_, POLLIN, 0};
            if (::poll(&p, 1, 100) <= 0) continue;
            const int fd = ::accept(listener_, nullptr, nullptr);
            if (fd < 0) continue;
            ++connections_;
            Session(fd);
            ::close(fd);
        }
    }

    void Session(int fd) {
        std::string buffer;
        Mail mail;
        Reply(fd, "220 bia-smtp-sink ready");
        for (;;) {
            auto line = ReadLine(fd, buffer);
            if (!line) return;
            const std::string verb = Upper(line->substr(0, line->find(' ')));
            const std::string arg = line->find(' ') == std::string::npos ? "" : line->substr(line->find(' ') + 1);
            if (verb == "EHLO") {
                mail.helo = arg;
                Reply(fd, "250-bia-smtp-sink");
                Reply(fd, "250-AUTH PLAIN LOGIN");
                Reply(fd, "250-8BITMIME");
                Reply(fd, "250 SIZE 10485760");
            } else if (verb == "HELO") {
                mail.helo = arg;
                Reply(fd, "250 bia-smtp-sink");
            } else if (verb == "AUTH") {
                const std::string mech = Upper(arg.substr(0, arg.find(' ')));
                std::string initial = arg.find(' ') == std::string::npos ? "" : arg.substr(arg.find(' ') + 1);
                if (mech == "PLAIN") {
                    if (initial.empty()) {
                        Reply(fd, "334 ");
                        auto l = ReadLine(fd, buffer);
                        if (!l) return;
                        initial = *l;
                    }
                    const std::string plain = Decode(initial);  // authzid \0 user \0 password
                    const size_t a = plain.find('\0'), b = plain.find('\0', a + 1);
                    if (a != std::string::npos && b != std::string::npos) {
                        mail.auth_user = plain.substr(a + 1, b - a - 1);
                        mail.auth_password = plain.substr(b + 1);
                    }
                } else if (mech == "LOGIN") {
                    if (initial.empty()) {
                        Reply(fd, "334 VXNlcm5hbWU6");
                        auto l = ReadLine(fd, buffer);
                        if (!l) return;
                        initial = *l;
                    }
                    mail.auth_user = Decode(initial);
                    Reply(fd, "334 UGFzc3dvcmQ6");
                    auto l = ReadLine(fd, buffer);
                    if (!l) return;
                    mail.auth_password = Decode(*l);
                } else {
                    Reply(fd, "504 unrecognised authentication type");
                    continue;
                }
                Reply(fd, "235 authenticated");
            } else if (verb == "MAIL") {
                mail.from = Address(arg);
                mail.to.clear();
                Reply(fd, "250 OK");
            } else if (verb == "RCPT") {
                mail.to.push_back(Address(arg));
                Reply(fd, "250 OK");
            } else if (verb == "DATA") {
                Reply(fd, "354 end data with <CR><LF>.<CR><LF>");
                std::string data;
                for (;;) {
                    auto l = ReadLine(fd, buffer);
                    if (!l) return;
                    if (*l == ".") break;
                    data += (l->starts_with(".") ? l->substr(1) : *l) + "\r\n";  // dot-unstuffing
                }
                if (fail_next_ > 0) {
                    --fail_next_;
                    ++rejected_;
                    Reply(fd, "451 try again later");
                    continue;
                }
                mail.data = std::move(data);
                {
                    std::lock_guard lock(mu_);
                    mails_.push_back(mail);
                }
                cv_.notify_all();
                Reply(fd, "250 OK queued");
            } else if (verb == "RSET") {
                mail.from.clear();
                mail.to.clear();
                Reply(fd, "250 OK");
            } else if (verb == "NOOP") {
                Reply(fd, "250 OK");
            } else if (verb == "QUIT") {
                Reply(fd, "221 bye");
                return;
            } else {
                Reply(fd, "502 command not implemented");
            }
        }
    }

    int listener_ = -1;
    int port_ = 0;
    std::atomic<bool> stop_{false};
    std::atomic<int> fail_next_{0};
    std::atomic<int> rejected_{0};
    std::atomic<int> connections_{0};
    mutable std::mutex mu_;
    mutable std::condition_variable cv_;
    std::vector<Mail> mails_;
    std::thread thread_;
};

}  // namespace bia::testing
