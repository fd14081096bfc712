#include "selfservice/flow/csrf.hpp"

#include <gtest/gtest.h>

#include "crypto/csrf_token.hpp"
#include "selfservice/flow/flow_errors.hpp"

namespace bia::selfservice {
namespace {

struct Browser {
    core::SeededRandom random{7};
    std::string cookie = crypto::GenerateCsrfCookieValue(random);
    RequestContext ctx;
    Browser() {
        ctx.csrf_token = cookie;
        ctx.csrf_cookie_sent = true;
        ctx.cookie_header_sent = true;
        ctx.cookie_names = {"csrf_token_abc"};
    }
};

TEST(FlowCsrf, BrowserFlowAcceptsAMaskedTokenOfTheCookie) {
    Browser b;
    const std::string masked = MaskedCsrfToken(FlowType::kBrowser, b.ctx, b.random);
    ASSERT_FALSE(masked.empty());
    EXPECT_TRUE(EnsureCsrf(FlowType::kBrowser, b.ctx, masked).ok());
    // Every rendering masks differently, and all of them verify.
    const std::string again = MaskedCsrfToken(FlowType::kBrowser, b.ctx, b.random);
    EXPECT_NE(again, masked);
    EXPECT_TRUE(EnsureCsrf(FlowType::kBrowser, b.ctx, again).ok());
}

TEST(FlowCsrf, BrowserFlowRejectionsAreCsrfViolations) {
    Browser b;
    const std::string masked = MaskedCsrfToken(FlowType::kBrowser, b.ctx, b.random);
    auto expect_violation = [](const core::Status& s) {
        ASSERT_FALSE(s.ok());
        EXPECT_EQ(s.error().code, 403);
        EXPECT_EQ(s.error().id, kErrorCsrfViolation);
        EXPECT_EQ(s.error().details["docs"], kCsrfDocsUrl);
        EXPECT_TRUE(s.error().details.contains("reject_reason"));
    };
    expect_violation(EnsureCsrf(FlowType::kBrowser, b.ctx, ""));                  // token not sent
    expect_violation(EnsureCsrf(FlowType::kBrowser, b.ctx, b.cookie));            // the raw cookie is not a form token
    expect_violation(EnsureCsrf(FlowType::kBrowser, b.ctx, "bm90LWEtdG9rZW4="));  // wrong length

    Browser other;  // a token masked from another browser's cookie
    other.random = core::SeededRandom(99);
    other.ctx.csrf_token = crypto::GenerateCsrfCookieValue(other.random);
    expect_violation(
        EnsureCsrf(FlowType::kBrowser, b.ctx, MaskedCsrfToken(FlowType::kBrowser, other.ctx, other.random)));

    RequestContext no_cookie = b.ctx;
    no_cookie.csrf_token.clear();
    no_cookie.csrf_cookie_sent = false;
    expect_violation(EnsureCsrf(FlowType::kBrowser, no_cookie, masked));
    no_cookie.cookie_header_sent = false;
    no_cookie.cookie_names.clear();
    expect_violation(EnsureCsrf(FlowType::kBrowser, no_cookie, masked));
}

TEST(FlowCsrf, ApiFlowsNeedNoTokenButRejectBrowserHeaders) {
    RequestContext ctx;
    EXPECT_TRUE(EnsureCsrf(FlowType::kApi, ctx, "").ok());
    EXPECT_EQ(MaskedCsrfToken(FlowType::kApi, ctx, *std::make_unique<core::SeededRandom>(1)), "");

    ctx.cookie_header_sent = true;
    ctx.cookie_names = {"__cfduid", "_cfuvid", "cf_clearance"};
    EXPECT_TRUE(EnsureCsrf(FlowType::kApi, ctx, "").ok()) << "Cloudflare cookies are tolerated";

    ctx.cookie_names.push_back("ory_kratos_session");
    auto s = EnsureCsrf(FlowType::kApi, ctx, "");
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, 400);
    EXPECT_TRUE(s.error().id.empty());
    EXPECT_NE(s.error().reason.find("\"Cookie\" key"), std::string::npos);
    EXPECT_EQ(s.error().details["found cookies"], nlohmann::json::array({"ory_kratos_session"}));
    EXPECT_TRUE(EnsureCsrf(FlowType::kApi, ctx, "", /*disable_api_flow_enforcement=*/true).ok());

    RequestContext origin;
    origin.origin_header_sent = true;
    auto o = EnsureCsrf(FlowType::kApi, origin, "");
    ASSERT_FALSE(o.ok());
    EXPECT_EQ(o.error().code, 400);
    EXPECT_NE(o.error().reason.find("\"Origin\" key"), std::string::npos);
}

}  // namespace
}  // namespace bia::selfservice
