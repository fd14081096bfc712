#include "app/admin_client.hpp"

#include "net/http_client.hpp"

namespace bia::app {

core::Result<HttpReply> AdminRequest(const std::string& method, const std::string& url, const std::string& body) {
    net::HttpRequest request;
    request.method = method;
    request.url = url;
    request.headers.emplace_back("Accept", "application/json");
    if (!body.empty()) {
        request.headers.emplace_back("Content-Type", "application/json");
        request.body = body;
    }
    request.timeout = std::chrono::seconds(30);
    request.max_body_bytes = size_t{64} << 20;  // a page of identities
    request.accept_compressed = false;
    net::HttpResponse answer = net::DefaultHttpClient().Send(request);
    if (!answer.ok()) return core::Unavailable("request to " + url + " failed: " + answer.error);
    return HttpReply{answer.status, std::move(answer.body)};
}

}  // namespace bia::app
