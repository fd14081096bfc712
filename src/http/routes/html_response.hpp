// An HTML page as a response, with the headers every page Bia renders carries (no framing, no
// referrer to other sites, no type sniffing). Used by the built-in UI and the undo page.
#pragma once

#include <string>

#include "http/message.hpp"

namespace bia::http::routes {

inline Response HtmlResponse(int status, std::string body) {
    Response resp;
    resp.status = status;
    resp.body = std::move(body);
    resp.SetHeader("Content-Type", "text/html; charset=utf-8");
    resp.SetHeader("X-Frame-Options", "DENY");
    resp.SetHeader("Referrer-Policy", "same-origin");
    resp.SetHeader("X-Content-Type-Options", "nosniff");
    return resp;
}

}  // namespace bia::http::routes
