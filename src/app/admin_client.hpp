// A minimal HTTP client for the `bia identities` commands, which talk to a running server's
// admin API like `kratos identities` does (net::HttpClient).
#pragma once

#include <string>

#include "core/result.hpp"

namespace bia::app {

struct HttpReply {
    long status = 0;
    std::string body;
};

core::Result<HttpReply> AdminRequest(const std::string& method, const std::string& url, const std::string& body = "");

}  // namespace bia::app
