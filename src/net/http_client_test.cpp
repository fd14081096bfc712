// CurlHttpClient against a real HTTP peer on loopback: answers, limits, redirects, schemes,
// timeouts and cancellation.
#include "net/http_client.hpp"

#include <gtest/gtest.h>

#include "testing/loopback_http_server.hpp"

namespace bia::net {
namespace {

using namespace std::chrono_literals;
using testing::LoopbackServer;

TEST(CurlHttpClient, SendsTheRequestAndReadsTheAnswer) {
    LoopbackServer server(201, "made", false, "X-Answer: yes\r\n");
    CurlHttpClient client;
    HttpRequest r;
    r.method = "PUT";
    r.url = server.host() + "/things?x=1";
    r.headers = {{"X-Api-Key", "k1"}};
    r.body = "payload";
    HttpResponse a = client.Send(r);
    ASSERT_TRUE(a.ok()) << a.error;
    EXPECT_EQ(a.status, 201);
    EXPECT_EQ(a.body, "made");
    EXPECT_EQ(a.Header("x-answer"), "yes");
    EXPECT_FALSE(a.Header("X-Missing"));
    ASSERT_EQ(server.requests().size(), 1u);
    const std::string seen = server.requests()[0];
    EXPECT_EQ(seen.rfind("PUT /things?x=1 HTTP/1.1\r\n", 0), 0u) << seen;
    EXPECT_NE(seen.find("X-Api-Key: k1\r\n"), std::string::npos);
    EXPECT_EQ(seen.find("Expect:"), std::string::npos);
}

TEST(CurlHttpClient, AnOversizedAnswerFailsOrIsTruncatedAsAsked) {
    LoopbackServer server(200, std::string(5000, 'A'));
    CurlHttpClient client;
    HttpRequest r;
    r.url = server.host();
    r.max_body_bytes = 1000;
    HttpResponse failed = client.Send(r);
    EXPECT_EQ(failed.failure, HttpResponse::Failure::kTooLarge);
    EXPECT_TRUE(failed.body.empty());
    r.overflow = HttpRequest::Overflow::kTruncate;
    HttpResponse cut = client.Send(r);
    ASSERT_TRUE(cut.ok()) << cut.error;
    EXPECT_EQ(cut.status, 200);
    EXPECT_EQ(cut.body.size(), 1000u);
    EXPECT_TRUE(cut.truncated);
}

TEST(CurlHttpClient, RedirectsAreFollowedOnlyWhenAsked) {
    LoopbackServer target(200, "moved here");
    LoopbackServer server(302, "", false, "Location: " + target.host() + "/new\r\n");
    CurlHttpClient client;
    HttpRequest r;
    r.url = server.host() + "/old";
    HttpResponse stay = client.Send(r);
    ASSERT_TRUE(stay.ok()) << stay.error;
    EXPECT_EQ(stay.status, 302) << "a 3xx is the answer by default";
    EXPECT_TRUE(target.requests().empty());
    r.max_redirects = 2;
    HttpResponse followed = client.Send(r);
    ASSERT_TRUE(followed.ok()) << followed.error;
    EXPECT_EQ(followed.status, 200);
    EXPECT_EQ(followed.body, "moved here");
}

TEST(CurlHttpClient, OnlyHttpAndHttpsAreSpoken) {
    CurlHttpClient client;
    for (const char* url : {"file:///etc/passwd", "gopher://127.0.0.1/", "ftp://127.0.0.1/"}) {
        HttpRequest r;
        r.url = url;
        HttpResponse a = client.Send(r);
        EXPECT_EQ(a.failure, HttpResponse::Failure::kPermanent) << url << ": " << a.error;
        EXPECT_TRUE(a.body.empty());
    }
}

TEST(CurlHttpClient, SilentPeerTimesOutAndCancellationAborts) {
    LoopbackServer server(200, "", /*silent=*/true);
    CurlHttpClient client;
    HttpRequest r;
    r.url = server.host();
    r.timeout = 300ms;
    auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(client.Send(r).failure, HttpResponse::Failure::kTimeout);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);

    r.timeout = 30s;
    start = std::chrono::steady_clock::now();
    r.cancelled = [start] { return std::chrono::steady_clock::now() - start > 200ms; };
    EXPECT_EQ(client.Send(r).failure, HttpResponse::Failure::kCancelled);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST(CurlHttpClient, RefusedConnectionIsATransportFailure) {
    HttpRequest r;
    r.url = "http://127.0.0.1:" + std::to_string(testing::UnusedLoopbackPort()) + "/";
    HttpResponse a = CurlHttpClient().Send(r);
    EXPECT_EQ(a.failure, HttpResponse::Failure::kTransport);
    EXPECT_FALSE(a.error.empty());
}

TEST(HttpDate, ParsesRfc7231Dates) {
    EXPECT_EQ(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"), std::time_t{784111777});
    EXPECT_FALSE(ParseHttpDate("soon"));
}

}  // namespace
}  // namespace bia::net
