// The admin courier routes over an in-memory queue: filters, keyset pages through the Link
// header, the message JSON, and 400/404 envelopes.
#include "http/routes/courier_routes.hpp"

#include <gtest/gtest.h>

#include "core/random.hpp"
#include "testing/memory_messages.hpp"

namespace bia::http::routes {
namespace {

using nlohmann::json;

struct CourierAdmin {
    testing::MemoryMessages messages;
    CourierRoutes routes{messages};
    Router admin;
    core::SeededRandom random{11};
    CourierAdmin() { routes.Register(admin); }

    courier::Message Add(const std::string& to, int second, courier::MessageStatus status) {
        courier::Message m;
        m.id = core::Uuid::V4(random);
        m.recipient = to;
        m.subject = "s";
        m.body = "b";
        m.html_body = "<p>h</p>";
        m.status = status;
        m.template_type = "recovery_code_valid";
        m.created_at = m.updated_at = m.next_attempt_at = core::TimePoint(std::chrono::seconds(1700000000 + second));
        EXPECT_TRUE(messages.Add(m));
        return m;
    }
    Response Call(const std::string& target) {
        Request r;
        r.method = "GET";
        r.target = target;
        const size_t q = target.find('?');
        r.path = target.substr(0, q);
        if (q != std::string::npos) {
            r.raw_query = target.substr(q + 1);
            r.query = core::Query::Parse(r.raw_query);
        }
        auto m = admin.Find(r);
        if (m.kind != Router::MatchKind::kFound) return Response::Json(599, "unmatched");
        return m.route->handler(r);
    }
};

std::string NextLink(const Response& r) {
    const std::string link(r.Header("Link").value_or(""));
    const size_t rel = link.find(">; rel=\"next\"");
    if (rel == std::string::npos) return "";
    const size_t open = link.rfind('<', rel);
    return link.substr(open + 1, rel - open - 1);
}

TEST(CourierRoutes, ListsNewestFirstAndPagesThroughTheLinkHeader) {
    CourierAdmin t;
    std::vector<std::string> ids;
    for (int i = 0; i < 5; ++i) ids.push_back(t.Add("a@example.com", i, courier::MessageStatus::kQueued).id.ToString());
    std::vector<std::string> seen;
    std::string target = "/admin/courier/messages?page_size=2";
    int pages = 0;
    while (!target.empty() && pages < 10) {
        const Response r = t.Call(target);
        ASSERT_EQ(r.status, 200) << r.body;
        EXPECT_NE(r.Header("Link").value_or("").find("rel=\"first\""), std::string::npos);
        for (const auto& m : json::parse(r.body)) seen.push_back(m["id"]);
        target = NextLink(r);
        ++pages;
    }
    EXPECT_EQ(pages, 3);
    EXPECT_EQ(seen, std::vector<std::string>(ids.rbegin(), ids.rend()));
}

TEST(CourierRoutes, FiltersByStatusAndRecipient) {
    CourierAdmin t;
    t.Add("a@example.com", 1, courier::MessageStatus::kSent);
    const auto b = t.Add("b@example.com", 2, courier::MessageStatus::kSent);
    t.Add("b@example.com", 3, courier::MessageStatus::kAbandoned);
    const Response r = t.Call("/admin/courier/messages?status=sent&recipient=b%40example.com");
    ASSERT_EQ(r.status, 200);
    const json body = json::parse(r.body);
    ASSERT_EQ(body.size(), 1u);
    EXPECT_EQ(body[0]["id"], b.id.ToString());
    EXPECT_EQ(body[0]["status"], "sent");
    EXPECT_FALSE(body[0].contains("html_body"));
    EXPECT_EQ(NextLink(r), "");
}

TEST(CourierRoutes, GetsOneMessageAndAnswersKratosEnvelopes) {
    CourierAdmin t;
    const auto m = t.Add("a@example.com", 1, courier::MessageStatus::kQueued);
    const Response got = t.Call("/admin/courier/messages/" + m.id.ToString());
    ASSERT_EQ(got.status, 200);
    EXPECT_EQ(json::parse(got.body), courier::ToJson(m));
    EXPECT_EQ(t.Call("/admin/courier/messages/" + core::Uuid::V4(t.random).ToString()).status, 404);
    EXPECT_EQ(t.Call("/admin/courier/messages/nope").status, 404);
    for (const char* q : {"status=failed", "page_size=0", "page_size=1001", "page_size=ten", "page_token=%%%"}) {
        const Response r = t.Call(std::string("/admin/courier/messages?") + q);
        EXPECT_EQ(r.status, 400) << q;
        EXPECT_EQ(json::parse(r.body)["error"]["code"], 400) << q;
    }
}

}  // namespace
}  // namespace bia::http::routes
