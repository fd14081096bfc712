#include "http/wire.hpp"

#include <spdlog/spdlog.h>

#include <ctime>
#include <exception>

#include "core/url.hpp"

namespace bia::http::wire {

bool IsValidHeaderName(std::string_view name) { return IsToken(name); }

// No CR, LF or NUL: a handler must never be able to split a response.
bool IsValidHeaderValue(std::string_view value) {
    for (char c : value) {
        if (c == '\r' || c == '\n' || c == '\0') return false;
    }
    return true;
}

// Framing and connection management belong to the server, whatever a handler sets.
bool IsServerOwnedHeader(std::string_view name) {
    return EqualsIgnoreCase(name, "Content-Length") || EqualsIgnoreCase(name, "Transfer-Encoding") ||
           EqualsIgnoreCase(name, "Connection") || EqualsIgnoreCase(name, "Keep-Alive");
}

// The Date header, formatted at most once per second per thread.
std::string_view CurrentHttpDate() {
    thread_local std::time_t cached_second = -1;
    thread_local char buf[40];
    thread_local size_t len = 0;
    std::time_t now = std::time(nullptr);
    if (now != cached_second) {
        std::tm tm{};
        gmtime_r(&now, &tm);
        len = std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);  // "C" locale names
        cached_second = now;
    }
    return {buf, len};
}

void AppendJsonString(std::string& out, std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    out.push_back('"');
    for (char c : s) {
        auto b = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(c);
        } else if (b < 0x20 || b >= 0x7f) {
            // Non-ASCII escaped byte-wise: the log stays valid JSON whatever the client sent.
            out.append("\\u00");
            out.push_back(kHex[b >> 4]);
            out.push_back(kHex[b & 0xf]);
        } else {
            out.push_back(c);
        }
    }
    out.push_back('"');
}

void LogRequest(std::string_view listener, std::string_view method, std::string_view path, int status,
                Clock::time_point started, std::string_view request_id) {
    spdlog::logger* logger = spdlog::default_logger_raw();
    if (!logger->should_log(spdlog::level::info)) return;
    auto micros = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started).count();
    std::string line;
    line.reserve(128 + path.size());
    line.append("{\"msg\":\"request\",\"listener\":");
    AppendJsonString(line, listener);
    line.append(",\"method\":");
    AppendJsonString(line, method);
    line.append(",\"path\":");
    AppendJsonString(line, path);
    line.append(",\"status\":").append(std::to_string(status));
    line.append(",\"duration_us\":").append(std::to_string(micros));
    if (!request_id.empty()) {
        line.append(",\"request_id\":");
        AppendJsonString(line, request_id);
    }
    line.push_back('}');
    logger->log(spdlog::level::info, spdlog::string_view_t(line));
}

void LogError(std::string_view what, std::string_view detail) {
    std::string line("{\"msg\":");
    AppendJsonString(line, what);
    line.append(",\"error\":");
    AppendJsonString(line, detail);
    line.push_back('}');
    spdlog::default_logger_raw()->log(spdlog::level::err, spdlog::string_view_t(line));
}

// Every handler call goes through here: an exception becomes a 500 envelope, never a crash.
namespace {

// The 500 envelope for a handler that threw.
Response HandlerFailed(const Request& request) {
    try {
        return Response::Error(core::Error(500, ""), request.RequestId());
    } catch (...) {
        Response r;  // allocation failure while building the envelope: bare 500
        r.status = 500;
        return r;
    }
}

}  // namespace

Response InvokeGuarded(const Handler& handler, Request& request) {
    try {
        return handler(request);
    } catch (const std::exception& e) {
        LogError("handler threw", e.what());
    } catch (...) {
        LogError("handler threw", "non-standard exception");
    }
    return HandlerFailed(request);
}

std::optional<Response> AnswerGuarded(const Prefetch& prefetch, Request& request) {
    try {
        return prefetch.answer(request);
    } catch (const std::exception& e) {
        LogError("prefetch answer threw", e.what());
    } catch (...) {
        LogError("prefetch answer threw", "non-standard exception");
    }
    return HandlerFailed(request);
}

Response DispatchUnmatched(const Router& router, Router::MatchKind kind, Request& request) {
    return InvokeGuarded([&router, kind](Request& r) { return router.Unmatched(kind, r); }, request);
}

void SplitTarget(Request& request) {
    std::string_view t = request.target;
    if (!t.empty() && t.front() != '/' && t.find("://") != std::string_view::npos) {
        // Absolute-form target (RFC 7230 §5.3.2): route on its path.
        if (auto url = core::Url::Parse(t); url && url->IsAbsolute()) {
            request.path = url->path.empty() ? std::string("/") : url->path;
            request.raw_query = url->raw_query;
            if (!request.raw_query.empty()) request.query = core::Query::Parse(request.raw_query);
            return;
        }
    }
    size_t q = t.find('?');
    if (q == std::string_view::npos) {
        request.path.assign(t);
        return;
    }
    request.path.assign(t.substr(0, q));
    request.raw_query.assign(t.substr(q + 1));
    if (!request.raw_query.empty()) request.query = core::Query::Parse(request.raw_query);
}

namespace {

void AppendField(std::string& out, std::string_view name, std::string_view value) {
    out.append(name);
    out.append(": ", 2);
    out.append(value);
    out.append("\r\n", 2);
}

}  // namespace

WireAnswer ToWireText(Response&& response, unsigned version, bool head, bool keep_alive, const Listener& listener,
                      std::string buffer) {
    WireAnswer wire;
    wire.bytes = std::move(buffer);
    wire.bytes.clear();
    int status = response.status;
    if (status < 200 || status > 599) {
        LogError("handler returned an invalid status", std::to_string(status));
        response = Response::Error(core::Error(500, ""));
        status = 500;
    }
    std::string& out = wire.bytes;
    const bool has_length = status != 204 && status != 304;
    const bool with_body = has_length && !head;
    const std::string_view body = response.Body();
    out.reserve(256 + 64 * response.headers.size() + (with_body ? body.size() : 0));
    out.append(version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
    char code[4] = {static_cast<char>('0' + status / 100), static_cast<char>('0' + status / 10 % 10),
                    static_cast<char>('0' + status % 10), ' '};
    out.append(code, sizeof code);
    out.append(bhttp::obsolete_reason(bhttp::int_to_status(static_cast<unsigned>(status))));
    out.append("\r\n", 2);
    bool has_date = false;
    for (const auto& [name, value] : response.headers) {
        if (IsServerOwnedHeader(name)) continue;
        if (!IsValidHeaderName(name) || !IsValidHeaderValue(value)) {
            LogError("dropped an invalid response header", name);
            continue;
        }
        if (!has_date && EqualsIgnoreCase(name, "Date")) has_date = true;
        AppendField(out, name, value);
    }
    for (const auto& [name, value] : listener.default_headers) {
        if (!response.Header(name)) AppendField(out, name, value);
    }
    if (!has_date) AppendField(out, "Date", CurrentHttpDate());
    if (has_length) {
        // HEAD: same headers as GET, Content-Length of the body that is not sent.
        AppendField(out, "Content-Length", std::to_string(body.size()));
    }
    // HTTP/1.1 keeps the connection unless told otherwise, HTTP/1.0 closes it unless told.
    if (version == 10 && keep_alive) AppendField(out, "Connection", "keep-alive");
    if (version != 10 && !keep_alive) AppendField(out, "Connection", "close");
    out.append("\r\n", 2);
    wire.head_size = out.size();
    if (with_body) out.append(body);
    return wire;
}

// Size of the request line and header fields as they arrived on the wire (give or take
// optional whitespace): the number compared with Limits::max_header_bytes.
size_t HeaderBlockBytes(const bhttp::request_header<>& header) {
    size_t n = header.method_string().size() + header.target().size() + 12;  // " " + " HTTP/1.1\r\n"
    for (const auto& field : header) n += field.name_string().size() + field.value().size() + 4;  // ": " + CRLF
    return n + 2;
}

// 0: close silently (timeout, reset, EOF in the middle of a message); otherwise the status of
// the error answer to write before closing.
int StatusForReadError(const boost::system::error_code& ec) {
    if (ec == bhttp::error::header_limit) return 431;
    if (ec == bhttp::error::body_limit) return 413;
    if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message) return 0;
    if (ec.category() == make_error_code(bhttp::error::bad_method).category()) {
        return 400;  // a strict parser error: bad request line, Content-Length, field, NUL, ...
    }
    return 0;
}

}  // namespace bia::http::wire
