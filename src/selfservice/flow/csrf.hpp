// CSRF rules at the flow level (settings-flow.md §12.1): browser flows must echo a masked token
// matching the CSRF cookie; API flows must not look like browser requests at all (no Origin, no
// cookies). Checked by each strategy after it claimed a submission.
#pragma once

#include <string>
#include <string_view>

#include "core/random.hpp"
#include "core/result.hpp"
#include "selfservice/flow/flow.hpp"

namespace bia::selfservice {

// OK, or 403 security_csrf_violation (browser flows) / 400 (API flows sent by a browser).
// `disable_api_flow_enforcement` is the dev-mode escape hatch of §12.1.
core::Status EnsureCsrf(FlowType type, const RequestContext& ctx, std::string_view submitted_token,
                        bool disable_api_flow_enforcement = false);

// A freshly masked token for the csrf_token node (§7.4): "" for API flows and when the request
// has no CSRF token to mask.
std::string MaskedCsrfToken(FlowType type, const RequestContext& ctx, core::Random& random);

// Cookies an API flow tolerates: Cloudflare sets its own on every request (G2 rule).
bool IsIgnoredApiFlowCookie(std::string_view name);

}  // namespace bia::selfservice
