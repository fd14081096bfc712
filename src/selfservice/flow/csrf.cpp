#include "selfservice/flow/csrf.hpp"

#include "crypto/csrf_token.hpp"
#include "selfservice/flow/flow_errors.hpp"

namespace bia::selfservice {

bool IsIgnoredApiFlowCookie(std::string_view name) {
    return name.substr(0, 4) == "__cf" || name.substr(0, 3) == "_cf" || name.substr(0, 3) == "cf_";
}

core::Status EnsureCsrf(FlowType type, const RequestContext& ctx, std::string_view submitted_token,
                        bool disable_api_flow_enforcement) {
    if (type == FlowType::kApi) {
        if (disable_api_flow_enforcement) return {};
        if (ctx.origin_header_sent) return ApiFlowOriginHeader();
        std::vector<std::string> found;
        for (const auto& name : ctx.cookie_names) {
            if (!IsIgnoredApiFlowCookie(name)) found.push_back(name);
        }
        if (!found.empty()) return ApiFlowCookieHeader(found);
        return {};
    }
    // The reject reasons are diagnostics for operators; clients key on the error id.
    if (!ctx.cookie_header_sent)
        return CsrfViolation("The request carried no Cookie header, so the anti-CSRF cookie could not be compared.");
    if (!ctx.csrf_cookie_sent || ctx.csrf_token.empty())
        return CsrfViolation("The anti-CSRF cookie was missing from the request or was malformed.");
    if (submitted_token.empty()) return CsrfViolation("The anti-CSRF token was missing from the request body.");
    if (!crypto::VerifyCsrfToken(ctx.csrf_token, submitted_token))
        return CsrfViolation("The anti-CSRF token in the request body does not match the anti-CSRF cookie.");
    return {};
}

std::string MaskedCsrfToken(FlowType type, const RequestContext& ctx, core::Random& random) {
    if (type == FlowType::kApi || ctx.csrf_token.empty()) return {};
    auto masked = crypto::MaskCsrfToken(ctx.csrf_token, random);
    return masked.ok() ? std::move(masked).value() : std::string();
}

}  // namespace bia::selfservice
