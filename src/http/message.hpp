// The HTTP request and response as handlers see them: plain values, no Beast types, so route
// handlers stay small and testable without sockets.
#pragma once

#include <any>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "core/url.hpp"

namespace bia::http {

struct Request {
    std::string method;  // "GET", "POST", ...
    std::string target;  // raw request target: "/path?query"
    std::string path;    // target without the query (not percent-decoded)
    std::string raw_query;
    core::Query query;
    std::vector<std::pair<std::string, std::string>> headers;  // in arrival order
    std::string body;
    std::string remote_addr;
    bool tls = false;
    // Path parameters captured by the router ("{id}" → params["id"]).
    std::vector<std::pair<std::string, std::string>> params;
    // What the route's prefetch step read, for its answer step and handler (router.hpp; the
    // route defines the type).
    std::any prefetched;

    // First header with that name (case-insensitive).
    std::optional<std::string_view> Header(std::string_view name) const;
    std::string_view Param(std::string_view name) const;
    // Value of cookie `name` from all Cookie headers (first match); nullopt if absent.
    std::optional<std::string> Cookie(std::string_view name) const;
    // Names of all cookies sent.
    std::vector<std::string> CookieNames() const;
    // settings-flow.md §1.2: Content-Type exactly "application/json" or Accept negotiates JSON.
    bool IsJsonRequest() const;
    // The narrower negotiation over ["text/html","application/json"].
    bool AcceptsJson() const;
    // The media type of Content-Type without parameters, lower-cased ("" if absent).
    std::string ContentMediaType() const;
    // scheme://Host + target (settings-flow.md §1.6).
    std::string FullUrl() const;
    // As above; with `honor_forwarded` X-Forwarded-Host / X-Forwarded-Proto override host and
    // scheme (the G2 rule of §1.6; only sound behind a proxy that sets or strips them).
    std::string FullUrl(bool honor_forwarded) const;
    std::string_view RequestId() const;  // X-Request-ID or ""
};

struct SetCookie {
    std::string name;
    std::string value;
    std::string path = "/";
    std::string domain;
    std::optional<long long> max_age;  // seconds; negative = delete
    bool http_only = true;
    bool secure = false;
    std::string same_site = "Lax";  // "Lax", "Strict", "None" or "" (omitted)
    // Optional absolute expiry, written as Expires= (ignored when max_age is negative, which
    // writes an Expires in 1970 instead).
    std::optional<std::chrono::system_clock::time_point> expires;
    // Go http.Cookie.String layout: name=value; Path; Domain; Expires; Max-Age; HttpOnly;
    // Secure; SameSite. Bytes not allowed in a cookie name/value/path are dropped; a value with
    // a space or comma is quoted; max_age 0 is written as Max-Age=0.
    std::string Serialize() const;
};

struct Response {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    // A body shared with a cache instead of copied into `body` (a cached whoami or settings flow):
    // when set, it is what goes on the wire and `body` is empty. Read either through Body().
    std::shared_ptr<const std::string> shared_body;

    std::string_view Body() const { return shared_body ? std::string_view(*shared_body) : std::string_view(body); }

    Response& SetHeader(std::string name, std::string value);
    Response& AddHeader(std::string name, std::string value);
    Response& AddCookie(const SetCookie& c) { return AddHeader("Set-Cookie", c.Serialize()); }
    std::optional<std::string_view> Header(std::string_view name) const;

    // 200/201 with "application/json; charset=utf-8".
    static Response Json(int status, const nlohmann::json& body);
    // Pre-serialised JSON body (hot paths write JSON by hand).
    static Response RawJson(int status, std::string body);
    // The same for a body that stays shared (never null): no copy of it is made.
    static Response RawJson(int status, std::shared_ptr<const std::string> body);
    // The Kratos error envelope with "application/json" (no charset), status = error.code.
    static Response Error(const core::Error& error, std::string_view request_id = {});
    static Response Redirect(int status, std::string location);
    static Response NoContent();
};

// A response body's JSON text; invalid UTF-8 in strings is replaced rather than thrown on.
std::string DumpJson(const nlohmann::json& j);

// RFC 7230 token characters (tchar) and tokens (header and cookie names): one or more tchars.
bool IsTokenChar(unsigned char c);
bool IsToken(std::string_view s);
// ASCII case-insensitive equality (header names, tokens such as "100-continue").
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// Parses a Cookie header value into (name, value) pairs; tolerant of junk, never throws.
std::vector<std::pair<std::string, std::string>> ParseCookieHeader(std::string_view header);

// gddo-style content negotiation (settings-flow.md §1.2): picks one of `offers` for `accept`.
std::string NegotiateContentType(std::string_view accept, const std::vector<std::string>& offers,
                                 std::string_view default_offer);

}  // namespace bia::http
