// /health/ready must not tell the public what the database error says (issue 13): the public port
// answers Kratos's obfuscated text, the admin port a reason with credentials masked, and the full
// error (credentials masked) goes to the server log.
#include "http/routes/system_routes.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

#include "core/encoding.hpp"

namespace bia::http::routes {
namespace {

using nlohmann::json;

// What a libpq failure can look like when a backend puts the driver's text into the error.
constexpr char kReadyLeakyReason[] =
    "connection to server at \"db.internal.example\" (10.1.2.3), port 6543 failed: FATAL: password "
    "authentication failed for user \"bia_owner\" database \"bia_prod\" "
    "dsn=postgres://bia_owner:s3cr3t-pw@db.internal.example:6543/bia_prod password=s3cr3t-pw";
constexpr char kReadyLeakyDebug[] =
    "cannot connect to postgres://bia_owner:s3cr3t-pw@db.internal.example:6543/bia_prod";

std::unique_ptr<schema::SchemaRegistry> ReadySchemas() {
    auto r = schema::SchemaRegistry::Load(
        {{"default", "base64://" + core::Base64Encode(R"({"type":"object","properties":{"traits":{}}})")}}, "default");
    if (!r) ADD_FAILURE() << r.error().reason;
    return std::move(r).value();
}

Request ReadyGet(std::string path) {
    Request r;
    r.method = "GET";
    r.path = std::move(path);
    r.target = r.path;
    return r;
}

struct ReadyRoutes {
    std::unique_ptr<schema::SchemaRegistry> schemas = ReadySchemas();
    SystemRoutes system;
    Router pub, adm;
    explicit ReadyRoutes(std::function<core::Status()> ready)
        : system(*schemas, SystemOptions{"v0", "http://127.0.0.1:4433/", "http://127.0.0.1:4434/", std::move(ready)}) {
        system.RegisterPublic(pub);
        system.RegisterAdmin(adm);
    }
    static Response Call(const Router& router, const std::string& path) {
        Request r = ReadyGet(path);
        auto m = router.Find(r);
        if (m.kind != Router::MatchKind::kFound) return Response::Json(599, "unmatched");
        return m.route->handler(r);
    }
};

core::Status LeakyPing() {
    core::Error e = core::Unavailable(kReadyLeakyReason);
    e.debug = kReadyLeakyDebug;
    return e;
}

// Captures the default logger's lines for the lifetime of the object.
class ReadyLogCapture {
  public:
    ReadyLogCapture() : previous_(spdlog::default_logger()) {
        auto logger = std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::ostream_sink_mt>(out_));
        logger->set_pattern("%v");
        spdlog::set_default_logger(logger);
    }
    ~ReadyLogCapture() { spdlog::set_default_logger(previous_); }
    std::string text() const { return out_.str(); }

  private:
    std::ostringstream out_;
    std::shared_ptr<spdlog::logger> previous_;
};

TEST(HealthReady, OkIs200OnBothPorts) {
    ReadyRoutes w([] { return core::Status{}; });
    for (auto* router : {&w.pub, &w.adm}) {
        for (const char* path : {"/health/ready", "/admin/health/ready"}) {
            if (router == &w.pub && std::string_view(path).starts_with("/admin")) continue;
            auto r = ReadyRoutes::Call(*router, path);
            EXPECT_EQ(r.status, 200) << path;
            EXPECT_EQ(json::parse(r.body), (json{{"status", "ok"}})) << path;
        }
    }
}

TEST(HealthReady, PublicPortAnswersKratosObfuscatedTextOnly) {
    ReadyLogCapture log;
    ReadyRoutes w(LeakyPing);
    auto r = ReadyRoutes::Call(w.pub, "/health/ready");
    EXPECT_EQ(r.status, 503);
    EXPECT_EQ(json::parse(r.body),
              (json{{"errors", {{"database", "error may contain sensitive information and was obfuscated"}}}}));
    for (const char* secret : {"db.internal", "10.1.2.3", "6543", "bia_owner", "bia_prod", "s3cr3t"})
        EXPECT_EQ(r.body.find(secret), std::string::npos) << secret << " leaked: " << r.body;
}

TEST(HealthReady, AdminPortSharesTheReasonWithCredentialsMasked) {
    ReadyLogCapture log;
    ReadyRoutes w(LeakyPing);
    for (const char* path : {"/health/ready", "/admin/health/ready"}) {
        auto r = ReadyRoutes::Call(w.adm, path);
        EXPECT_EQ(r.status, 503) << path;
        const json body = json::parse(r.body);
        ASSERT_TRUE(body["errors"]["database"].is_string()) << r.body;
        const std::string shown = body["errors"]["database"];
        // The operator's port says what is wrong (as Kratos's admin port does) ...
        EXPECT_NE(shown.find("password authentication failed"), std::string::npos) << shown;
        // ... but never a password, whether in a URL's userinfo or a key=value DSN.
        EXPECT_EQ(shown.find("s3cr3t"), std::string::npos) << shown;
        EXPECT_NE(shown.find("postgres://bia_owner:xxxxx@"), std::string::npos) << shown;
        EXPECT_NE(shown.find("password=xxxxx"), std::string::npos) << shown;
    }
}

TEST(HealthReady, FailureIsLoggedWithoutPasswords) {
    ReadyLogCapture log;
    ReadyRoutes w(LeakyPing);
    (void)ReadyRoutes::Call(w.pub, "/health/ready");
    const std::string text = log.text();
    ASSERT_FALSE(text.empty());
    const json event = json::parse(text.substr(0, text.find('\n')));
    EXPECT_EQ(event["msg"], "readiness check failed");
    EXPECT_EQ(event["check"], "database");
    EXPECT_NE(std::string(event["error"]).find("password authentication failed"), std::string::npos) << text;
    EXPECT_NE(std::string(event["debug"]).find("db.internal.example:6543/bia_prod"), std::string::npos) << text;
    EXPECT_EQ(text.find("s3cr3t"), std::string::npos) << text;
}

TEST(HealthReady, RedactCredentials) {
    EXPECT_EQ(RedactCredentials("postgres://u:p@h/db"), "postgres://u:xxxxx@h/db");
    EXPECT_EQ(RedactCredentials("postgres://u@h/db"), "postgres://u@h/db");
    EXPECT_EQ(RedactCredentials("x postgresql://u:p%40ss@h:1/db?sslmode=disable y"),
              "x postgresql://u:xxxxx@h:1/db?sslmode=disable y");
    EXPECT_EQ(RedactCredentials("host=h password=secret user=u"), "host=h password=xxxxx user=u");
    EXPECT_EQ(RedactCredentials("password='se cret' user=u"), "password=xxxxx user=u");
    EXPECT_EQ(RedactCredentials("Password=abc"), "Password=xxxxx");
    EXPECT_EQ(RedactCredentials("password authentication failed"), "password authentication failed");
    EXPECT_EQ(RedactCredentials(""), "");
    EXPECT_EQ(RedactCredentials("://:@"), "://:xxxxx@");
}

}  // namespace
}  // namespace bia::http::routes
