// Where the password policy gets Have I Been Pwned "range" answers from (k-anonymity: only the
// first 5 hex digits of the password's SHA-1 leave the process). An interface so tests and
// air-gapped deployments can substitute the network client (settings-flow.md §8.2.1).
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace bia::crypto {

struct PwnedRangeResponse {
    long status = 0;   // HTTP status code
    std::string body;  // lines "SUFFIX:COUNT"
};

class PwnedRangeSource {
  public:
    virtual ~PwnedRangeSource() = default;
    // GET <host>/range/<prefix>. `host` is `haveibeenpwned_host`: a bare host name means https;
    // "scheme://host[:port]" is used as given. An error means no HTTP answer at all (DNS,
    // connect, TLS, timeout); any HTTP answer, whatever its status, is a value.
    virtual core::Result<PwnedRangeResponse> FetchRange(std::string_view host, std::string_view prefix) = 0;
};

}  // namespace bia::crypto
