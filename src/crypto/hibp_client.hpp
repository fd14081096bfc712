// PwnedRangeSource over the outbound HTTP client (net::HttpClient): one short GET per cache miss, with the 1 s
// connect timeout Kratos uses (settings-flow.md §8.2.1). Blocking — call it from offload
// threads (the password policy runs there), never from an I/O thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "crypto/pwned_range_source.hpp"
#include "net/http_client.hpp"

namespace bia::crypto {

struct HibpClientOptions {
    std::chrono::milliseconds connect_timeout{1000};
    std::chrono::milliseconds total_timeout{5000};
    size_t max_body_bytes = 4 * 1024 * 1024;  // a real range is ~40 KB (~1 MB padded)
    std::string user_agent = "bia-password-policy";
};

// The URL FetchRange requests: "https://<host>/range/<prefix>", or "<host>/range/<prefix>" when
// `host` already carries a scheme (tests point it at http://127.0.0.1:<port>).
std::string PwnedRangeUrl(std::string_view host, std::string_view prefix);

class HibpClient final : public PwnedRangeSource {
  public:
    explicit HibpClient(HibpClientOptions options = {}, net::HttpClient& http = net::DefaultHttpClient())
        : options_(std::move(options)), http_(http) {}
    // Fails with a 400 unless `prefix` is 5 hex digits, and with a 502 carrying the transport's
    // message when no HTTP answer arrived.
    core::Result<PwnedRangeResponse> FetchRange(std::string_view host, std::string_view prefix) override;

  private:
    HibpClientOptions options_;
    net::HttpClient& http_;
};

}  // namespace bia::crypto
