#include "crypto/hibp_client.hpp"

namespace bia::crypto {

namespace {

bool IsHex(std::string_view s) {
    for (char c : s) {
        const bool hex = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
        if (!hex) return false;
    }
    return true;
}

}  // namespace

std::string PwnedRangeUrl(std::string_view host, std::string_view prefix) {
    std::string base = host.find("://") == std::string_view::npos ? "https://" + std::string(host) : std::string(host);
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base + "/range/" + std::string(prefix);
}

core::Result<PwnedRangeResponse> HibpClient::FetchRange(std::string_view host, std::string_view prefix) {
    if (prefix.size() != 5 || !IsHex(prefix)) {
        return core::BadRequest("a Pwned Passwords range prefix is 5 hex digits");
    }
    net::HttpRequest request;
    request.url = PwnedRangeUrl(host, prefix);
    request.connect_timeout = options_.connect_timeout;
    request.timeout = options_.total_timeout;
    request.max_body_bytes = options_.max_body_bytes;
    request.user_agent = options_.user_agent;
    request.accept_compressed = false;
    net::HttpResponse answer = http_.Send(request);
    if (answer.failure == net::HttpResponse::Failure::kTooLarge) {
        return core::Error(502, "the breached-password service sent an oversized answer");
    }
    if (!answer.ok()) return core::Error(502, answer.error);
    PwnedRangeResponse response;
    response.status = answer.status;
    response.body = std::move(answer.body);
    return response;
}

}  // namespace bia::crypto
