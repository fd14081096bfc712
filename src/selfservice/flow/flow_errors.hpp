// The error values self-service flows share (settings-flow.md §1.3, §12, §16.1; surrounding-api.md
// §5–8): ids, reasons and the "enhanced" top-level extras, written once so every flow and route
// answers with the same wire shapes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/uuid.hpp"

namespace bia::selfservice {

// Error ids (settings-flow.md §16.1).
inline constexpr std::string_view kErrorSessionInactive = "session_inactive";
inline constexpr std::string_view kErrorSessionAal1Required = "session_aal1_required";
inline constexpr std::string_view kErrorSessionAal2Required = "session_aal2_required";
inline constexpr std::string_view kErrorSessionAlreadyAvailable = "session_already_available";
inline constexpr std::string_view kErrorSessionRefreshRequired = "session_refresh_required";
inline constexpr std::string_view kErrorCsrfViolation = "security_csrf_violation";
inline constexpr std::string_view kErrorIdentityMismatch = "security_identity_mismatch";
inline constexpr std::string_view kErrorFlowExpired = "self_service_flow_expired";
inline constexpr std::string_view kErrorFlowDisabled = "self_service_flow_disabled";
inline constexpr std::string_view kErrorBrowserLocationChangeRequired = "browser_location_change_required";

inline constexpr std::string_view kCsrfDocsUrl = "https://www.ory.sh/kratos/docs/debug/csrf";

// 422 enhanced browser_location_change_required with redirect_browser_to (details and top
// level): a JSON client must send the browser to `url` (recovery links, social sign-in).
core::Error LocationChangeRequired(const std::string& url);

// 401 session_inactive "No active session was found in this request." (settings-flow.md §4).
core::Error NoActiveSession();
// 401 without id, for whoami and the session routes (settings-flow.md §17.2, G2 reason).
core::Error NoValidSessionCredentials();

// 400 session_already_available on login (surrounding-api.md §7) / registration (§8).
core::Error AlreadyLoggedInLogin();
core::Error AlreadyLoggedInRegistration();
// 401 session_aal1_required: aal2 requested without any session (surrounding-api.md §7).
core::Error SessionRequiredForHigherAal();
// 403 enhanced session_aal2_required with redirect_browser_to in details and top level (§11).
core::Error Aal2Required(const std::string& redirect_browser_to);

// 400 "The flow query parameter is missing or malformed." (settings-flow.md §5.1 step 1).
core::Error FlowIdMissing();
// 404 for a flow id that names no flow (DB-style message, settings-flow.md §6 step 2).
core::Error FlowNotFound();
// 404 for a method that is disabled but explicitly addressed (settings-flow.md §5.2).
core::Error MethodDisabled();
// 400 self_service_flow_disabled for registration (surrounding-api.md §8).
core::Error RegistrationDisabled();

// 410 enhanced self_service_flow_expired for a submission of an expired flow: `since`
// (nanoseconds), `use_flow_id` (the replacement) and `expired_at` (settings-flow.md §9.3).
core::Error FlowExpired(core::TimePoint expired_at, core::TimePoint now, const core::Uuid& replacement);
// 410 (no id) for fetching an expired flow (settings-flow.md §6 step 5, surrounding-api.md §7):
// `flow` is "login", "registration", "settings"; browser flows get details redirect_to/return_to,
// API flows details api.
core::Error FetchExpiredBrowser(std::string_view flow, std::string redirect_to, std::string return_to);
core::Error FetchExpiredApi(std::string_view flow, std::string api_url);

// 403 security_csrf_violation (settings-flow.md §12.3) with a diagnostic reject_reason.
core::Error CsrfViolation(std::string_view reject_reason);

// 400 for API flows submitted by a browser (settings-flow.md §12.1).
core::Error ApiFlowOriginHeader();
core::Error ApiFlowCookieHeader(const std::vector<std::string>& found_cookies);

}  // namespace bia::selfservice
