// What every self-service flow shares: the flow type (api/browser), the facts about the HTTP
// request a flow needs without seeing HTTP types, expiry, and the URL helpers that place a flow id
// into a UI URL (settings-flow.md §0.2, §1.6, §9.3; surrounding-api.md §7–8).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/uuid.hpp"
#include "session/session.hpp"

namespace bia::selfservice {

inline constexpr std::string_view kFlowTypeApi = "api";
inline constexpr std::string_view kFlowTypeBrowser = "browser";

enum class FlowType { kApi, kBrowser };
std::string_view ToString(FlowType t);
std::optional<FlowType> ParseFlowType(std::string_view s);

// The request as flows see it. http/ fills it in; flows never read headers themselves.
struct RequestContext {
    std::string url;            // the request URL (settings-flow.md §1.6)
    bool json_request = false;  // settings-flow.md §1.2
    // The real token of a well-formed CSRF cookie (possibly issued with this very response);
    // empty when the request had none and none is issued (API routes, submissions).
    std::string csrf_token;
    bool csrf_cookie_sent = false;    // the request carried the CSRF cookie (well-formed or not)
    bool cookie_header_sent = false;  // the request carried any Cookie header
    std::vector<std::string> cookie_names;
    bool origin_header_sent = false;
    // The caller's active session (settings-flow.md §1.4), when one was resolved.
    std::optional<session::Session> session;
};

// "responds-JSON" of settings-flow.md §0.2: API flows and JSON requests get JSON answers.
inline bool RespondsJson(FlowType type, const RequestContext& ctx) {
    return type == FlowType::kApi || ctx.json_request;
}

// `ui_url` with flow=<id> merged into whatever query it already has; a relative UI URL stays
// relative (settings-flow.md §4 step 4).
std::string FlowUiUrl(std::string_view ui_url, const core::Uuid& id);

// The `return_to` query parameter of a stored request URL ("" when absent).
std::string ReturnToOf(std::string_view request_url);

// PUBLIC joined with `path`, plus `query` when non-empty.
std::string PublicUrl(std::string_view public_base_url, std::string_view path, std::string_view query = {});

}  // namespace bia::selfservice
