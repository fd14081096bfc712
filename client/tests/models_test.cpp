// The models against realistic wire documents (Kratos G1 shapes from settings-flow.md and
// surrounding-api.md): they decode, their fields hold what the wire says, and they encode back
// to the same JSON. Also: request bodies built in C++, and what decoding errors look like.
#include <gtest/gtest.h>

#include <bia/client/error.hpp>
#include <bia/client/models.hpp>
#include <string>
#include <type_traits>
#include <variant>

namespace bia::client::models {
namespace {

using nlohmann::json;

const char* kIdentityAdminView = R"json({
  "id": "2f5c5d2a-0d5b-4a43-9d8c-4d3b6c1e7f10",
  "schema_id": "default",
  "schema_url": "http://127.0.0.1:4433/schemas/ZGVmYXVsdA",
  "state": "active",
  "state_changed_at": "2022-06-01T10:00:00.000000Z",
  "traits": {"email": "ada@example.com", "name": {"first": "Ada", "last": "Lovelace"}},
  "verifiable_addresses": [{"id": "0c1d41d4-5d4e-4a5d-9b62-2f4f54b1b9a0", "value": "ada@example.com",
                            "verified": false, "via": "email", "status": "pending",
                            "created_at": "2022-06-01T10:00:00.000000Z", "updated_at": "2022-06-01T10:00:00.000000Z"}],
  "recovery_addresses": [{"id": "51d5b3c4-7a5e-4bdf-8a68-8f2d8e4f6b21", "value": "ada@example.com", "via": "email",
                          "created_at": "2022-06-01T10:00:00.000000Z", "updated_at": "2022-06-01T10:00:00.000000Z"}],
  "metadata_public": null,
  "metadata_admin": {"crm_id": "42"},
  "credentials": {"password": {"type": "password", "identifiers": ["ada@example.com"], "version": 0,
                               "created_at": "2022-06-01T10:00:00.000000Z",
                               "updated_at": "2022-06-01T10:00:00.000000Z"}},
  "created_at": "2022-06-01T10:00:00.000000Z",
  "updated_at": "2022-06-01T10:00:00.000000Z"
})json";

const char* kSession = R"json({
  "id": "8d6a3c4e-1b2f-4e5a-9c7d-0e1f2a3b4c5d",
  "active": true,
  "expires_at": "2022-06-02T10:00:00Z",
  "authenticated_at": "2022-06-01T10:00:00Z",
  "authenticator_assurance_level": "aal1",
  "authentication_methods": [{"method": "password", "aal": "aal1", "completed_at": "2022-06-01T10:00:00Z"}],
  "issued_at": "2022-06-01T10:00:00Z",
  "identity": {"id": "2f5c5d2a-0d5b-4a43-9d8c-4d3b6c1e7f10", "schema_id": "default",
               "schema_url": "http://127.0.0.1:4433/schemas/ZGVmYXVsdA", "state": "active",
               "traits": {"email": "ada@example.com"}, "metadata_public": null,
               "created_at": "2022-06-01T10:00:00Z", "updated_at": "2022-06-01T10:00:00Z"}
})json";

// A settings flow after a rejected password (400): every node type, messages with and without
// context, an input without value (the API flow's csrf_token), a flow-level message.
const char* kSettingsFlow = R"json({
  "id": "6f5c1e39-6c6b-4d0a-9a2e-6a8f2a0b9c01",
  "type": "api",
  "expires_at": "2022-06-01T11:00:00.000000Z",
  "issued_at": "2022-06-01T10:00:00.000000Z",
  "request_url": "http://127.0.0.1:4433/self-service/settings/api",
  "ui": {
    "action": "http://127.0.0.1:4433/self-service/settings?flow=6f5c1e39-6c6b-4d0a-9a2e-6a8f2a0b9c01",
    "method": "POST",
    "nodes": [
      {"type": "input", "group": "default",
       "attributes": {"name": "csrf_token", "type": "hidden", "required": true, "disabled": false, "node_type": "input"},
       "messages": [], "meta": {}},
      {"type": "input", "group": "profile",
       "attributes": {"name": "traits.email", "type": "email", "value": "ada@example.com", "required": true,
                      "disabled": false, "node_type": "input"},
       "messages": [], "meta": {"label": {"id": 1070002, "text": "E-Mail", "type": "info"}}},
      {"type": "input", "group": "profile",
       "attributes": {"name": "method", "type": "submit", "value": "profile", "disabled": false, "node_type": "input"},
       "messages": [], "meta": {"label": {"id": 1070003, "text": "Save", "type": "info"}}},
      {"type": "input", "group": "password",
       "attributes": {"name": "password", "type": "password", "required": true, "disabled": false, "node_type": "input"},
       "messages": [{"id": 4000005, "type": "error", "context": {"reason": "password length must be at least 8 characters but only got 5"},
                     "text": "The password can not be used because password length must be at least 8 characters but only got 5."}],
       "meta": {"label": {"id": 1070001, "text": "Password", "type": "info"}}},
      {"type": "text", "group": "lookup_secret",
       "attributes": {"text": {"id": 1050015, "text": "abcd1234, efgh5678", "type": "info",
                               "context": {"secrets": [{"id": 1050009, "text": "abcd1234", "type": "info", "context": {"secret": "abcd1234"}}]}},
                      "id": "lookup_secret_codes", "node_type": "text"},
       "messages": [], "meta": {"label": {"id": 1050010, "text": "These are your back up recovery codes.", "type": "info"}}},
      {"type": "img", "group": "totp",
       "attributes": {"src": "data:image/png;base64,iVBORw0KGgo=", "id": "totp_qr", "width": 256, "height": 256, "node_type": "img"},
       "messages": [], "meta": {"label": {"id": 1050005, "text": "Authenticator app QR code", "type": "info"}}},
      {"type": "script", "group": "webauthn",
       "attributes": {"src": "http://127.0.0.1:4433/.well-known/ory/webauthn.js", "async": true,
                      "referrerpolicy": "no-referrer", "crossorigin": "anonymous",
                      "integrity": "sha512-MDAw", "type": "text/javascript", "id": "webauthn_script",
                      "nonce": "b1a2", "node_type": "script"},
       "messages": [], "meta": {}},
      {"type": "a", "group": "oidc",
       "attributes": {"href": "https://example.com/", "title": {"id": 1050002, "text": "Link example", "type": "info"},
                      "id": "link_example", "node_type": "a"},
       "messages": [], "meta": {}}
    ],
    "messages": [{"id": 4000001, "text": "Did not receive any value changes.", "type": "error"}]
  },
  "identity": {"id": "2f5c5d2a-0d5b-4a43-9d8c-4d3b6c1e7f10", "schema_id": "default",
               "schema_url": "http://127.0.0.1:4433/schemas/ZGVmYXVsdA", "state": "active",
               "traits": {"email": "ada@example.com"}, "metadata_public": {"plan": "free"},
               "created_at": "2022-06-01T10:00:00Z", "updated_at": "2022-06-01T10:00:00Z"},
  "state": "show_form"
})json";

const char* kLoginFlow = R"json({
  "id": "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
  "type": "api",
  "expires_at": "2022-06-01T10:10:00.000000Z",
  "issued_at": "2022-06-01T10:00:00.000000Z",
  "request_url": "http://127.0.0.1:4433/self-service/login/api",
  "ui": {"action": "http://127.0.0.1:4433/self-service/login?flow=a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
         "method": "POST",
         "nodes": [{"type": "input", "group": "password",
                    "attributes": {"name": "identifier", "type": "text", "value": "", "required": true,
                                   "disabled": false, "node_type": "input"},
                    "messages": [], "meta": {"label": {"id": 1070004, "text": "ID", "type": "info"}}}],
         "messages": []},
  "created_at": "2022-06-01T10:00:00.000000Z",
  "updated_at": "2022-06-01T10:00:00.000000Z",
  "refresh": false,
  "requested_aal": "aal1"
})json";

template <class T>
T Decode(const char* text) {
    return json::parse(text).get<T>();
}

TEST(Models, IdentityAdminViewRoundTripsAndExposesTheWireFields) {
    const auto wire = json::parse(kIdentityAdminView);
    const auto identity = wire.get<Identity>();
    EXPECT_EQ(identity.id, "2f5c5d2a-0d5b-4a43-9d8c-4d3b6c1e7f10");
    EXPECT_EQ(identity.state, IdentityState::Active);
    EXPECT_EQ(identity.traits["name"]["first"], "Ada");
    ASSERT_TRUE(identity.metadata_public.has_value()) << "a null free-form value is kept, not dropped";
    EXPECT_TRUE(identity.metadata_public->is_null());
    EXPECT_EQ((*identity.metadata_admin)["crm_id"], "42");
    ASSERT_TRUE(identity.credentials.has_value());
    EXPECT_EQ(identity.credentials->at("password").type, IdentityCredentialsType::Password);
    EXPECT_EQ(identity.credentials->at("password").identifiers->at(0), "ada@example.com");
    EXPECT_EQ(identity.verifiable_addresses->at(0).status, "pending");
    EXPECT_FALSE(identity.verifiable_addresses->at(0).verified);
    EXPECT_EQ(json(identity), wire);
}

TEST(Models, SessionRoundTrips) {
    const auto wire = json::parse(kSession);
    const auto session = wire.get<Session>();
    EXPECT_TRUE(*session.active);
    EXPECT_EQ(session.authenticator_assurance_level, AuthenticatorAssuranceLevel::Aal1);
    ASSERT_EQ(session.authentication_methods->size(), 1u);
    EXPECT_EQ(session.authentication_methods->at(0).method, SessionAuthenticationMethod::Method::Password);
    EXPECT_EQ(session.identity.traits["email"], "ada@example.com");
    EXPECT_EQ(json(session), wire);
}

TEST(Models, SettingsFlowWithEveryNodeTypeRoundTrips) {
    const auto wire = json::parse(kSettingsFlow);
    const auto flow = wire.get<SelfServiceSettingsFlow>();
    EXPECT_EQ(flow.state, SelfServiceSettingsFlowState::ShowForm);
    EXPECT_EQ(flow.type, "api");
    ASSERT_EQ(flow.ui.nodes.size(), 8u);

    const auto& csrf = std::get<UiNodeInputAttributes>(flow.ui.nodes[0].attributes);
    EXPECT_EQ(csrf.name, "csrf_token");
    EXPECT_FALSE(csrf.value.has_value()) << "API flows omit the csrf_token value";
    EXPECT_EQ(flow.ui.nodes[0].group, UiNode::Group::Default);

    const auto& email = std::get<UiNodeInputAttributes>(flow.ui.nodes[1].attributes);
    EXPECT_EQ(*email.value, "ada@example.com");
    EXPECT_EQ(flow.ui.nodes[1].meta.label->id, 1070002);
    EXPECT_FALSE(flow.ui.nodes[1].meta.label->context.has_value());

    const auto& password = flow.ui.nodes[3];
    ASSERT_EQ(password.messages.size(), 1u);
    EXPECT_EQ(password.messages[0].id, 4000005);
    EXPECT_EQ(password.messages[0].type, "error");

    EXPECT_EQ(flow.ui.nodes[4].type, UiNode::Type::Text);
    EXPECT_EQ(std::get<UiNodeTextAttributes>(flow.ui.nodes[4].attributes).id, "lookup_secret_codes");
    EXPECT_EQ(std::get<UiNodeImageAttributes>(flow.ui.nodes[5].attributes).width, 256);
    EXPECT_TRUE(std::get<UiNodeScriptAttributes>(flow.ui.nodes[6].attributes).async);
    EXPECT_EQ(std::get<UiNodeAnchorAttributes>(flow.ui.nodes[7].attributes).title.id, 1050002);
    EXPECT_EQ(flow.ui.messages->at(0).id, 4000001);

    EXPECT_EQ(json(flow), wire);
    EXPECT_EQ(wire.get<SelfServiceSettingsFlow>(), flow);
}

TEST(Models, LoginFlowRoundTrips) {
    const auto wire = json::parse(kLoginFlow);
    const auto flow = wire.get<SelfServiceLoginFlow>();
    EXPECT_FALSE(*flow.refresh);
    EXPECT_EQ(*flow.requested_aal, AuthenticatorAssuranceLevel::Aal1);
    EXPECT_EQ(std::get<UiNodeInputAttributes>(flow.ui.nodes[0].attributes).value, json(""));
    EXPECT_EQ(json(flow), wire);
}

TEST(Models, ErrorEnvelopesFollowTheWireFormat) {
    // Plain error (settings-flow.md §1.3): nested under "error", no id.
    const auto plain = json::parse(R"({"error": {"code": 401, "status": "Unauthorized",
        "reason": "No valid session cookie found.", "message": "The request could not be authorized"}})");
    const auto unauthorized = plain.get<JsonError>();
    EXPECT_EQ(*unauthorized.error.code, 401);
    EXPECT_FALSE(unauthorized.error.id.has_value());
    EXPECT_EQ(json(unauthorized), plain);

    // Enhanced error: top-level siblings of "error" (§1.3, §16.3), kept by JsonError too.
    const auto expired_wire = json::parse(R"({
        "error": {"id": "self_service_flow_expired", "code": 410, "status": "Gone",
                  "reason": "The self-service flow expired 2.50 minutes ago, initialize a new one.",
                  "message": "self-service flow expired"},
        "use_flow_id": "0f9c7b1e-3a2d-4c5b-8e6f-7a8b9c0d1e2f", "since": 150000000000})");
    const auto expired = expired_wire.get<JsonError>();
    EXPECT_EQ(*expired.use_flow_id, "0f9c7b1e-3a2d-4c5b-8e6f-7a8b9c0d1e2f");
    EXPECT_EQ(*expired.since, 150000000000);
    EXPECT_EQ(json(expired), expired_wire);
    const auto as_expired = expired_wire.get<SelfServiceFlowExpiredError>();
    EXPECT_EQ(*as_expired.error.id, "self_service_flow_expired");
    EXPECT_EQ(json(as_expired), expired_wire);

    const auto location_wire = json::parse(R"({
        "error": {"id": "browser_location_change_required", "code": 422, "status": "Unprocessable Entity",
                  "reason": "In order to complete this flow please redirect the browser to: https://idp/",
                  "message": "browser location change required"},
        "redirect_browser_to": "https://idp/"})");
    const auto location = location_wire.get<SelfServiceBrowserLocationChangeRequiredError>();
    EXPECT_EQ(*location.redirect_browser_to, "https://idp/");
    EXPECT_EQ(json(location), location_wire);

    const auto refresh_wire = json::parse(R"({
        "error": {"id": "session_refresh_required", "code": 403, "status": "Forbidden",
                  "reason": "The login session is too old and thus not allowed to update these fields. Please re-authenticate.",
                  "message": "The requested action was forbidden"},
        "redirect_browser_to": "http://127.0.0.1:4433/self-service/login/browser?refresh=true"})");
    EXPECT_EQ(json(refresh_wire.get<NeedsPrivilegedSessionError>()), refresh_wire);
}

TEST(Models, SettingsBodiesEncodeWithTheirMethod) {
    SubmitSelfServiceSettingsFlowWithProfileMethodBody profile;
    profile.traits = {{"email", "ada@example.com"}};
    SubmitSelfServiceSettingsFlowBody body = profile;
    EXPECT_EQ(json(body), json::parse(R"({"method": "profile", "traits": {"email": "ada@example.com"}})"));

    SubmitSelfServiceSettingsFlowWithPasswordMethodBody password;
    password.password = "correct horse battery staple";
    password.csrf_token = "tok";
    body = password;
    EXPECT_EQ(json(body), json::parse(R"({"method": "password", "password": "correct horse battery staple",
                                          "csrf_token": "tok"})"));

    SubmitSelfServiceSettingsFlowWithLookupMethodBody lookup;
    lookup.lookup_secret_reveal = true;
    EXPECT_EQ(json(SubmitSelfServiceSettingsFlowBody(lookup)),
              json::parse(R"({"method": "lookup_secret", "lookup_secret_reveal": true})"));
}

TEST(Models, SettingsBodiesDecodeByMethod) {
    const auto each = [](const char* text) { return json::parse(text).get<SubmitSelfServiceSettingsFlowBody>(); };
    EXPECT_TRUE(std::holds_alternative<SubmitSelfServiceSettingsFlowWithTotpMethodBody>(
        each(R"({"method": "totp", "totp_code": "123456"})")));
    EXPECT_TRUE(std::holds_alternative<SubmitSelfServiceSettingsFlowWithWebAuthnMethodBody>(
        each(R"({"method": "webauthn", "webauthn_remove": "key"})")));
    EXPECT_TRUE(std::holds_alternative<SubmitSelfServiceSettingsFlowWithOidcMethodBody>(
        each(R"({"method": "oidc", "link": "github"})")));
    try {
        each(R"({"method": "carrier-pigeon"})");
        FAIL() << "unknown method decoded";
    } catch (const JsonDecodeError& e) {
        EXPECT_EQ(e.path(), "method");
        EXPECT_EQ(e.kind(), JsonDecodeError::Kind::kInvalidValue);
    }
    try {
        each(R"({"traits": {}})");
        FAIL() << "body without method decoded";
    } catch (const JsonDecodeError& e) {
        EXPECT_EQ(e.path(), "method");
        EXPECT_EQ(e.kind(), JsonDecodeError::Kind::kMissingKey);
    }
}

TEST(Models, LoginAndRegistrationBodies) {
    SubmitSelfServiceLoginFlowWithPasswordMethodBody login;
    login.identifier = "ada@example.com";
    login.password = "secret-secret";
    EXPECT_EQ(json(SubmitSelfServiceLoginFlowBody(login)),
              json::parse(R"({"method": "password", "identifier": "ada@example.com", "password": "secret-secret"})"));

    SubmitSelfServiceRegistrationFlowWithPasswordMethodBody registration;
    registration.traits = {{"email", "ada@example.com"}};
    registration.password = "secret-secret";
    EXPECT_EQ(
        json(SubmitSelfServiceRegistrationFlowBody(registration)),
        json::parse(R"({"method": "password", "traits": {"email": "ada@example.com"}, "password": "secret-secret"})"));

    AdminCreateIdentityBody create;
    create.schema_id = "default";
    create.traits = {{"email", "ada@example.com"}};
    AdminCreateIdentityImportCredentialsPassword password;
    password.config = AdminCreateIdentityImportCredentialsPasswordConfig{std::nullopt, "secret-secret"};
    create.credentials = AdminIdentityImportCredentials{std::nullopt, password};
    EXPECT_EQ(json(create), json::parse(R"({"schema_id": "default", "traits": {"email": "ada@example.com"},
        "credentials": {"password": {"config": {"password": "secret-secret"}}}})"));
}

TEST(Models, DecodeErrorsCarryTheJsonPath) {
    auto wire = json::parse(kSettingsFlow);
    wire["ui"]["nodes"][3]["attributes"].erase("name");
    try {
        (void)wire.get<SelfServiceSettingsFlow>();
        FAIL() << "decoded without a required key";
    } catch (const JsonDecodeError& e) {
        EXPECT_EQ(e.kind(), JsonDecodeError::Kind::kMissingKey);
        EXPECT_EQ(e.path(), "ui.nodes[3].attributes.name");
        EXPECT_STREQ(e.what(), "missing required key at `ui.nodes[3].attributes.name`");
    }

    wire = json::parse(kSettingsFlow);
    wire["identity"]["traits"] = "not checked: traits are free-form";
    wire["ui"]["nodes"][5]["attributes"]["width"] = "256";
    try {
        (void)wire.get<SelfServiceSettingsFlow>();
        FAIL() << "decoded a string as an integer";
    } catch (const JsonDecodeError& e) {
        EXPECT_EQ(e.kind(), JsonDecodeError::Kind::kTypeMismatch);
        EXPECT_EQ(e.path(), "ui.nodes[5].attributes.width");
        EXPECT_STREQ(e.what(), "expected integer, got string at `ui.nodes[5].attributes.width`");
    }

    wire = json::parse(kSettingsFlow);
    wire["state"] = "sucess";
    try {
        (void)wire.get<SelfServiceSettingsFlow>();
        FAIL() << "decoded an unknown state";
    } catch (const JsonDecodeError& e) {
        EXPECT_EQ(e.kind(), JsonDecodeError::Kind::kInvalidValue);
        EXPECT_EQ(e.path(), "state");
    }

    wire = json::parse(kSettingsFlow);
    wire["ui"]["nodes"][0]["attributes"]["node_type"] = "div";
    EXPECT_THROW((void)wire.get<SelfServiceSettingsFlow>(), JsonDecodeError) << "G2-only node types are not in v0.10.1";
}

TEST(Models, UnknownKeysAreIgnoredAndNullOptionalsAreAbsent) {
    auto wire = json::parse(kSession);
    wire["devices"] = json::array({{{"id", "x"}, {"ip_address", "127.0.0.1"}}});  // G2 key
    wire["identity"]["organization_id"] = nullptr;                                // G2 key
    wire["expires_at"] = nullptr;
    const auto session = wire.get<Session>();
    EXPECT_FALSE(session.expires_at.has_value());
    auto expected = json::parse(kSession);
    expected.erase("expires_at");
    EXPECT_EQ(json(session), expected);
}

TEST(Models, EnumsHaveTheirWireNames) {
    EXPECT_EQ(to_string(SelfServiceSettingsFlowState::ShowForm), "show_form");
    EXPECT_EQ(to_string(SelfServiceSettingsFlowState::Success), "success");
    EXPECT_EQ(to_string(SessionAuthenticationMethod::Method::V06LegacySession), "v0.6_legacy_session");
    EXPECT_EQ(to_string(UiNode::Group::LookupSecret), "lookup_secret");
    EXPECT_EQ(json(IdentityCredentialsType::Webauthn), json("webauthn"));
    EXPECT_EQ(json("aal2").get<AuthenticatorAssuranceLevel>(), AuthenticatorAssuranceLevel::Aal2);
}

TEST(Models, NewerNamesAreTheSameTypes) {
    static_assert(std::is_same_v<SettingsFlow, SelfServiceSettingsFlow>);
    static_assert(std::is_same_v<UpdateSettingsFlowBody, SubmitSelfServiceSettingsFlowBody>);
    static_assert(
        std::is_same_v<UpdateSettingsFlowWithProfileMethod, SubmitSelfServiceSettingsFlowWithProfileMethodBody>);
    static_assert(std::is_same_v<CreateIdentityBody, AdminCreateIdentityBody>);
    static_assert(std::is_same_v<LoginFlow, SelfServiceLoginFlow>);
    SUCCEED();
}

}  // namespace
}  // namespace bia::client::models
