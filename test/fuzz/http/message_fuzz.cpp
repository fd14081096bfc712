// libFuzzer target: Cookie header parsing (ParseCookieHeader, Request::Cookie/CookieNames) and
// content negotiation (NegotiateContentType, Request::AcceptsJson). The input is split at the
// first newline: Accept header before it, Cookie header after it.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "http/message.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view in(reinterpret_cast<const char*>(data), size);
    size_t nl = in.find('\n');
    std::string_view accept = in.substr(0, nl);
    std::string_view cookie = nl == std::string_view::npos ? in : in.substr(nl + 1);

    (void)bia::http::NegotiateContentType(accept, {"text/html", "application/json"}, "text/html");
    (void)bia::http::NegotiateContentType(accept, {}, "application/json");
    auto pairs = bia::http::ParseCookieHeader(cookie);

    bia::http::Request r;
    r.method = "GET";
    r.headers = {{"Accept", std::string(accept)}, {"Cookie", std::string(cookie)}, {"cookie", "csrf_token=x"}};
    (void)r.AcceptsJson();
    (void)r.CookieNames();
    (void)r.Cookie("ory_kratos_session");
    if (!pairs.empty()) (void)r.Cookie(pairs.front().first);
    return 0;
}
