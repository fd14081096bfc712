// What the server checks, writes and logs around a handler call (internal to http/, used by
// server.cpp): response header hygiene, the Date header, request log lines, exception-safe handler
// calls, request-target splitting, building the wire response and mapping parser errors.
#pragma once

#include <boost/beast/http.hpp>

#include <chrono>
#include <string>
#include <string_view>

#include "http/message.hpp"
#include "http/router.hpp"
#include "http/server.hpp"

namespace bia::http::wire {

namespace bhttp = boost::beast::http;
using Clock = std::chrono::steady_clock;

bool IsValidHeaderName(std::string_view name);
// No CR, LF or NUL: a handler must never be able to split a response.
bool IsValidHeaderValue(std::string_view value);
// Framing and connection management belong to the server, whatever a handler sets.
bool IsServerOwnedHeader(std::string_view name);
// The Date header, formatted at most once per second per thread.
std::string_view CurrentHttpDate();
// `s` as a JSON string literal; non-ASCII bytes escaped one by one, so a log stays valid JSON.
void AppendJsonString(std::string& out, std::string_view s);
// One JSON line per request: method, path without query, status, duration, request id.
void LogRequest(std::string_view listener, std::string_view method, std::string_view path, int status,
                Clock::time_point started, std::string_view request_id);
void LogError(std::string_view what, std::string_view detail);
// Every handler call goes through here: an exception becomes a 500 envelope, never a crash.
Response InvokeGuarded(const Handler& handler, Request& request);
// The same for a prefetch's answer step (nothing: the handler runs).
std::optional<Response> AnswerGuarded(const Prefetch& prefetch, Request& request);
Response DispatchUnmatched(const Router& router, Router::MatchKind kind, Request& request);
// Fills path, raw_query and query from the request target (origin or absolute form).
void SplitTarget(Request& request);
// An answer as it goes on the wire: the status line and header fields, the empty line that ends
// them, then the body (none for HEAD, 204 and 304), in one buffer for one write (asio's gathering
// write of two buffers zeroes a 64-entry buffer array per write, which cost more than the copy).
struct WireAnswer {
    std::string bytes;
    size_t head_size = 0;
};
// The wire answer for a Response: the handler's valid headers in order (framing and connection
// headers are the server's), the listener's defaults it did not set, Date, Content-Length (also
// for HEAD; not for 204/304) and Connection where the version needs it. Written directly rather
// than through Beast's serializer, which cost ~40% of a cached whoami's instructions. It is written
// into `buffer` (emptied first), so that a connection can reuse one buffer's allocation for
// every answer (kKeptWireBufferBytes).
WireAnswer ToWireText(Response&& response, unsigned version, bool head, bool keep_alive, const Listener& listener,
                      std::string buffer = {});
// The largest wire buffer a connection keeps between answers; a larger one is freed after its write.
inline constexpr size_t kKeptWireBufferBytes = 8 * 1024;
// Size of the request line and header fields as they arrived on the wire (give or take
// optional whitespace): the number compared with Limits::max_header_bytes.
size_t HeaderBlockBytes(const bhttp::request_header<>& header);
// 0: close silently (timeout, reset, EOF in the middle of a message); otherwise the status of
// the error answer to write before closing.
int StatusForReadError(const boost::system::error_code& ec);

}  // namespace bia::http::wire
