// The `ctx` a web hook's Jsonnet body template receives (settings-flow.md §14): the flow, the
// identity and session as clients see them, and the facts of the HTTP request that triggered it.
// Built the way Kratos (G2) builds it, including its request-header allow-list.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bia::selfservice::hook {

// What http/ knows about the request that triggered a hook. `url` is the full request URL as
// reconstructed for the flow (§1.6); `cookies` are the parsed Cookie header (last one wins).
struct HookRequest {
    std::string method, url;
    std::vector<std::pair<std::string, std::string>> headers;
    std::map<std::string, std::string> cookies;
};

// Kratos's default `clients.web_hook.header_allowlist`: request headers forwarded into
// ctx.request_headers. Cookie and Authorization are deliberately absent.
const std::vector<std::string>& DefaultHeaderAllowlist();

// Go's textproto.CanonicalMIMEHeaderKey: "x-api-key" → "X-Api-Key"; a key with a byte that may
// not appear in a header name is returned unchanged.
std::string CanonicalHeaderKey(std::string_view key);

// {"flow", "request_headers", "request_method", "request_url", "request_cookies", "identity",
// "session"}. `identity` and `session` are left out when null (Kratos omits them for hooks that
// run before there is one). Like Kratos's public identity encoding, `credentials` and
// `metadata_admin` are dropped from the identity and from session.identity. request_headers maps
// each allowed header (canonical key) to the array of its values, as Go's http.Header encodes.
nlohmann::json BuildContext(const nlohmann::json& flow, const nlohmann::json& identity, const nlohmann::json& session,
                            const HookRequest& request);
nlohmann::json BuildContext(const nlohmann::json& flow, const nlohmann::json& identity, const nlohmann::json& session,
                            const HookRequest& request, const std::vector<std::string>& header_allowlist);

}  // namespace bia::selfservice::hook
