#include "selfservice/flow/return_to.hpp"

#include <gtest/gtest.h>

namespace bia::selfservice {
namespace {

const ReturnToValidator& V() {
    static const ReturnToValidator v(
        {"https://app.example.com/", "https://*.example.org/dashboard", "http://localhost:3000/ui", "https://*/x"},
        "https://auth.example.com/");
    return v;
}

struct Case {
    const char* return_to;
    bool allowed;
};

TEST(ReturnTo, AllowListMatrix) {
    const Case cases[] = {
        {"https://app.example.com/", true},
        {"https://app.example.com/deep/path?q=1", true},
        {"https://APP.example.com/x", true},  // host case-insensitive
        {"http://app.example.com/", false},   // scheme must match
        {"https://evil.com/", false},
        {"https://app.example.com.evil.com/", false},
        {"https://a.example.org/dashboard/x", true},  // wildcard host + path prefix
        {"https://a.b.example.org/dashboard", true},
        {"https://a.example.org/other", false},
        {"https://example.org/dashboard", false},     // "*.example.org" needs a subdomain
        {"http://localhost:3000/ui/settings", true},  // port is part of the host
        {"http://localhost:3001/ui", false},
        {"http://localhost:3000/", false},
        {"https://auth.example.com/self-service/settings?flow=1", true},  // PUBLIC/self-service
        {"https://auth.example.com/other", false},
        {"https://anything/x", false},  // entries with host "*" are ignored
    };
    for (const auto& c : cases) {
        auto r = V().Check(c.return_to, "https://auth.example.com/fallback");
        EXPECT_EQ(static_cast<bool>(r), c.allowed) << c.return_to;
        if (!r) {
            EXPECT_EQ(r.error().id, "self_service_flow_return_to_forbidden");
            EXPECT_EQ(r.error().code, 400);
        }
    }
}

TEST(ReturnTo, RelativeValuesResolveAgainstTheDefault) {
    auto r = V().Check("/dashboard", "https://app.example.com/home");
    ASSERT_TRUE(r);
    EXPECT_EQ(*r, "https://app.example.com/dashboard");
    EXPECT_FALSE(V().Check("/dashboard", "https://other.example.com/home"));
}

TEST(ReturnTo, ResolveReadsTheQueryOfTheSourceUrl) {
    auto none = V().Resolve("https://auth.example.com/self-service/settings/browser", "https://d/");
    ASSERT_TRUE(none);
    EXPECT_EQ(*none, "https://d/");
    auto ok = V().Resolve(
        "https://auth.example.com/self-service/settings/browser?return_to=https%3A%2F%2Fapp.example.com%2Fa",
        "https://d/");
    ASSERT_TRUE(ok);
    EXPECT_EQ(*ok, "https://app.example.com/a");
    auto bad = V().Resolve("https://auth.example.com/x?return_to=https%3A%2F%2Fevil.com", "https://d/");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().reason, "Requested return_to URL \"https://evil.com\" is not allowed.");
}

}  // namespace
}  // namespace bia::selfservice
