#include "config/key_schema.hpp"

#include <gtest/gtest.h>

#include <set>

namespace bia::config {
namespace {

TEST(KeySchema, EnvNameIsUpperCasedPathWithUnderscores) {
    EXPECT_EQ(EnvNameFor("dsn"), "DSN");
    EXPECT_EQ(EnvNameFor("serve.public.base_url"), "SERVE_PUBLIC_BASE_URL");
    EXPECT_EQ(EnvNameFor("selfservice.flows.settings.privileged_session_max_age"),
              "SELFSERVICE_FLOWS_SETTINGS_PRIVILEGED_SESSION_MAX_AGE");
}

TEST(KeySchema, EveryKeyHasItsKratosEnvNameAndNamesAreUnique) {
    std::set<std::string> paths, envs;
    for (const KeySpec& k : KnownKeys()) {
        EXPECT_EQ(k.env, EnvNameFor(k.path));
        EXPECT_TRUE(paths.insert(k.path).second) << "duplicate key " << k.path;
        EXPECT_TRUE(envs.insert(k.env).second) << "duplicate env name " << k.env;
    }
    EXPECT_GT(KnownKeys().size(), 100u);
}

TEST(KeySchema, KeysAreNeverSectionsOfOtherKeys) {
    // A path cannot be both a leaf and a map, or values beneath it would be unreachable.
    for (const KeySpec& k : KnownKeys()) EXPECT_FALSE(IsKnownSection(k.path)) << k.path;
}

TEST(KeySchema, LooksUpKeysAndSections) {
    const KeySpec* port = FindKey("serve.public.port");
    ASSERT_NE(port, nullptr);
    EXPECT_EQ(port->kind, Kind::kInt);
    EXPECT_EQ(port->min, 1);
    EXPECT_EQ(port->max, 65535);
    EXPECT_EQ(FindKey("serve.public"), nullptr);
    EXPECT_TRUE(IsKnownSection("serve"));
    EXPECT_TRUE(IsKnownSection("serve.public"));
    EXPECT_TRUE(IsKnownSection("selfservice.flows.settings.after.password"));
    EXPECT_FALSE(IsKnownSection("serve.public.cors"));
    EXPECT_FALSE(IsKnownSection("selfservice.methods.passkey"));
    ASSERT_NE(FindKey("selfservice.flows.login.after.password.hooks"), nullptr);
    EXPECT_EQ(FindKey("selfservice.flows.login.after.password.hooks")->kind, Kind::kHooks);
}

TEST(KeySchema, CoversTheKeysOfSettingsSpecSection18) {
    for (const char* path : {"serve.public.base_url",
                             "serve.admin.base_url",
                             "dsn",
                             "selfservice.default_browser_return_url",
                             "selfservice.allowed_return_urls",
                             "selfservice.flows.settings.ui_url",
                             "selfservice.flows.settings.lifespan",
                             "selfservice.flows.settings.privileged_session_max_age",
                             "selfservice.flows.settings.required_aal",
                             "selfservice.flows.settings.after.default_browser_return_url",
                             "selfservice.flows.settings.after.profile.default_browser_return_url",
                             "selfservice.flows.settings.after.hooks",
                             "selfservice.flows.settings.after.totp.hooks",
                             "selfservice.flows.settings.before.hooks",
                             "selfservice.flows.login.ui_url",
                             "selfservice.flows.error.ui_url",
                             "selfservice.flows.verification.enabled",
                             "selfservice.methods.profile.enabled",
                             "selfservice.methods.password.enabled",
                             "selfservice.methods.password.config.min_password_length",
                             "selfservice.methods.password.config.identifier_similarity_check_enabled",
                             "selfservice.methods.password.config.haveibeenpwned_enabled",
                             "selfservice.methods.password.config.haveibeenpwned_host",
                             "selfservice.methods.password.config.max_breaches",
                             "selfservice.methods.password.config.ignore_network_errors",
                             "selfservice.methods.totp.enabled",
                             "selfservice.methods.totp.config.issuer",
                             "selfservice.methods.lookup_secret.enabled",
                             "selfservice.methods.webauthn.enabled",
                             "selfservice.methods.webauthn.config.passwordless",
                             "selfservice.methods.webauthn.config.rp.id",
                             "selfservice.methods.webauthn.config.rp.origin",
                             "selfservice.methods.webauthn.config.rp.origins",
                             "selfservice.methods.webauthn.config.rp.display_name",
                             "selfservice.methods.webauthn.config.rp.icon",
                             "selfservice.methods.oidc.enabled",
                             "selfservice.methods.oidc.config.providers",
                             "selfservice.methods.link.enabled",
                             "session.lifespan",
                             "session.cookie.name",
                             "session.cookie.persistent",
                             "session.cookie.path",
                             "session.cookie.domain",
                             "session.cookie.same_site",
                             "session.whoami.required_aal",
                             "session.earliest_possible_extend",
                             "cookies.path",
                             "cookies.domain",
                             "cookies.same_site",
                             "hashers.algorithm",
                             "hashers.bcrypt.cost",
                             "hashers.argon2.memory",
                             "hashers.argon2.iterations",
                             "hashers.argon2.parallelism",
                             "hashers.argon2.salt_length",
                             "hashers.argon2.key_length",
                             "secrets.cookie",
                             "secrets.default",
                             "secrets.cipher",
                             "ciphers.algorithm",
                             "identity.default_schema_id",
                             "identity.schemas"}) {
        EXPECT_NE(FindKey(path), nullptr) << path;
    }
}

}  // namespace
}  // namespace bia::config
