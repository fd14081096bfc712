#include "crypto/hibp_client.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "core/clock.hpp"
#include "crypto/password_policy.hpp"
#include "testing/fake_http_client.hpp"
#include "testing/loopback_http_server.hpp"

namespace bia::crypto {
namespace {

using namespace std::chrono_literals;

using bia::testing::LoopbackServer;

TEST(HibpClient, BuildsRangeUrls) {
    EXPECT_EQ(PwnedRangeUrl("api.pwnedpasswords.com", "5BAA6"), "https://api.pwnedpasswords.com/range/5BAA6");
    EXPECT_EQ(PwnedRangeUrl("http://127.0.0.1:8080/", "5BAA6"), "http://127.0.0.1:8080/range/5BAA6");
    EXPECT_EQ(PwnedRangeUrl("https://mirror.example/hibp", "00000"), "https://mirror.example/hibp/range/00000");
}

TEST(HibpClient, FetchesARangeOverHttp) {
    LoopbackServer server(200, "1E4C9B93F3F0682250B6CF8331B7EE68FD8:10434004\r\n0018A45C4D1DEF81644B54AB7F969B88D65:1");
    HibpClient client;
    auto r = client.FetchRange(server.host(), "5BAA6");
    ASSERT_TRUE(r) << r.error().reason;
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "1E4C9B93F3F0682250B6CF8331B7EE68FD8:10434004\r\n0018A45C4D1DEF81644B54AB7F969B88D65:1");
    auto requests = server.requests();
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].rfind("GET /range/5BAA6 HTTP/1.1\r\n", 0), 0u) << requests[0];
    EXPECT_NE(requests[0].find("User-Agent: bia-password-policy"), std::string::npos) << requests[0];
}

TEST(HibpClient, NonOkStatusIsAValueNotAnError) {
    LoopbackServer server(503, "busy");
    auto r = HibpClient().FetchRange(server.host(), "5BAA6");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 503);
}

TEST(HibpClient, RefusedConnectionIsAnError) {
    auto r = HibpClient().FetchRange("http://127.0.0.1:" + std::to_string(bia::testing::UnusedLoopbackPort()), "5BAA6");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, 502);
    EXPECT_FALSE(r.error().reason.empty());
}

TEST(HibpClient, SilentServerTimesOut) {
    LoopbackServer server(200, "", /*silent=*/true);
    HibpClient client({.connect_timeout = 1000ms, .total_timeout = 300ms});
    const auto start = std::chrono::steady_clock::now();
    auto r = client.FetchRange(server.host(), "5BAA6");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, 502);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

TEST(HibpClient, OversizedBodyIsAnError) {
    LoopbackServer server(200, std::string(5000, 'A'));
    auto r = HibpClient({.max_body_bytes = 1000}).FetchRange(server.host(), "5BAA6");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, 502);
}

TEST(HibpClient, RejectsAnythingButFiveHexDigits) {
    HibpClient client;
    EXPECT_EQ(client.FetchRange("http://127.0.0.1:9", "5BAA").error().code, 400);
    EXPECT_EQ(client.FetchRange("http://127.0.0.1:9", "5BAA6/../x").error().code, 400);
    EXPECT_EQ(client.FetchRange("http://127.0.0.1:9", "5BAG6").error().code, 400);
}

// The policy with the real client end to end: "password" is reported breached by the server.
TEST(HibpClient, PolicyRejectsABreachedPasswordServedOverLoopback) {
    LoopbackServer server(200, "1E4C9B93F3F0682250B6CF8331B7EE68FD8:42\r\n");
    HibpClient client;
    core::FakeClock clock;
    PasswordPolicy policy({.hibp_host = server.host()}, client, clock);
    auto r = policy.Check("password", {"someone@example.org"});
    ASSERT_TRUE(r) << r.error().reason;
    ASSERT_TRUE(r->has_value());
    EXPECT_EQ((*r)->rule, PasswordViolation::Rule::kBreached);
    EXPECT_EQ((*r)->context["breaches"], 42);
    // Cached: a second check makes no request.
    ASSERT_TRUE(policy.Check("password", {"someone@example.org"}));
    EXPECT_EQ(server.requests().size(), 1u);
}

TEST(HibpClient, PolicyReportsAnUnreachableServiceWhenAskedTo) {
    LoopbackServer server(500, "oops");
    HibpClient client;
    core::FakeClock clock;
    PasswordPolicy strict({.hibp_host = server.host(), .ignore_network_errors = false}, client, clock);
    auto r = strict.Check("correct horse battery staple", {});
    ASSERT_TRUE(r && r->has_value());
    EXPECT_EQ((*r)->reason, "unexpected status code: 500");
    PasswordPolicy lenient({.hibp_host = server.host()}, client, clock);
    EXPECT_FALSE(lenient.Check("correct horse battery staple", {})->has_value());
}

}  // namespace
}  // namespace bia::crypto

namespace bia::crypto {
namespace {

// What HibpClient asks of the outbound client, and how it reads each kind of answer.
TEST(HibpClient, AsksTheHttpClientWithItsLimits) {
    net::HttpResponse ok;
    ok.status = 200;
    ok.body = "0018A45C4D1DEF81644B54AB7F969B88D65:1\r\n";
    net::HttpResponse big;
    big.failure = net::HttpResponse::Failure::kTooLarge;
    big.error = "too large";
    bia::testing::FakeHttpClient http({ok, big});
    HibpClient client({.connect_timeout = 1000ms, .total_timeout = 5000ms, .max_body_bytes = 1234}, http);
    auto r = client.FetchRange("api.pwnedpasswords.com", "5BAA6");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, ok.body);
    ASSERT_EQ(http.requests.size(), 1u);
    const net::HttpRequest& sent = http.requests[0];
    EXPECT_EQ(sent.method, "GET");
    EXPECT_EQ(sent.url, "https://api.pwnedpasswords.com/range/5BAA6");
    EXPECT_EQ(sent.connect_timeout, 1000ms);
    EXPECT_EQ(sent.timeout, 5000ms);
    EXPECT_EQ(sent.max_body_bytes, 1234u);
    EXPECT_EQ(sent.max_redirects, 0);
    EXPECT_EQ(sent.user_agent, "bia-password-policy");
    auto oversized = client.FetchRange("api.pwnedpasswords.com", "5BAA6");
    ASSERT_FALSE(oversized);
    EXPECT_EQ(oversized.error().code, 502);
    EXPECT_NE(oversized.error().reason.find("oversized"), std::string::npos);
}

}  // namespace
}  // namespace bia::crypto
