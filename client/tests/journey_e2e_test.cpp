// An identity's whole journey against a running Bia, through the client library alone:
// admin create identity -> API login -> to_session -> settings flow -> profile change (success)
// -> too-short password (400 + flow with the message) -> no token (401) -> expired flow (410).
//
// Environment (tests/run_journey.sh sets all of it when it starts bia itself):
//   BIA_PUBLIC_URL, BIA_ADMIN_URL       e.g. http://127.0.0.1:4433 and http://127.0.0.1:4434;
//                                       every test skips when they are unset
//   BIA_ADMIN_TOKEN                     optional bearer token for the admin API
//   BIA_SETTINGS_FLOW_LIFESPAN_MS       the server's selfservice.flows.settings.lifespan; the
//                                       expiry test skips when unset (it has to wait that long)
// The server's identity schema must accept traits {email, name: {first, last}} with email as the
// password identifier (client/tests/fixtures/identity.schema.json, same as test/e2e's fixture),
// a minimum password length of 8 and no breached-password lookup.
#include <gtest/gtest.h>

#include <bia/client/client.hpp>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <variant>

namespace bia::client {
namespace {

using nlohmann::json;
namespace v0 = apis::v0alpha2_api;

std::optional<std::string> Env(const char* name) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') return std::nullopt;
    return std::string(value);
}

std::string RandomSuffix() {
    std::random_device device;
    std::mt19937_64 engine(device());
    static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    std::string suffix;
    for (int i = 0; i < 12; ++i) suffix += kAlphabet[engine() % (sizeof kAlphabet - 1)];
    return suffix;
}

class Journey : public ::testing::Test {
  protected:
    void SetUp() override {
        const auto public_url = Env("BIA_PUBLIC_URL");
        const auto admin_url = Env("BIA_ADMIN_URL");
        if (!public_url || !admin_url) GTEST_SKIP() << "BIA_PUBLIC_URL / BIA_ADMIN_URL are not set";
        public_.base_path = *public_url;
        admin_.base_path = *admin_url;
        admin_.bearer_access_token = Env("BIA_ADMIN_TOKEN");
        email_ = "journey-" + RandomSuffix() + "@example.com";
        password_ = "journey-" + RandomSuffix() + "-Pw!";
    }

    json Traits(const std::string& first) const {
        return {{"email", email_}, {"name", {{"first", first}, {"last", "Lovelace"}}}};
    }

    // Admin API: an identity with an imported clear-text password.
    models::Identity CreateIdentity() {
        models::AdminCreateIdentityBody body;
        body.schema_id = "default";
        body.traits = Traits("Ada");
        models::AdminCreateIdentityImportCredentialsPassword password;
        password.config = models::AdminCreateIdentityImportCredentialsPasswordConfig{std::nullopt, password_};
        body.credentials = models::AdminIdentityImportCredentials{std::nullopt, password};
        auto created = v0::admin_create_identity(admin_, body);
        if (!created) {
            ADD_FAILURE() << "admin_create_identity: " << describe(created.error());
            return {};
        }
        return std::move(created).value();
    }

    // API login flow: init, then submit the password; returns the session token.
    std::string Login() {
        auto flow =
            v0::initialize_self_service_login_flow_without_browser(public_, std::nullopt, std::nullopt, std::nullopt);
        if (!flow) {
            ADD_FAILURE() << "initialize login flow: " << describe(flow.error());
            return {};
        }
        EXPECT_EQ(flow->type, "api");
        models::SubmitSelfServiceLoginFlowWithPasswordMethodBody body;
        body.identifier = email_;
        body.password = password_;
        auto login = v0::submit_self_service_login_flow(public_, flow->id, std::nullopt, std::nullopt,
                                                        models::SubmitSelfServiceLoginFlowBody(body));
        if (!login) {
            ADD_FAILURE() << "submit login flow: " << describe(login.error());
            return {};
        }
        EXPECT_TRUE(login->session_token.has_value());
        return login->session_token.value_or("");
    }

    static models::SubmitSelfServiceSettingsFlowBody Profile(json traits) {
        models::SubmitSelfServiceSettingsFlowWithProfileMethodBody profile;
        profile.traits = std::move(traits);
        return profile;
    }

    Configuration public_;
    Configuration admin_;
    std::string email_;
    std::string password_;
};

TEST_F(Journey, AdminCreatesReadsAndDeletesAnIdentity) {
    const auto identity = CreateIdentity();
    ASSERT_FALSE(identity.id.empty());
    EXPECT_EQ(identity.traits, Traits("Ada"));
    EXPECT_EQ(identity.schema_id, "default");

    auto fetched = v0::admin_get_identity(admin_, identity.id, std::nullopt);
    ASSERT_TRUE(fetched) << describe(fetched.error());
    EXPECT_EQ(fetched->id, identity.id);
    ASSERT_TRUE(fetched->credentials.has_value());
    EXPECT_EQ(fetched->credentials->at("password").identifiers->at(0), email_);

    auto duplicate = v0::admin_create_identity(admin_, [&] {
        models::AdminCreateIdentityBody body;
        body.schema_id = "default";
        body.traits = Traits("Ada");
        return body;
    }());
    ASSERT_FALSE(duplicate);
    const auto* conflict = std::get_if<ResponseContent<v0::AdminCreateIdentityError>>(&duplicate.error());
    ASSERT_NE(conflict, nullptr) << describe(duplicate.error());
    EXPECT_EQ(conflict->status, 409);
    EXPECT_TRUE(std::holds_alternative<v0::AdminCreateIdentityError::Status409>(*conflict->entity));

    ASSERT_TRUE(v0::admin_delete_identity(admin_, identity.id));
    auto gone = v0::admin_get_identity(admin_, identity.id, std::nullopt);
    ASSERT_FALSE(gone);
    const auto* missing = std::get_if<ResponseContent<v0::AdminGetIdentityError>>(&gone.error());
    ASSERT_NE(missing, nullptr) << describe(gone.error());
    EXPECT_TRUE(std::holds_alternative<v0::AdminGetIdentityError::Status404>(*missing->entity));
}

TEST_F(Journey, IdentityThroughTheLibraryAlone) {
    const auto identity = CreateIdentity();
    ASSERT_FALSE(identity.id.empty());
    const std::string token = Login();
    ASSERT_FALSE(token.empty());

    auto session = v0::to_session(public_, token, std::nullopt);
    ASSERT_TRUE(session) << describe(session.error());
    EXPECT_EQ(session->identity.id, identity.id);
    EXPECT_TRUE(session->active.value_or(false));

    auto flow = v0::initialize_self_service_settings_flow_without_browser(public_, token);
    ASSERT_TRUE(flow) << describe(flow.error());
    EXPECT_EQ(flow->state, models::SelfServiceSettingsFlowState::ShowForm);
    EXPECT_EQ(flow->identity.id, identity.id);

    // Profile change (not a protected field): success, the flow carries the updated identity.
    auto saved = v0::submit_self_service_settings_flow(public_, flow->id, token, Profile(Traits("Augusta")));
    ASSERT_TRUE(saved) << describe(saved.error());
    EXPECT_EQ(saved->state, models::SelfServiceSettingsFlowState::Success);
    EXPECT_EQ(saved->identity.traits["name"]["first"], "Augusta");
    auto after = v0::to_session(public_, token, std::nullopt);
    ASSERT_TRUE(after) << describe(after.error());
    EXPECT_EQ(after->identity.traits["name"]["first"], "Augusta");

    // Too-short password: 400 with the flow, the policy message on the password node.
    auto again = v0::initialize_self_service_settings_flow_without_browser(public_, token);
    ASSERT_TRUE(again) << describe(again.error());
    models::SubmitSelfServiceSettingsFlowWithPasswordMethodBody short_password;
    short_password.password = "short";
    auto rejected = v0::submit_self_service_settings_flow(public_, again->id, token,
                                                          models::SubmitSelfServiceSettingsFlowBody(short_password));
    ASSERT_FALSE(rejected);
    using SettingsError = v0::SubmitSelfServiceSettingsFlowError;
    const auto* response = std::get_if<ResponseContent<SettingsError>>(&rejected.error());
    ASSERT_NE(response, nullptr) << describe(rejected.error());
    EXPECT_EQ(response->status, 400);
    ASSERT_TRUE(response->entity.has_value()) << response->content;
    const auto* bad = std::get_if<SettingsError::Status400>(&*response->entity);
    ASSERT_NE(bad, nullptr) << response->content;
    bool found = false;
    for (const auto& node : bad->value.ui.nodes) {
        const auto* input = std::get_if<models::UiNodeInputAttributes>(&node.attributes);
        if (input == nullptr || input->name != "password") continue;
        for (const auto& message : node.messages) {
            // G1 reports the policy violation as 4000005 with a reason, G2 as 4000032 (§8.2.1).
            if ((message.id == 4000005 || message.id == 4000032) && message.type == "error") {
                found = true;
                EXPECT_NE(message.text.find("at least 8 characters"), std::string::npos) << message.text;
            }
        }
    }
    EXPECT_TRUE(found) << "no password-length message on the password node: " << response->content;

    // No token: 401.
    auto anonymous = v0::submit_self_service_settings_flow(public_, again->id, std::nullopt, Profile(Traits("Eve")));
    ASSERT_FALSE(anonymous);
    const auto* unauthorized = std::get_if<ResponseContent<SettingsError>>(&anonymous.error());
    ASSERT_NE(unauthorized, nullptr) << describe(anonymous.error());
    EXPECT_EQ(unauthorized->status, 401);
    ASSERT_TRUE(unauthorized->entity.has_value()) << unauthorized->content;
    EXPECT_TRUE(std::holds_alternative<SettingsError::Status401>(*unauthorized->entity)) << unauthorized->content;
    auto whoami = v0::to_session(public_, std::nullopt, std::nullopt);
    ASSERT_FALSE(whoami);
    EXPECT_EQ(status_of(whoami.error()), 401);
}

TEST_F(Journey, ExpiredSettingsFlowAnswersGone) {
    const auto lifespan_ms = Env("BIA_SETTINGS_FLOW_LIFESPAN_MS");
    if (!lifespan_ms) GTEST_SKIP() << "BIA_SETTINGS_FLOW_LIFESPAN_MS is not set";
    ASSERT_FALSE(CreateIdentity().id.empty());
    const std::string token = Login();
    ASSERT_FALSE(token.empty());
    auto flow = v0::initialize_self_service_settings_flow_without_browser(public_, token);
    ASSERT_TRUE(flow) << describe(flow.error());

    std::this_thread::sleep_for(std::chrono::milliseconds(std::stol(*lifespan_ms) + 1000));
    auto expired = v0::submit_self_service_settings_flow(public_, flow->id, token, Profile(Traits("Late")));
    ASSERT_FALSE(expired);
    using SettingsError = v0::SubmitSelfServiceSettingsFlowError;
    const auto* response = std::get_if<ResponseContent<SettingsError>>(&expired.error());
    ASSERT_NE(response, nullptr) << describe(expired.error());
    EXPECT_EQ(response->status, 410);
    ASSERT_TRUE(response->entity.has_value()) << response->content;
    const auto* gone = std::get_if<SettingsError::Status410>(&*response->entity);
    ASSERT_NE(gone, nullptr) << response->content;
    EXPECT_EQ(gone->value.error.id, "self_service_flow_expired");
    ASSERT_TRUE(gone->value.use_flow_id.has_value()) << response->content;
    EXPECT_NE(*gone->value.use_flow_id, flow->id);

    // The replacement flow is usable.
    auto replacement = v0::get_self_service_settings_flow(public_, *gone->value.use_flow_id, token, std::nullopt);
    ASSERT_TRUE(replacement) << describe(replacement.error());
    EXPECT_EQ(replacement->state, models::SelfServiceSettingsFlowState::ShowForm);
}

}  // namespace
}  // namespace bia::client
