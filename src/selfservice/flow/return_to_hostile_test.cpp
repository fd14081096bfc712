// Issue 13: return_to values a browser reads differently from a naive parser. Each row says
// whether Bia follows it and, when it does, the exact Location it emits (the browser's reading).
#include <gtest/gtest.h>

#include <string>

#include "selfservice/flow/return_to.hpp"

namespace bia::selfservice {
namespace {

const ReturnToValidator& Validator() {
    // Bia's sample configuration (public API on :4433, UI on :4455) plus typical entries.
    static const ReturnToValidator v({"http://127.0.0.1:4455/", "https://app.example.com/dashboard",
                                      "https://*.example.org/", "http://localhost:3000/ui"},
                                     "http://127.0.0.1:4433/");
    return v;
}

struct Row {
    std::string return_to;
    std::string location;  // empty: refused with self_service_flow_return_to_forbidden
};

const Row kRows[] = {
    // Followed, and emitted as a browser reads them.
    {"http://127.0.0.1:4455/", "http://127.0.0.1:4455/"},
    {"http://127.0.0.1:4455/welcome?x=1#frag", "http://127.0.0.1:4455/welcome?x=1#frag"},
    {"http://127.0.0.1:4455", "http://127.0.0.1:4455/"},
    {"HTTP://127.0.0.1:4455/", "http://127.0.0.1:4455/"},
    {"http://127.0.0.1:4433/self-service/settings/browser", "http://127.0.0.1:4433/self-service/settings/browser"},
    {"https://app.example.com/dashboard", "https://app.example.com/dashboard"},
    {"https://app.example.com/dashboard/settings", "https://app.example.com/dashboard/settings"},
    {"https://APP.Example.COM/dashboard", "https://app.example.com/dashboard"},
    {"https://app.example.com:443/dashboard", "https://app.example.com/dashboard"},
    {"https://app.example.com:0443/dashboard", "https://app.example.com/dashboard"},
    {"https://app.example.com/dashboard/./x", "https://app.example.com/dashboard/x"},
    {"https://app.example.com/dashboard/a/../b", "https://app.example.com/dashboard/b"},
    {"https://app.example.com/dashboard/a/%2e%2e/b", "https://app.example.com/dashboard/b"},
    {"https://app.example.com/dashboard-v2", "https://app.example.com/dashboard-v2"},  // Kratos: plain prefix
    {"https://app.example.com/dashboard?next=https://evil.example",
     "https://app.example.com/dashboard?next=https://evil.example"},
    {"https://a.example.org/", "https://a.example.org/"},
    {"https://a.b.example.org/x", "https://a.b.example.org/x"},
    {"https://xn--bcher-kva.example.org/", "https://xn--bcher-kva.example.org/"},
    {"http://localhost:3000/ui/x", "http://localhost:3000/ui/x"},
    {"http://localhost:3000/uix", "http://localhost:3000/uix"},  // Kratos: plain prefix
    {"/welcome", "http://127.0.0.1:4455/welcome"},
    {"/a/./b/../c", "http://127.0.0.1:4455/a/c"},
    {"/..//evil.example", "http://127.0.0.1:4455//evil.example"},  // a path on the allowed host
    {"http://127.0.0.1:4455/%2e%2e/x", "http://127.0.0.1:4455/x"},

    // Refused: the reported bypass and its relatives (userinfo, backslashes).
    {"http://evil.example\\@127.0.0.1:4433/self-service/x", ""},
    {"http://evil.example@127.0.0.1:4433/self-service/x", ""},
    {"http://user:pass@127.0.0.1:4455/", ""},
    {"http://127.0.0.1:4455@evil.example/", ""},
    {"http://127.0.0.1:4455\\@evil.example/", ""},
    {"https://app.example.com/dashboard\\..\\admin", ""},
    {"http:\\\\evil.example", ""},
    {"\\\\evil.example/", ""},
    {"/\\evil.example/", ""},
    // Protocol-relative and scheme-only forms.
    {"//evil.example/", ""},
    {"https:evil.example", ""},
    {"https:/evil.example", ""},
    {"http:///127.0.0.1:4455/", ""},
    {"http://:4455/", ""},
    {"dashboard", ""},
    // Other schemes.
    {"javascript:alert(1)", ""},
    {"JavaScript://127.0.0.1:4455/%0Aalert(1)", ""},
    {"data:text/html,hi", ""},
    {"ftp://127.0.0.1:4455/", ""},
    // Control characters, whitespace (browsers strip tab/CR/LF silently).
    {"http://127.0.0.1:4455/\tx", ""},
    {"http://evil\t.example/", ""},
    {"http://127.0.0.1:4455/\r\nSet-Cookie:x=1", ""},
    {" http://127.0.0.1:4455/", ""},
    {"http://127.0.0.1:4455/ x", ""},
    {std::string("http://127.0.0.1:4455/\0x", 24), ""},
    {"http://127.0.0.1:4455/\x7f", ""},
    // Hosts: escapes, IDN, trailing dots, numeric forms.
    {"http://evil%2eexample/", ""},
    {"http://127.0.0.1%3a4455/", ""},
    {"https://app.example.com./dashboard", ""},
    {"https://app..example.com/dashboard", ""},
    {"https://b\xc3\xbc"
     "cher.example.org/",
     ""},                                                  // bücher: IDN only in its xn-- form
    {"https://app.ex\xd0\xb0mple.com/dashboard", ""},      // Cyrillic 'а'
    {"https://\xef\xbd\x81pp.example.com/dashboard", ""},  // fullwidth 'ａ'
    {"http://0x7f.0.0.1:4455/", ""},
    {"http://2130706433:4455/", ""},
    {"http://127.1:4455/", ""},
    {"http://0177.0.0.1:4455/", ""},
    {"http://127.0.0.01:4455/", ""},
    {"http://127.0.0.1.:4455/", ""},
    {"http://[::1]:4455/", ""},
    // Ports and schemes must match the entry.
    {"http://127.0.0.1:4456/", ""},
    {"http://127.0.0.1/", ""},
    {"http://127.0.0.1:99999/", ""},
    {"http://127.0.0.1:44a55/", ""},
    {"https://127.0.0.1:4455/", ""},
    {"http://app.example.com/dashboard", ""},
    {"https://app.example.com:8443/dashboard", ""},
    // Path prefixes hold after dot-segment removal; encoded separators are refused.
    {"https://app.example.com/dashboard/../admin", ""},
    {"https://app.example.com/dashboard/%2e%2e/admin", ""},
    {"https://app.example.com/dashboard/%2E%2E/admin", ""},
    {"https://app.example.com/dashboard/.%2e/admin", ""},
    {"https://app.example.com/dashboard%2f..%2fadmin", ""},
    {"https://app.example.com/dashboard%5c..%5cadmin", ""},
    {"https://app.example.com/admin", ""},
    {"http://localhost:3000/ui/../admin", ""},
    {"/%2f%2fevil.example/", ""},
    // Wildcards and look-alike hosts.
    {"https://example.org/", ""},
    {"https://evil-example.org/", ""},
    {"https://a.example.org.evil.com/", ""},
    {"https://evil.com/.example.org/", ""},
    {"https://evil.com#.example.org", ""},
    {"https://evil.com?.example.org", ""},
};

TEST(ReturnToHostile, EveryRowIsFollowedExactlyAsABrowserReadsItOrRefused) {
    EXPECT_GE(std::size(kRows), 60u);
    for (const Row& row : kRows) {
        auto r = Validator().Check(row.return_to, "http://127.0.0.1:4455/");
        if (row.location.empty()) {
            EXPECT_FALSE(r.ok()) << "followed: " << row.return_to << " → " << (r.ok() ? *r : "");
            if (!r.ok()) {
                EXPECT_EQ(r.error().code, 400) << row.return_to;
                EXPECT_EQ(r.error().id, kReturnToForbiddenId) << row.return_to;
            }
        } else {
            if (!r.ok()) {
                ADD_FAILURE() << "refused: " << row.return_to << ": " << r.error().reason;
                continue;
            }
            EXPECT_EQ(*r, row.location) << row.return_to;
        }
    }
}

// The same values arriving as the return_to query parameter of a flow's request URL.
TEST(ReturnToHostile, TheQueryParameterFormIsCheckedTheSameWay) {
    auto r = Validator().Resolve(
        "http://127.0.0.1:4433/self-service/login/"
        "browser?return_to=http%3A%2F%2Fevil.example%5C%40127.0.0.1%3A4433%2Fself-service%2Fx",
        "http://127.0.0.1:4455/");
    EXPECT_FALSE(r.ok());
    auto ok = Validator().Resolve(
        "http://127.0.0.1:4433/self-service/login/"
        "browser?return_to=https%3A%2F%2FApp.example.com%3A443%2Fdashboard%2Fa",
        "http://127.0.0.1:4455/");
    ASSERT_TRUE(ok.ok());
    EXPECT_EQ(*ok, "https://app.example.com/dashboard/a");
}

}  // namespace
}  // namespace bia::selfservice
