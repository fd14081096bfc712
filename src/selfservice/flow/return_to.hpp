// `return_to` validation ("secure redirect", settings-flow.md §1.5): a requested redirect target
// is only followed when it matches the allow-list (selfservice.allowed_return_urls plus the
// public self-service base).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace bia::selfservice {

inline constexpr std::string_view kReturnToForbiddenId = "self_service_flow_return_to_forbidden";

class ReturnToValidator {
  public:
    // `allowed`: selfservice.allowed_return_urls; `public_base_url`: PUBLIC (its /self-service
    // path is always allowed). Entries whose host is exactly "*" are ignored.
    ReturnToValidator(const std::vector<std::string>& allowed, std::string_view public_base_url);

    // Checks the `return_to` query parameter of `source_url` (a flow's request_url or the current
    // request URL). Absent/empty → `default_url`. Otherwise the resolved absolute URL when allowed,
    // else a 400 `self_service_flow_return_to_forbidden` error.
    core::Result<std::string> Resolve(std::string_view source_url, std::string_view default_url) const;
    // Same check for a bare return_to value.
    core::Result<std::string> Check(std::string_view return_to, std::string_view default_url) const;

  private:
    struct Entry {
        std::string scheme, host, path;
    };
    std::vector<Entry> entries_;
};

}  // namespace bia::selfservice
