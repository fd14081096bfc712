// The operations against a fake server on 127.0.0.1: what goes on the wire (method, path, query,
// headers, JSON body) and how each answer is decoded (value, or which error alternative).
#include <gtest/gtest.h>

#include <algorithm>
#include <bia/client/client.hpp>
#include <future>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "fake_server.hpp"

namespace bia::client {
namespace {

using nlohmann::json;
using testing::FakeResponse;
using testing::FakeServer;
using testing::RecordedRequest;
namespace v0 = apis::v0alpha2_api;

const char* kFlowId = "6f5c1e39-6c6b-4d0a-9a2e-6a8f2a0b9c01";

json IdentityJson() {
    return json::parse(R"({"id": "2f5c5d2a-0d5b-4a43-9d8c-4d3b6c1e7f10", "schema_id": "default",
        "schema_url": "http://127.0.0.1:4433/schemas/ZGVmYXVsdA", "state": "active",
        "traits": {"email": "ada@example.com"}, "metadata_public": null,
        "created_at": "2022-06-01T10:00:00Z", "updated_at": "2022-06-01T10:00:00Z"})");
}

json SessionJson() {
    json session = json::parse(R"({"id": "8d6a3c4e-1b2f-4e5a-9c7d-0e1f2a3b4c5d", "active": true,
        "expires_at": "2022-06-02T10:00:00Z", "authenticated_at": "2022-06-01T10:00:00Z",
        "authenticator_assurance_level": "aal1", "issued_at": "2022-06-01T10:00:00Z",
        "authentication_methods": [{"method": "password", "aal": "aal1", "completed_at": "2022-06-01T10:00:00Z"}]})");
    session["identity"] = IdentityJson();
    return session;
}

json SettingsFlowJson(const char* state, json messages = json::array()) {
    json flow = {
        {"id", kFlowId},
        {"type", "api"},
        {"expires_at", "2022-06-01T11:00:00Z"},
        {"issued_at", "2022-06-01T10:00:00Z"},
        {"request_url", "http://127.0.0.1:4433/self-service/settings/api"},
        {"ui",
         {{"action", std::string("http://127.0.0.1:4433/self-service/settings?flow=") + kFlowId},
          {"method", "POST"},
          {"nodes", json::array({{{"type", "input"},
                                  {"group", "password"},
                                  {"attributes",
                                   {{"name", "password"},
                                    {"type", "password"},
                                    {"required", true},
                                    {"disabled", false},
                                    {"node_type", "input"}}},
                                  {"messages", messages},
                                  {"meta", json::object()}}})},
          {"messages", json::array()}}},
        {"state", state},
    };
    flow["identity"] = IdentityJson();
    return flow;
}

json Envelope(int code, const char* status, const char* message, const char* id = nullptr) {
    json error = {{"code", code}, {"status", status}, {"message", message}};
    if (id != nullptr) error["id"] = id;
    return {{"error", error}};
}

FakeResponse Answer(int status, const json& body) { return FakeResponse{status, body.dump()}; }

class Loopback : public ::testing::Test {
  protected:
    Configuration ConfigurationFor(const FakeServer& server) {
        Configuration configuration;
        configuration.base_path = server.url();
        configuration.proxy = "";
        return configuration;
    }
};

models::SubmitSelfServiceSettingsFlowBody ProfileBody() {
    models::SubmitSelfServiceSettingsFlowWithProfileMethodBody profile;
    profile.traits = {{"email", "grace@example.com"}};
    return profile;
}

template <class E>
const ResponseContent<E>& ResponseOf(const Error<E>& error) {
    const auto* response = std::get_if<ResponseContent<E>>(&error);
    if (response == nullptr) throw std::runtime_error("not a ResponseContent: " + describe(error));
    return *response;
}

TEST_F(Loopback, ToSessionSendsTheTokenAndCookieHeaders) {
    FakeServer server(FakeServer::Always(Answer(200, SessionJson())));
    auto configuration = ConfigurationFor(server);

    auto session = v0::to_session(configuration, "tok-123", "ory_kratos_session=abc");
    ASSERT_TRUE(session) << describe(session.error());
    EXPECT_EQ(session->identity.traits["email"], "ada@example.com");
    EXPECT_EQ(session->authenticator_assurance_level, models::AuthenticatorAssuranceLevel::Aal1);

    const auto request = server.last_request();
    EXPECT_EQ(request.method, "GET");
    EXPECT_EQ(request.target, "/sessions/whoami");
    EXPECT_EQ(request.header("x-session-token"), "tok-123");
    EXPECT_EQ(request.header("cookie"), "ory_kratos_session=abc");
    EXPECT_EQ(request.header("accept"), "application/json");
    EXPECT_EQ(request.header("user-agent"), std::string("bia-client-cpp/") + kVersion);
    EXPECT_FALSE(request.header("authorization").has_value()) << "public operations carry no admin token";
    EXPECT_TRUE(request.body.empty());

    (void)v0::to_session(configuration, std::nullopt, std::nullopt);
    const auto bare = server.last_request();
    EXPECT_EQ(bare.header_count("x-session-token"), 0u);
    EXPECT_EQ(bare.header_count("cookie"), 0u);
}

TEST_F(Loopback, SeedCallPostsTheBodyAsJson) {
    FakeServer server(FakeServer::Always(Answer(200, SettingsFlowJson("success"))));
    auto configuration = ConfigurationFor(server);

    auto flow = v0::submit_self_service_settings_flow(configuration, kFlowId, "tok-123", ProfileBody());
    ASSERT_TRUE(flow) << describe(flow.error());
    EXPECT_EQ(flow->state, models::SelfServiceSettingsFlowState::Success);

    const auto request = server.last_request();
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.path, "/self-service/settings");
    EXPECT_EQ(request.query, std::string("flow=") + kFlowId);
    EXPECT_EQ(request.header("content-type"), "application/json");
    EXPECT_EQ(request.header("x-session-token"), "tok-123");
    EXPECT_EQ(request.header_count("cookie"), 0u);
    EXPECT_EQ(json::parse(request.body),
              json::parse(R"({"method": "profile", "traits": {"email": "grace@example.com"}})"));
}

TEST_F(Loopback, FiveParameterFormSendsTheCookie) {
    FakeServer server(FakeServer::Always(Answer(200, SettingsFlowJson("success"))));
    auto configuration = ConfigurationFor(server);
    auto flow = v0::submit_self_service_settings_flow(configuration, kFlowId, std::nullopt,
                                                      "ory_kratos_session=abc; csrf_token_x=y", ProfileBody());
    ASSERT_TRUE(flow) << describe(flow.error());
    const auto request = server.last_request();
    EXPECT_EQ(request.header("cookie"), "ory_kratos_session=abc; csrf_token_x=y");
    EXPECT_EQ(request.header_count("x-session-token"), 0u);
}

TEST_F(Loopback, SubmitWithoutBodySendsNone) {
    FakeServer server(FakeServer::Always(Answer(400, SettingsFlowJson("show_form"))));
    auto configuration = ConfigurationFor(server);
    auto flow = v0::submit_self_service_settings_flow(configuration, kFlowId, "tok", std::nullopt);
    ASSERT_FALSE(flow);
    const auto request = server.last_request();
    EXPECT_EQ(request.method, "POST");
    EXPECT_TRUE(request.body.empty());
    EXPECT_EQ(request.header("content-length"), "0");
    EXPECT_EQ(request.header_count("content-type"), 0u);
}

TEST_F(Loopback, SettingsErrorsDecodeIntoTheirStatusAlternative) {
    json answer;
    int status = 0;
    FakeServer server([&](const RecordedRequest&) { return std::optional<FakeResponse>(Answer(status, answer)); });
    auto configuration = ConfigurationFor(server);
    using E = v0::SubmitSelfServiceSettingsFlowError;
    const auto submit = [&](int s, json body) {
        status = s;
        answer = std::move(body);
        auto result = v0::submit_self_service_settings_flow(configuration, kFlowId, "tok", ProfileBody());
        EXPECT_FALSE(result);
        const auto& response = ResponseOf(result.error());
        EXPECT_EQ(response.status, s);
        EXPECT_EQ(json::parse(response.content), answer);
        EXPECT_TRUE(response.entity.has_value());
        return *response.entity;
    };

    // 400: the flow with its messages.
    json message = {
        {"id", 4000005}, {"text", "The password can not be used because it is too short."}, {"type", "error"}};
    auto e400 = submit(400, SettingsFlowJson("show_form", json::array({message})));
    const auto* bad = std::get_if<E::Status400>(&e400);
    ASSERT_NE(bad, nullptr);
    EXPECT_EQ(bad->value.ui.nodes[0].messages.at(0).id, 4000005);

    auto e401 = submit(401, Envelope(401, "Unauthorized", "The request could not be authorized"));
    ASSERT_TRUE(std::holds_alternative<E::Status401>(e401));
    EXPECT_EQ(std::get<E::Status401>(e401).value.error.message, "The request could not be authorized");

    auto e403 =
        submit(403, Envelope(403, "Forbidden", "The requested action was forbidden", "security_csrf_violation"));
    ASSERT_TRUE(std::holds_alternative<E::Status403>(e403));
    EXPECT_EQ(*std::get<E::Status403>(e403).value.error.id, "security_csrf_violation");

    json expired = Envelope(410, "Gone", "self-service flow expired", "self_service_flow_expired");
    expired["use_flow_id"] = "0f9c7b1e-3a2d-4c5b-8e6f-7a8b9c0d1e2f";
    expired["since"] = 150000000000;
    auto e410 = submit(410, expired);
    ASSERT_TRUE(std::holds_alternative<E::Status410>(e410));
    EXPECT_EQ(*std::get<E::Status410>(e410).value.use_flow_id, "0f9c7b1e-3a2d-4c5b-8e6f-7a8b9c0d1e2f");

    json location =
        Envelope(422, "Unprocessable Entity", "browser location change required", "browser_location_change_required");
    location["redirect_browser_to"] = "https://idp.example/";
    auto e422 = submit(422, location);
    ASSERT_TRUE(std::holds_alternative<E::Status422>(e422));
    EXPECT_EQ(*std::get<E::Status422>(e422).value.redirect_browser_to, "https://idp.example/");

    auto e500 = submit(500, Envelope(500, "Internal Server Error", "boom"));
    EXPECT_TRUE(std::holds_alternative<E::Status500>(e500));

    // A 400 that is an error envelope rather than a flow, and an undocumented status.
    auto plain400 =
        submit(400, Envelope(400, "Bad Request", "The request was malformed or contained invalid parameters"));
    ASSERT_TRUE(std::holds_alternative<E::DefaultResponse>(plain400));
    EXPECT_EQ(*std::get<E::DefaultResponse>(plain400).value.error.code, 400);
    auto e404 = submit(404, Envelope(404, "Not Found", "Unable to locate the resource"));
    EXPECT_TRUE(std::holds_alternative<E::DefaultResponse>(e404));

    // JSON that is neither.
    auto odd = submit(418, json{{"teapot", true}});
    ASSERT_TRUE(std::holds_alternative<E::UnknownValue>(odd));
    EXPECT_EQ(std::get<E::UnknownValue>(odd).value, (json{{"teapot", true}}));
}

TEST_F(Loopback, NonJsonErrorBodiesKeepTheContentWithoutEntity) {
    FakeServer server(FakeServer::Always(FakeResponse{502, "<html>bad gateway</html>", "text/html"}));
    auto configuration = ConfigurationFor(server);
    auto result = v0::to_session(configuration, "tok", std::nullopt);
    ASSERT_FALSE(result);
    const auto& response = ResponseOf(result.error());
    EXPECT_EQ(response.status, 502);
    EXPECT_EQ(response.content, "<html>bad gateway</html>");
    EXPECT_FALSE(response.entity.has_value());
}

TEST_F(Loopback, UndecodableSuccessIsASerdeError) {
    json session = SessionJson();
    session["identity"].erase("schema_url");
    FakeServer server(FakeServer::Always(Answer(200, session)));
    auto configuration = ConfigurationFor(server);
    auto result = v0::to_session(configuration, "tok", std::nullopt);
    ASSERT_FALSE(result);
    const auto* serde = std::get_if<SerdeError>(&result.error());
    ASSERT_NE(serde, nullptr) << describe(result.error());
    EXPECT_EQ(serde->status, 200);
    EXPECT_EQ(serde->message, "missing required key at `identity.schema_url`");
    EXPECT_EQ(json::parse(serde->content), session);

    FakeServer text(FakeServer::Always(FakeResponse{200, "not json", "text/plain"}));
    configuration.base_path = text.url();
    result = v0::to_session(configuration, "tok", std::nullopt);
    ASSERT_FALSE(result);
    EXPECT_TRUE(std::holds_alternative<SerdeError>(result.error()));
}

TEST_F(Loopback, QueryAndPathParametersAreEncoded) {
    FakeServer server(FakeServer::Always(Answer(200, IdentityJson())));
    auto configuration = ConfigurationFor(server);
    auto identity = v0::admin_get_identity(configuration, "a b/c?d", std::vector<std::string>{"oidc", "pass word"});
    ASSERT_TRUE(identity) << describe(identity.error());
    auto request = server.last_request();
    EXPECT_EQ(request.path, "/admin/identities/a%20b%2Fc%3Fd");
    EXPECT_EQ(request.query, "include_credential=oidc&include_credential=pass%20word");

    FakeServer list_server(FakeServer::Always(Answer(200, json::array({IdentityJson(), IdentityJson()}))));
    configuration.base_path = list_server.url() + "/";  // a trailing slash is not doubled
    auto list = v0::admin_list_identities(configuration, 2, 3);
    ASSERT_TRUE(list) << describe(list.error());
    EXPECT_EQ(list->size(), 2u);
    request = list_server.last_request();
    EXPECT_EQ(request.target, "/admin/identities?per_page=2&page=3");

    (void)v0::admin_list_identity_sessions(configuration, "id-1", std::nullopt, std::nullopt, false);
    EXPECT_EQ(list_server.last_request().target, "/admin/identities/id-1/sessions?active=false");
}

TEST_F(Loopback, BasePathMayCarryAPrefix) {
    FakeServer server(FakeServer::Always(Answer(200, json{{"version", "v0.10.1"}})));
    auto configuration = ConfigurationFor(server);
    configuration.base_path = server.url() + "/kratos/";
    auto version = apis::metadata_api::get_version(configuration);
    ASSERT_TRUE(version) << describe(version.error());
    EXPECT_EQ(version->version, "v0.10.1");
    EXPECT_EQ(server.last_request().target, "/kratos/version");
}

TEST_F(Loopback, AdminOperationsCarryTheAccessToken) {
    FakeServer server(FakeServer::Always(Answer(201, IdentityJson())));
    auto configuration = ConfigurationFor(server);
    configuration.bearer_access_token = "admin-secret";
    configuration.default_headers = {{"X-Request-Id", "req-1"}};

    models::AdminCreateIdentityBody body;
    body.schema_id = "default";
    body.traits = {{"email", "ada@example.com"}};
    auto identity = v0::admin_create_identity(configuration, body);
    ASSERT_TRUE(identity) << describe(identity.error());
    EXPECT_EQ(identity->traits["email"], "ada@example.com");
    auto request = server.last_request();
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.target, "/admin/identities");
    EXPECT_EQ(request.header("authorization"), "Bearer admin-secret");
    EXPECT_EQ(request.header("x-request-id"), "req-1");
    EXPECT_EQ(json::parse(request.body),
              json::parse(R"({"schema_id": "default", "traits": {"email": "ada@example.com"}})"));

    configuration.bearer_access_token.reset();
    configuration.api_key = ApiKey{"k", "Token"};
    (void)v0::admin_create_identity(configuration, body);
    EXPECT_EQ(server.last_request().header("authorization"), "Token k");
}

TEST_F(Loopback, NoContentAnswersAreSuccess) {
    FakeServer server(FakeServer::Always(FakeResponse{204, ""}));
    auto configuration = ConfigurationFor(server);
    auto deleted = v0::admin_delete_identity(configuration, "id-1");
    ASSERT_TRUE(deleted) << describe(deleted.error());
    EXPECT_EQ(server.last_request().method, "DELETE");
    EXPECT_EQ(server.last_request().target, "/admin/identities/id-1");

    models::SubmitSelfServiceLogoutFlowWithoutBrowserBody logout;
    logout.session_token = "tok";
    auto done = v0::submit_self_service_logout_flow_without_browser(configuration, logout);
    ASSERT_TRUE(done) << describe(done.error());
    EXPECT_EQ(server.last_request().method, "DELETE");
    EXPECT_EQ(server.last_request().target, "/self-service/logout/api");
    EXPECT_EQ(json::parse(server.last_request().body), (json{{"session_token", "tok"}}));
}

TEST_F(Loopback, RedirectsAreNotFollowedByDefault) {
    FakeResponse see_other{303, ""};
    see_other.headers = {{"Location", "http://127.0.0.1:4455/login"}};
    FakeServer server(FakeServer::Always(see_other));
    auto configuration = ConfigurationFor(server);
    // An operation without a body type: a redirect is its browser success answer.
    auto logout = v0::submit_self_service_logout_flow(configuration, "logout-token", std::nullopt);
    ASSERT_TRUE(logout) << describe(logout.error());
    EXPECT_EQ(server.last_request().target, "/self-service/logout?token=logout-token");
    // An operation with a body type: the redirect is handed back as it is.
    auto flow = v0::initialize_self_service_settings_flow_for_browsers(configuration, "http://127.0.0.1:4455/");
    ASSERT_FALSE(flow);
    const auto& response = ResponseOf(flow.error());
    EXPECT_EQ(response.status, 303);
    EXPECT_FALSE(response.entity.has_value());
    EXPECT_EQ(server.requests().size(), 2u);
}

TEST_F(Loopback, TextAnswersOfStringOperations) {
    FakeServer server(FakeServer::Always(FakeResponse{200, "window.__oryWebAuthnLogin = () => {}", "text/javascript"}));
    auto configuration = ConfigurationFor(server);
    auto script = v0::get_web_authn_java_script(configuration);
    ASSERT_TRUE(script) << describe(script.error());
    EXPECT_EQ(*script, "window.__oryWebAuthnLogin = () => {}");
    EXPECT_EQ(server.last_request().target, "/.well-known/ory/webauthn.js");
}

TEST_F(Loopback, HealthNotReadyDecodesItsOwnShape) {
    FakeServer server(FakeServer::Always(Answer(503, json{{"errors", {{"database", "unreachable"}}}})));
    auto configuration = ConfigurationFor(server);
    auto ready = apis::metadata_api::is_ready(configuration);
    ASSERT_FALSE(ready);
    const auto& response = ResponseOf(ready.error());
    using E = apis::metadata_api::IsReadyError;
    ASSERT_TRUE(std::holds_alternative<E::Status503>(*response.entity));
    EXPECT_EQ(std::get<E::Status503>(*response.entity).value.errors.at("database"), "unreachable");
}

TEST_F(Loopback, AsyncTwinsRunConcurrently) {
    FakeServer server(FakeServer::Always(Answer(200, SessionJson())));
    auto configuration = ConfigurationFor(server);
    std::vector<std::future<Result<models::Session, Error<v0::ToSessionError>>>> calls;
    for (int i = 0; i < 8; ++i) {
        std::string token = "tok-" + std::to_string(i);  // destroyed before the call runs
        calls.push_back(v0::to_session_async(configuration, token, std::nullopt));
    }
    std::vector<std::string> tokens;
    for (auto& call : calls) {
        auto result = call.get();
        ASSERT_TRUE(result) << describe(result.error());
    }
    for (const auto& request : server.requests()) tokens.push_back(*request.header("x-session-token"));
    std::sort(tokens.begin(), tokens.end());
    EXPECT_EQ(tokens,
              (std::vector<std::string>{"tok-0", "tok-1", "tok-2", "tok-3", "tok-4", "tok-5", "tok-6", "tok-7"}));

    auto submitted = v0::submit_self_service_settings_flow_async(configuration, kFlowId, "tok", ProfileBody());
    auto result = submitted.get();
    EXPECT_FALSE(result) << "a session is not a settings flow";
    EXPECT_TRUE(std::holds_alternative<SerdeError>(result.error()));
    EXPECT_EQ(json::parse(server.last_request().body)["method"], "profile");
}

TEST_F(Loopback, ConnectionsAreReusedThroughThePool) {
    FakeServer server(FakeServer::Always(Answer(200, SessionJson())));
    auto configuration = ConfigurationFor(server);
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(v0::to_session(configuration, "tok", std::nullopt));
    EXPECT_EQ(server.connections_accepted(), 1u);
    EXPECT_EQ(configuration.connection_pool->idle_handles(), 1u);

    Configuration copy = configuration;  // copies share the pool
    ASSERT_TRUE(v0::to_session(copy, "tok", std::nullopt));
    EXPECT_EQ(server.connections_accepted(), 1u);

    FakeServer fresh(FakeServer::Always(Answer(200, SessionJson())));
    auto unpooled = ConfigurationFor(fresh);
    unpooled.connection_pool = nullptr;
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(v0::to_session(unpooled, "tok", std::nullopt));
    EXPECT_EQ(fresh.connections_accepted(), 3u);
}

TEST_F(Loopback, NewerNamesSendTheSameRequests) {
    FakeServer server([](const RecordedRequest& request) {
        if (request.path == "/admin/identities") return std::optional<FakeResponse>(Answer(201, IdentityJson()));
        if (request.path == "/self-service/settings/api") {
            return std::optional<FakeResponse>(Answer(200, SettingsFlowJson("show_form")));
        }
        return std::optional<FakeResponse>(Answer(200, SettingsFlowJson("success")));
    });
    auto configuration = ConfigurationFor(server);

    auto created = apis::identity_api::create_identity(configuration, models::CreateIdentityBody{});
    ASSERT_TRUE(created) << describe(created.error());
    EXPECT_EQ(server.last_request().target, "/admin/identities");

    auto flow = apis::frontend_api::create_native_settings_flow(configuration, "tok");
    ASSERT_TRUE(flow) << describe(flow.error());
    EXPECT_EQ(server.last_request().target, "/self-service/settings/api");
    EXPECT_EQ(server.last_request().header("x-session-token"), "tok");

    // Newer clients take the (required) body before the optional headers.
    auto updated =
        apis::frontend_api::update_settings_flow(configuration, flow->id, ProfileBody(), "tok", std::nullopt);
    ASSERT_TRUE(updated) << describe(updated.error());
    const auto request = server.last_request();
    EXPECT_EQ(request.target, std::string("/self-service/settings?flow=") + kFlowId);
    EXPECT_EQ(request.header("x-session-token"), "tok");
    EXPECT_EQ(json::parse(request.body)["method"], "profile");
    static_assert(std::is_same_v<apis::frontend_api::UpdateSettingsFlowError, v0::SubmitSelfServiceSettingsFlowError>);
}

}  // namespace
}  // namespace bia::client
