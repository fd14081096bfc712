#include "http/router.hpp"

#include <gtest/gtest.h>

namespace bia::http {
namespace {

Request Req(std::string method, std::string path) {
    Request r;
    r.method = std::move(method);
    r.path = std::move(path);
    r.target = r.path;
    return r;
}

Handler Tag(std::string tag) {
    return [tag](Request&) {
        Response r;
        r.body = tag;
        return r;
    };
}

std::string Dispatch(const Router& router, Request& req) {
    auto m = router.Find(req);
    if (m.kind != Router::MatchKind::kFound) return "unmatched";
    return m.route->handler(req).body;
}

TEST(Router, MatchesLiteralAndParamSegments) {
    Router router;
    router.Add("GET", "/admin/identities", Tag("list"));
    router.Add("GET", "/admin/identities/{id}", Tag("get"));
    router.Add("GET", "/admin/identities/{id}/sessions", Tag("sessions"));
    router.Add("GET", "/", Tag("root"));

    auto r1 = Req("GET", "/admin/identities/abc-123");
    EXPECT_EQ(Dispatch(router, r1), "get");
    EXPECT_EQ(r1.Param("id"), "abc-123");

    auto r2 = Req("GET", "/admin/identities/x/sessions");
    EXPECT_EQ(Dispatch(router, r2), "sessions");
    EXPECT_EQ(r2.Param("id"), "x");

    auto r3 = Req("GET", "/admin/identities");
    EXPECT_EQ(Dispatch(router, r3), "list");
    EXPECT_TRUE(r3.params.empty());

    auto r4 = Req("GET", "/");
    EXPECT_EQ(Dispatch(router, r4), "root");
}

TEST(Router, NotFoundCases) {
    Router router;
    router.Add("GET", "/a/{id}", Tag("a"));
    for (const char* path : {"/a", "/a/", "/a/x/", "/a/x/y", "/b/x", "", "a/x", "//a/x"}) {
        auto r = Req("GET", path);
        EXPECT_EQ(router.Find(r).kind, Router::MatchKind::kNotFound) << path;
        EXPECT_TRUE(r.params.empty()) << path;
    }
}

TEST(Router, AParameterFirstSegmentMatchesWhateverTheLiteralRoutesSkip) {
    Router router;
    router.Add("GET", "/sessions/whoami", Tag("whoami"));
    router.Add("GET", "/{tenant}/whoami", Tag("tenant"));
    router.Add("GET", "/health/alive", Tag("alive"));
    auto r = Req("GET", "/acme/whoami");
    EXPECT_EQ(Dispatch(router, r), "tenant");
    EXPECT_EQ(r.Param("tenant"), "acme");
    auto literal = Req("GET", "/sessions/whoami");
    EXPECT_EQ(Dispatch(router, literal), "whoami");
    auto alive = Req("GET", "/health/alive");
    EXPECT_EQ(Dispatch(router, alive), "alive");
    auto other = Req("GET", "/health/whoami");
    EXPECT_EQ(Dispatch(router, other), "tenant");
    auto none = Req("GET", "/sessionsx/whoami/x");
    EXPECT_EQ(router.Find(none).kind, Router::MatchKind::kNotFound);
}

TEST(Router, LiteralBeatsParamRegardlessOfOrder) {
    Router router;
    router.Add("GET", "/sessions/{id}", Tag("by-id"));
    router.Add("GET", "/sessions/whoami", Tag("whoami"));
    auto r = Req("GET", "/sessions/whoami");
    EXPECT_EQ(Dispatch(router, r), "whoami");
    EXPECT_TRUE(r.params.empty());
    auto r2 = Req("GET", "/sessions/other");
    EXPECT_EQ(Dispatch(router, r2), "by-id");
}

TEST(Router, MethodNotAllowedAndStar) {
    Router router;
    router.Add("GET", "/x", Tag("get"));
    router.Add("POST", "/x", Tag("post"));
    router.Add("*", "/any", Tag("any"));

    auto put = Req("PUT", "/x");
    auto m = router.Find(put);
    EXPECT_EQ(m.kind, Router::MatchKind::kMethodNotAllowed);
    EXPECT_EQ(m.route, nullptr);
    Response resp = router.Unmatched(m.kind, put);
    EXPECT_EQ(resp.status, 405);
    EXPECT_EQ(resp.Header("Allow"), "GET, POST");
    EXPECT_EQ(resp.Header("Content-Type"), "application/json");
    EXPECT_EQ(nlohmann::json::parse(resp.body)["error"]["code"], 405);

    auto post = Req("POST", "/x");
    EXPECT_EQ(Dispatch(router, post), "post");
    auto del = Req("DELETE", "/any");
    EXPECT_EQ(Dispatch(router, del), "any");
}

TEST(Router, HeadFallsBackToGet) {
    Router router;
    router.Add("GET", "/health/alive", Tag("get"));
    router.Add("GET", "/h", Tag("get-h"));
    router.Add("HEAD", "/h", Tag("head-h"));
    auto r = Req("HEAD", "/health/alive");
    EXPECT_EQ(Dispatch(router, r), "get");
    auto r2 = Req("HEAD", "/h");
    EXPECT_EQ(Dispatch(router, r2), "head-h");
}

TEST(Router, DefaultAndCustomFallback) {
    Router router;
    router.Add("GET", "/x", Tag("x"));
    auto r = Req("GET", "/nope");
    r.headers.emplace_back("X-Request-ID", "rid");
    auto m = router.Find(r);
    ASSERT_EQ(m.kind, Router::MatchKind::kNotFound);
    Response resp = router.Unmatched(m.kind, r);
    EXPECT_EQ(resp.status, 404);
    auto j = nlohmann::json::parse(resp.body);
    EXPECT_EQ(j["error"]["code"], 404);
    EXPECT_EQ(j["error"]["status"], "Not Found");
    EXPECT_EQ(j["error"]["request"], "rid");
    EXPECT_EQ(j["error"]["message"], "The requested resource could not be found");

    router.SetFallback([](Request& req) { return Response::Redirect(307, "/admin" + req.path); });
    Response fb = router.Unmatched(Router::MatchKind::kNotFound, r);
    EXPECT_EQ(fb.status, 307);
    EXPECT_EQ(fb.Header("Location"), "/admin/nope");
}

TEST(Router, ParamsArePercentDecodedAndAddManyRegistersEach) {
    Router router;
    router.AddMany({"GET", "DELETE"}, "/items/{name}/{sub}", Tag("item"), Execution::kOffload);
    auto r = Req("DELETE", "/items/a%20b/%zz");
    auto m = router.Find(r);
    ASSERT_EQ(m.kind, Router::MatchKind::kFound);
    EXPECT_EQ(m.route->execution, Execution::kOffload);
    EXPECT_EQ(r.Param("name"), "a b");
    EXPECT_EQ(r.Param("sub"), "%zz");  // malformed escape kept raw
}

}  // namespace
}  // namespace bia::http
