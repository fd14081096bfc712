#include "http/message.hpp"

#include <gtest/gtest.h>

namespace bia::http {
namespace {

Request WithHeaders(std::vector<std::pair<std::string, std::string>> headers) {
    Request r;
    r.method = "GET";
    r.target = "/";
    r.path = "/";
    r.headers = std::move(headers);
    return r;
}

const std::vector<std::string> kJsonRequestOffers = {"text/html", "text/*", "*/*", "application/json"};

// settings-flow.md §1.2: the listed consequences.
TEST(Negotiation, SpecConsequences) {
    EXPECT_FALSE(WithHeaders({}).IsJsonRequest()) << "no Accept → HTML";
    EXPECT_FALSE(WithHeaders({{"Accept", "*/*"}}).IsJsonRequest());
    EXPECT_TRUE(WithHeaders({{"Accept", "application/json"}}).IsJsonRequest());
    EXPECT_TRUE(WithHeaders({{"Accept", "application/json, text/plain, */*"}}).IsJsonRequest());
    EXPECT_FALSE(WithHeaders({{"Accept",
                               "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
                               "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"}})
                     .IsJsonRequest());
    EXPECT_TRUE(WithHeaders({{"Accept", "application/*"}}).IsJsonRequest());
}

TEST(Negotiation, ContentTypeMustBeByteEqual) {
    EXPECT_TRUE(WithHeaders({{"Content-Type", "application/json"}}).IsJsonRequest());
    EXPECT_FALSE(WithHeaders({{"Content-Type", "application/json; charset=utf-8"}}).IsJsonRequest());
    EXPECT_FALSE(WithHeaders({{"Content-Type", "Application/JSON"}}).IsJsonRequest());
    EXPECT_FALSE(WithHeaders({{"Content-Type", "application/x-www-form-urlencoded"}}).IsJsonRequest());
    // Header names are case-insensitive even though the value comparison is byte-exact.
    EXPECT_TRUE(WithHeaders({{"content-type", "application/json"}}).IsJsonRequest());
}

TEST(Negotiation, AlgorithmTable) {
    struct Case {
        std::string accept;
        std::string want;
    };
    const std::vector<Case> cases = {
        {"", "text/html"},  // nothing parsed → default
        {"text/html", "text/html"},
        {"text/plain", "text/html"},  // matches no offer → default
        {"application/json;q=0.5, text/html;q=0.4", "application/json"},
        {"application/json;q=0.5, */*;q=0.5", "application/json"},  // exact beats wildcard at equal q
        {"application/json;q=0.4, */*;q=0.5", "text/html"},         // higher q wins
        {"application/json;q=0", "text/html"},                      // q=0 ignored
        {"text/*", "text/html"},                                    // first offer starting with text/
        {"application/json;level=1", "text/html"},                  // non-q parameter ends parsing (gddo)
        {"application/json ; q=1.0", "application/json"},
        {"text/plain;q=abc, application/json", "text/html"},  // bad quality drops the rest of the header
        {"garbage", "text/html"},
        {",application/json", "text/html"},  // leading comma: empty token → stop
        {"image/png, application/json", "application/json"},
        {"APPLICATION/JSON", "text/html"},  // media types compared byte-wise
        {"text/html;q=0.9, application/json", "application/json"},
    };
    for (const auto& c : cases) {
        EXPECT_EQ(NegotiateContentType(c.accept, kJsonRequestOffers, "text/html"), c.want) << "Accept: " << c.accept;
    }
}

TEST(Negotiation, MultipleAcceptHeadersAreAllConsidered) {
    EXPECT_TRUE(WithHeaders({{"Accept", "text/plain"}, {"accept", "application/json"}}).IsJsonRequest());
    // A malformed first header does not hide the second.
    EXPECT_TRUE(WithHeaders({{"Accept", "text/html;level=1"}, {"Accept", "application/json"}}).IsJsonRequest());
}

TEST(Negotiation, AcceptsJsonUsesNarrowOffers) {
    EXPECT_FALSE(WithHeaders({}).AcceptsJson());
    EXPECT_FALSE(WithHeaders({{"Accept", "*/*"}}).AcceptsJson());
    EXPECT_TRUE(WithHeaders({{"Accept", "application/json"}}).AcceptsJson());
    EXPECT_TRUE(WithHeaders({{"Accept", "application/*"}}).AcceptsJson());
    EXPECT_FALSE(WithHeaders({{"Accept", "text/html,application/json;q=0.9"}}).AcceptsJson());
    // Content-Type does not matter for this one.
    EXPECT_FALSE(WithHeaders({{"Content-Type", "application/json"}}).AcceptsJson());
}

TEST(Cookies, ParsesPairsAndToleratesJunk) {
    auto c = ParseCookieHeader("a=1; b=two;c=\"quoted\" ;  ; bad name=x; =novalue; d=; e; f=has\"quote; g=x=y");
    std::vector<std::pair<std::string, std::string>> want = {{"a", "1"}, {"b", "two"}, {"c", "quoted"},
                                                             {"d", ""},  {"e", ""},    {"g", "x=y"}};
    EXPECT_EQ(c, want);
    EXPECT_TRUE(ParseCookieHeader("").empty());
    EXPECT_TRUE(ParseCookieHeader(";;;").empty());
    EXPECT_TRUE(ParseCookieHeader("\x01\x02=\x7f").empty());
}

TEST(Cookies, QuotesOnlyStrippedWhenBalanced) {
    auto c = ParseCookieHeader("a=\"x; b=\"; c=\"\"");
    // `a="x` holds a quote → skipped; `b="` is one quote → invalid; `c=""` → empty value.
    std::vector<std::pair<std::string, std::string>> want = {{"c", ""}};
    EXPECT_EQ(c, want);
}

TEST(Cookies, RequestLooksAcrossAllCookieHeaders) {
    Request r = WithHeaders(
        {{"Cookie", "a=1; csrf_token=abc"}, {"X-Other", "z=9"}, {"cookie", "ory_kratos_session=sess; a=shadowed"}});
    EXPECT_EQ(r.Cookie("a"), "1");
    EXPECT_EQ(r.Cookie("ory_kratos_session"), "sess");
    EXPECT_EQ(r.Cookie("csrf_token"), "abc");
    EXPECT_FALSE(r.Cookie("z").has_value());
    EXPECT_FALSE(r.Cookie("missing").has_value());
    std::vector<std::string> names = {"a", "csrf_token", "ory_kratos_session", "a"};
    EXPECT_EQ(r.CookieNames(), names);
}

TEST(Request, HeadersAreCaseInsensitiveFirstWins) {
    Request r = WithHeaders({{"X-Request-ID", "rid-1"}, {"x-request-id", "rid-2"}, {"Host", "a.example"}});
    EXPECT_EQ(r.Header("x-REQUEST-id"), "rid-1");
    EXPECT_EQ(r.RequestId(), "rid-1");
    EXPECT_FALSE(r.Header("Accept").has_value());
    EXPECT_EQ(WithHeaders({}).RequestId(), "");
}

TEST(Request, ParamsAndContentMediaType) {
    Request r = WithHeaders({{"Content-Type", " Application/X-WWW-Form-Urlencoded ; charset=UTF-8"}});
    r.params = {{"id", "42"}};
    EXPECT_EQ(r.Param("id"), "42");
    EXPECT_EQ(r.Param("other"), "");
    EXPECT_EQ(r.ContentMediaType(), "application/x-www-form-urlencoded");
    EXPECT_EQ(WithHeaders({}).ContentMediaType(), "");
}

TEST(Request, FullUrlUsesSchemeHostAndTarget) {
    Request r = WithHeaders(
        {{"Host", "auth.example.com:4433"}, {"X-Forwarded-Host", "proxy.example"}, {"X-Forwarded-Proto", "https"}});
    r.target = "/self-service/settings/browser?return_to=%2Fx";
    EXPECT_EQ(r.FullUrl(), "http://auth.example.com:4433/self-service/settings/browser?return_to=%2Fx");
    EXPECT_EQ(r.FullUrl(true), "https://proxy.example/self-service/settings/browser?return_to=%2Fx");
    r.tls = true;
    EXPECT_EQ(r.FullUrl(), "https://auth.example.com:4433/self-service/settings/browser?return_to=%2Fx");
    r.target = "http://other.example/p?q=1";  // absolute-form: its host wins
    r.tls = false;
    EXPECT_EQ(r.FullUrl(), "http://other.example/p?q=1");
}

TEST(SetCookie, SerializesAttributesInGoOrder) {
    SetCookie c;
    c.name = "ory_kratos_session";
    c.value = "abc";
    c.domain = ".example.com";
    c.max_age = 3600;
    c.secure = true;
    EXPECT_EQ(c.Serialize(),
              "ory_kratos_session=abc; Path=/; Domain=example.com; Max-Age=3600; HttpOnly; Secure; SameSite=Lax");
}

TEST(SetCookie, NegativeMaxAgeDeletes) {
    SetCookie c;
    c.name = "csrf_token";
    c.value = "";
    c.max_age = -1;
    c.same_site = "";
    c.http_only = false;
    EXPECT_EQ(c.Serialize(), "csrf_token=; Path=/; Expires=Thu, 01 Jan 1970 00:00:01 GMT; Max-Age=0");
}

TEST(SetCookie, ExpiresSameSiteAndSanitising) {
    SetCookie c;
    c.name = "bad\r\nname";
    c.value = "a b;\"c\\";
    c.path = "/p;x\n";
    c.domain = "evil.com; Secure";
    c.same_site = "strict";
    c.expires = std::chrono::system_clock::from_time_t(1700000000);
    c.http_only = false;
    EXPECT_EQ(c.Serialize(), "badname=\"a bc\"; Path=/px; Expires=Tue, 14 Nov 2023 22:13:20 GMT; SameSite=Strict");
    c.same_site = "None";
    c.path.clear();
    c.expires.reset();
    c.max_age = 0;
    EXPECT_EQ(c.Serialize(), "badname=\"a bc\"; Max-Age=0; SameSite=None");
    // Nothing to drop: the value is kept whole, and still quoted for a space or a comma.
    c.name = "n";
    for (const auto& [value, written] :
         {std::pair{"a,b", "\"a,b\""}, std::pair{"a b", "\"a b\""}, std::pair{"ab", "ab"}}) {
        c.value = value;
        EXPECT_EQ(c.Serialize(), std::string("n=") + written + "; Max-Age=0; SameSite=None") << value;
    }
}

TEST(Response, JsonHasCharset) {
    Response r = Response::Json(201, {{"a", 1}});
    EXPECT_EQ(r.status, 201);
    EXPECT_EQ(r.Header("content-type"), "application/json; charset=utf-8");
    EXPECT_EQ(r.body, R"({"a":1})");
    // Invalid UTF-8 must not throw.
    Response bad = Response::Json(200, {{"s", std::string("\xff\xfe")}});
    EXPECT_EQ(bad.status, 200);
    EXPECT_FALSE(bad.body.empty());
}

TEST(Response, ErrorWritesEnvelopeWithoutCharset) {
    core::Error e = std::move(core::Error(401, "No valid session.")).WithId("session_inactive");
    Response r = Response::Error(e, "req-7");
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(r.Header("Content-Type"), "application/json");
    EXPECT_EQ(r.Header("Ory-Error-Id"), "session_inactive");
    auto j = nlohmann::json::parse(r.body);
    EXPECT_EQ(j["error"]["code"], 401);
    EXPECT_EQ(j["error"]["id"], "session_inactive");
    EXPECT_EQ(j["error"]["status"], "Unauthorized");
    EXPECT_EQ(j["error"]["request"], "req-7");
    EXPECT_EQ(j["error"]["reason"], "No valid session.");
    EXPECT_EQ(j["error"]["message"], "The request could not be authorized");
    EXPECT_EQ(Response::Error(core::Error(404, "")).Header("Ory-Error-Id"), "");
}

TEST(Response, RedirectHeadersAndNoContent) {
    Response r = Response::Redirect(303, "https://ui.example/settings?flow=1");
    EXPECT_EQ(r.status, 303);
    EXPECT_EQ(r.Header("location"), "https://ui.example/settings?flow=1");
    EXPECT_EQ(Response::NoContent().status, 204);

    Response h;
    h.AddHeader("Set-Cookie", "a=1").AddHeader("set-cookie", "b=2").AddHeader("X", "1");
    h.SetHeader("SET-COOKIE", "c=3");
    ASSERT_EQ(h.headers.size(), 2u);
    EXPECT_EQ(h.headers[0].second, "c=3");
    EXPECT_EQ(h.headers[1].first, "X");
    h.AddCookie(SetCookie{.name = "n", .value = "v"});
    EXPECT_EQ(h.headers.back().second, "n=v; Path=/; HttpOnly; SameSite=Lax");
}

}  // namespace
}  // namespace bia::http
