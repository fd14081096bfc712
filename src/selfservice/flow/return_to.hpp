// `return_to` validation ("secure redirect", settings-flow.md §1.5): a requested redirect target
// is only followed when it matches the allow-list (selfservice.allowed_return_urls plus the
// public self-service base).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace bia::selfservice {

inline constexpr std::string_view kReturnToForbiddenId = "self_service_flow_return_to_forbidden";

// An http(s) URL as a browser reads it (WHATWG URL), for redirect decisions: parsed only when
// the reading is unambiguous, else nullopt — control characters, tab/CR/LF, '\' anywhere,
// userinfo, percent escapes or non-ASCII in the host, IPv4 in a non-canonical form, trailing
// dots, "//host" and "https:host" forms, other schemes, encoded slashes in the path. What parses
// is canonical: lower-case host, default port dropped, dot segments (also "%2e") removed.
struct BrowserUrl {
    std::string scheme;              // "http" | "https"; empty with host for a path-only value
    std::string host;                // lower-case; "[v6]" literal; empty for a path-only value
    std::string port;                // "" for the scheme's default port
    std::string path;                // starts with '/', dot segments removed
    std::string query_and_fragment;  // "?…#…" as given

    static std::optional<BrowserUrl> Parse(std::string_view raw, bool allow_wildcard_host);
    std::string ToString() const;
};

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
        std::string scheme, host, port, path;
    };
    std::vector<Entry> entries_;
};

}  // namespace bia::selfservice
