#include "crypto/hibp_client.hpp"

#include <curl/curl.h>

#include <memory>
#include <mutex>

namespace bia::crypto {

namespace {

struct Sink {
    std::string body;
    size_t limit = 0;
    bool overflow = false;
};

size_t Write(char* data, size_t size, size_t n, void* user) {
    auto* sink = static_cast<Sink*>(user);
    const size_t bytes = size * n;
    if (sink->body.size() + bytes > sink->limit) {
        sink->overflow = true;
        return 0;  // makes curl abort the transfer
    }
    sink->body.append(data, bytes);
    return bytes;
}

struct CurlDeleter {
    void operator()(CURL* c) const { curl_easy_cleanup(c); }
};

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

HibpClient::HibpClient(HibpClientOptions options) : options_(std::move(options)) {
    // curl_global_init is not guaranteed thread-safe on every libcurl build; do it once here.
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

core::Result<PwnedRangeResponse> HibpClient::FetchRange(std::string_view host, std::string_view prefix) {
    if (prefix.size() != 5 || !IsHex(prefix)) {
        return core::BadRequest("a Pwned Passwords range prefix is 5 hex digits");
    }
    std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
    if (!curl) return core::Internal("curl_easy_init failed");
    const std::string url = PwnedRangeUrl(host, prefix);
    Sink sink;
    sink.limit = options_.max_body_bytes;
    char error[CURL_ERROR_SIZE] = {0};
    CURL* c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM: we run on many threads
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.total_timeout.count()));
    curl_easy_setopt(c, CURLOPT_USERAGENT, options_.user_agent.c_str());
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &Write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
    const CURLcode rc = curl_easy_perform(c);
    if (sink.overflow) return core::Error(502, "the breached-password service sent an oversized answer");
    if (rc != CURLE_OK) {
        return core::Error(502, error[0] != '\0' ? std::string(error) : std::string(curl_easy_strerror(rc)));
    }
    PwnedRangeResponse response;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
    response.body = std::move(sink.body);
    return response;
}

}  // namespace bia::crypto
