#include "selfservice/flow/flow_errors.hpp"

#include "core/time.hpp"
#include "text/message.hpp"

namespace bia::selfservice {

namespace {
constexpr std::string_view kNoSessionMessage = "request does not have a valid authentication session";

std::string ApiFlowReason(std::string_view header) {
    return "The HTTP Request Header included the \"" + std::string(header) +
           "\" key, indicating that this request was made as part of an AJAX request in a Browser. The flow however "
           "was initiated as an API request. To prevent potential misuse and mitigate several attack vectors "
           "including CSRF, the request has been blocked. Please consult the documentation.";
}
}  // namespace

core::Error LocationChangeRequired(const std::string& url) {
    return core::Error(422, "In order to complete this flow please redirect the browser to: " + url)
        .WithId(std::string(kErrorBrowserLocationChangeRequired))
        .WithMessage("browser location change required")
        .WithDetail("redirect_browser_to", url)
        .WithExtra("redirect_browser_to", url);
}

core::Error NoActiveSession() {
    return core::Unauthorized("No active session was found in this request.")
        .WithId(std::string(kErrorSessionInactive))
        .WithMessage(std::string(kNoSessionMessage));
}

core::Error NoValidSessionCredentials() {
    return core::Unauthorized("No valid session credentials found in the request.");
}

core::Error AlreadyLoggedInLogin() {
    return core::BadRequest(
               "A valid session was detected and thus login is not possible. Did you forget to set `?refresh=true`?")
        .WithId(std::string(kErrorSessionAlreadyAvailable));
}

core::Error AlreadyLoggedInRegistration() {
    return core::BadRequest("A valid session was detected and thus registration is not possible.")
        .WithId(std::string(kErrorSessionAlreadyAvailable));
}

core::Error SessionRequiredForHigherAal() {
    return core::Unauthorized("A second authentication factor (aal2) can only be requested by a signed-in session.")
        .WithId(std::string(kErrorSessionAal1Required));
}

core::Error Aal2Required(const std::string& redirect_browser_to) {
    return core::Forbidden(
               "An active session was found but it does not fulfill the requested Authenticator Assurance Level. "
               "Please verify yourself with a second factor to resolve this issue.")
        .WithId(std::string(kErrorSessionAal2Required))
        .WithMessage("Session does not fulfill the requested Authenticator Assurance Level")
        .WithDetail("redirect_browser_to", redirect_browser_to)
        .WithExtra("redirect_browser_to", redirect_browser_to);
}

core::Error FlowIdMissing() { return core::BadRequest("The flow query parameter is missing or malformed."); }

core::Error FlowNotFound() { return core::ResourceNotFound(); }

core::Error MethodDisabled() {
    return core::NotFound(
        "This endpoint was disabled by system administrator. Please check your url or contact the system "
        "administrator to enable it.");
}

core::Error RegistrationDisabled() {
    return core::BadRequest("Registration is not allowed because it was disabled.")
        .WithId(std::string(kErrorFlowDisabled))
        .WithMessage("registration flow disabled");
}

core::Error FlowExpired(core::TimePoint expired_at, core::TimePoint now, const core::Uuid& replacement) {
    const auto since = std::chrono::duration_cast<std::chrono::nanoseconds>(now - expired_at);
    return core::Gone("The self-service flow expired " + text::FormatMinutes(now - expired_at) +
                      " minutes ago, initialize a new one.")
        .WithId(std::string(kErrorFlowExpired))
        .WithMessage("self-service flow expired")
        .WithExtra("since", static_cast<int64_t>(since.count()))
        .WithExtra("use_flow_id", replacement.ToString())
        .WithExtra("expired_at", core::FormatRfc3339(expired_at));
}

core::Error FetchExpiredBrowser(std::string_view flow, std::string redirect_to, std::string return_to) {
    const std::string f(flow);
    return core::Gone("The " + f + " flow has expired. Redirect the user to the " + f +
                      " flow init endpoint to initialize a new " + f + " flow.")
        .WithId(std::string(kErrorFlowExpired))
        .WithDetail("redirect_to", std::move(redirect_to))
        .WithDetail("return_to", std::move(return_to));
}

core::Error FetchExpiredApi(std::string_view flow, std::string api_url) {
    const std::string f(flow);
    return core::Gone("The " + f + " flow has expired. Call the " + f + " flow init API endpoint to initialize a new " +
                      f + " flow.")
        .WithId(std::string(kErrorFlowExpired))
        .WithDetail("api", std::move(api_url));
}

core::Error CsrfViolation(std::string_view reject_reason) {
    return core::Forbidden(
               "Please retry the flow and optionally clear your cookies. The request was rejected to protect you "
               "from Cross-Site-Request-Forgery (CSRF) which could cause account takeover, leaking personal "
               "information, and other serious security issues.")
        .WithId(std::string(kErrorCsrfViolation))
        .WithMessage("the request was rejected to protect you from Cross-Site-Request-Forgery")
        .WithDetail("docs", std::string(kCsrfDocsUrl))
        .WithDetail("reject_reason", std::string(reject_reason));
}

core::Error ApiFlowOriginHeader() { return core::BadRequest(ApiFlowReason("Origin")); }

core::Error ApiFlowCookieHeader(const std::vector<std::string>& found_cookies) {
    return core::BadRequest(ApiFlowReason("Cookie")).WithDetail("found cookies", found_cookies);
}

}  // namespace bia::selfservice
