#include "fake_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <stdexcept>

namespace bia::client::testing {
namespace {

std::string Lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

std::string Trim(const std::string& text) {
    const auto begin = text.find_first_not_of(" \t");
    if (begin == std::string::npos) return {};
    const auto end = text.find_last_not_of(" \t");
    return text.substr(begin, end - begin + 1);
}

const char* Reason(int status) {
    switch (status) {
        case 200:
            return "OK";
        case 201:
            return "Created";
        case 204:
            return "No Content";
        case 303:
            return "See Other";
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 410:
            return "Gone";
        case 422:
            return "Unprocessable Entity";
        case 500:
            return "Internal Server Error";
        case 503:
            return "Service Unavailable";
        default:
            return "Status";
    }
}

// Parses one complete request from the front of `buffer` (consuming it), if there is one.
std::optional<RecordedRequest> TakeRequest(std::string& buffer) {
    const auto head_end = buffer.find("\r\n\r\n");
    if (head_end == std::string::npos) return std::nullopt;
    const std::string head = buffer.substr(0, head_end);
    RecordedRequest request;
    std::size_t content_length = 0;
    std::size_t line_start = 0;
    bool first = true;
    while (line_start <= head.size()) {
        auto line_end = head.find("\r\n", line_start);
        if (line_end == std::string::npos) line_end = head.size();
        const std::string line = head.substr(line_start, line_end - line_start);
        if (first) {
            const auto sp1 = line.find(' ');
            const auto sp2 = line.find(' ', sp1 + 1);
            request.method = line.substr(0, sp1);
            request.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
            const auto q = request.target.find('?');
            request.path = request.target.substr(0, q);
            request.query = q == std::string::npos ? "" : request.target.substr(q + 1);
            first = false;
        } else if (!line.empty()) {
            const auto colon = line.find(':');
            const std::string name = Lower(line.substr(0, colon));
            const std::string value = colon == std::string::npos ? "" : Trim(line.substr(colon + 1));
            request.headers.emplace(name, value);
            if (name == "content-length") content_length = std::stoul(value);
        }
        line_start = line_end + 2;
    }
    const std::size_t total = head_end + 4 + content_length;
    if (buffer.size() < total) return std::nullopt;
    request.body = buffer.substr(head_end + 4, content_length);
    buffer.erase(0, total);
    return request;
}

void SendAll(int fd, const std::string& data) {
    std::size_t sent = 0;
    while (sent < data.size()) {
        const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) return;
        sent += static_cast<std::size_t>(n);
    }
}

}  // namespace

std::optional<std::string> RecordedRequest::header(const std::string& lower_name) const {
    const auto it = headers.find(lower_name);
    if (it == headers.end()) return std::nullopt;
    return it->second;
}

std::size_t RecordedRequest::header_count(const std::string& lower_name) const { return headers.count(lower_name); }

FakeServer::FakeServer(Handler handler) : handler_(std::move(handler)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listen_fd_ < 0) throw std::runtime_error("socket() failed");
    const int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(listen_fd_, 16) != 0) {
        ::close(listen_fd_);
        throw std::runtime_error("bind/listen failed");
    }
    socklen_t length = sizeof address;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    if (::pipe2(wake_pipe_, O_CLOEXEC) != 0) throw std::runtime_error("pipe2() failed");
    thread_ = std::thread([this] { Run(); });
}

FakeServer::~FakeServer() {
    stop_ = true;
    const char byte = 1;
    (void)!::write(wake_pipe_[1], &byte, 1);
    thread_.join();
    ::close(listen_fd_);
    ::close(wake_pipe_[0]);
    ::close(wake_pipe_[1]);
}

std::string FakeServer::url() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::vector<RecordedRequest> FakeServer::requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
}

RecordedRequest FakeServer::last_request() const {
    std::lock_guard lock(mutex_);
    if (requests_.empty()) throw std::runtime_error("no request received");
    return requests_.back();
}

FakeServer::Handler FakeServer::Always(FakeResponse response) {
    return [response](const RecordedRequest&) { return std::optional<FakeResponse>(response); };
}

void FakeServer::Run() {
    struct Connection {
        int fd;
        std::string buffer;
    };
    std::vector<Connection> connections;
    while (!stop_) {
        std::vector<pollfd> fds;
        fds.push_back({listen_fd_, POLLIN, 0});
        fds.push_back({wake_pipe_[0], POLLIN, 0});
        for (const auto& c : connections) fds.push_back({c.fd, POLLIN, 0});
        if (::poll(fds.data(), fds.size(), 1000) < 0) continue;
        if (stop_) break;
        if (fds[0].revents & POLLIN) {
            const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
            if (fd >= 0) {
                ++accepted_;
                connections.push_back({fd, {}});
            }
        }
        std::vector<int> closed;
        for (std::size_t i = 2; i < fds.size(); ++i) {
            if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            auto& connection = connections[i - 2];
            char chunk[16384];
            const ssize_t n = ::recv(connection.fd, chunk, sizeof chunk, 0);
            if (n <= 0) {
                closed.push_back(connection.fd);
                continue;
            }
            connection.buffer.append(chunk, static_cast<std::size_t>(n));
            while (auto request = TakeRequest(connection.buffer)) {
                {
                    std::lock_guard lock(mutex_);
                    requests_.push_back(*request);
                }
                const std::optional<FakeResponse> response = handler_(*request);
                if (!response) continue;  // never answer: the client times out
                std::string out =
                    "HTTP/1.1 " + std::to_string(response->status) + " " + Reason(response->status) + "\r\n";
                if (!response->body.empty()) out += "Content-Type: " + response->content_type + "\r\n";
                out += "Content-Length: " + std::to_string(response->body.size()) + "\r\n";
                for (const auto& [name, value] : response->headers) out += name + ": " + value + "\r\n";
                out += "\r\n" + response->body;
                SendAll(connection.fd, out);
            }
        }
        for (const int fd : closed) {
            ::close(fd);
            connections.erase(std::remove_if(connections.begin(), connections.end(),
                                             [fd](const Connection& c) { return c.fd == fd; }),
                              connections.end());
        }
    }
    for (const auto& c : connections) ::close(c.fd);
}

int UnusedLoopbackPort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    const int port = ntohs(address.sin_port);
    ::close(fd);
    return port;
}

}  // namespace bia::client::testing
