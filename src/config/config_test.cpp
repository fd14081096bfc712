#include "config/config.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "config/key_schema.hpp"

namespace bia::config {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr const char* kMinimal = R"(
dsn: memory
identity:
  schemas:
    - id: default
      url: file://config/identity.schema.json
)";

core::Result<Config> Load(const std::string& extra, const Environment& env = {}, bool dev = false,
                          Warnings* warnings = nullptr) {
    return LoadConfigFromYaml({{"base.yml", kMinimal}, {"extra.yml", extra}}, env, dev, warnings);
}

// The one-line reason of a load that must fail.
std::string ErrorOf(const std::string& extra, const Environment& env = {}, bool dev = false) {
    auto c = Load(extra, env, dev);
    if (c.ok()) return "<loaded without error>";
    EXPECT_EQ(c.error().reason.find('\n'), std::string::npos) << c.error().reason;
    return c.error().reason;
}

bool Contains(const Warnings& w, const std::string& text) { return std::find(w.begin(), w.end(), text) != w.end(); }

size_t CountContaining(const Warnings& w, const std::string& fragment) {
    return static_cast<size_t>(
        std::count_if(w.begin(), w.end(), [&](const std::string& s) { return s.find(fragment) != std::string::npos; }));
}

// ---------------------------------------------------------------------------------------------
// Defaults

TEST(ConfigDefaults, MinimalConfigGetsKratosDefaults) {
    Warnings w;
    auto c = Load("", {}, false, &w);
    ASSERT_TRUE(c.ok()) << c.error().reason;
    EXPECT_EQ(c->dsn, "memory");
    EXPECT_TRUE(c->IsMemoryDsn());
    EXPECT_FALSE(c->dev_mode);

    EXPECT_EQ(c->serve.public_api.port, 4433);
    EXPECT_EQ(c->serve.admin_api.port, 4434);
    EXPECT_EQ(c->serve.public_api.host, "127.0.0.1");
    EXPECT_EQ(c->serve.public_api.ListenAddress(), "127.0.0.1:4433");
    EXPECT_EQ(c->serve.public_api.base_url, "https://127.0.0.1:4433/");
    EXPECT_TRUE(c->serve.public_api.base_url_guessed);
    EXPECT_EQ(c->PublicBaseUrl(), "https://127.0.0.1:4433/");
    EXPECT_EQ(c->AdminBaseUrl(), "https://127.0.0.1:4434/");

    EXPECT_EQ(c->log.level, "info");
    EXPECT_EQ(c->log.format, "text");
    EXPECT_FALSE(c->log.leak_sensitive_values);

    EXPECT_EQ(c->cookies.path, "/");
    EXPECT_FALSE(c->cookies.domain.has_value());
    EXPECT_EQ(c->cookies.same_site, SameSite::kLax);

    EXPECT_EQ(c->session.lifespan, 24h);
    EXPECT_EQ(c->session.cookie.name, "ory_kratos_session");
    EXPECT_TRUE(c->session.cookie.persistent);
    EXPECT_EQ(c->session.whoami_required_aal, RequiredAal::kHighestAvailable);
    EXPECT_FALSE(c->session.earliest_possible_extend.has_value());

    EXPECT_EQ(c->identity.default_schema_id, "default");
    ASSERT_EQ(c->identity.schemas.size(), 1u);
    EXPECT_EQ(c->identity.DefaultSchema().url, "file://config/identity.schema.json");

    EXPECT_EQ(c->hashers.algorithm, HashAlgorithm::kBcrypt);
    EXPECT_EQ(c->hashers.bcrypt.cost, 12u);
    EXPECT_EQ(c->hashers.argon2.memory_bytes, 128ULL * 1024 * 1024);
    EXPECT_EQ(c->hashers.argon2.iterations, 1u);
    EXPECT_GE(c->hashers.argon2.parallelism, 2u);
    EXPECT_EQ(c->hashers.argon2.salt_length, 16u);
    EXPECT_EQ(c->hashers.argon2.key_length, 32u);
    EXPECT_EQ(c->hashers.argon2.expected_duration, 500ms);
    EXPECT_EQ(c->hashers.argon2.expected_deviation, 500ms);
    EXPECT_EQ(c->hashers.argon2.dedicated_memory_bytes, 1ULL << 30);

    EXPECT_EQ(c->ciphers.algorithm, "noop");
    EXPECT_TRUE(c->secrets.default_secrets.empty());
    EXPECT_TRUE(c->secrets.must_generate_default);
    EXPECT_TRUE(c->CookieSecrets().empty());

    EXPECT_FALSE(c->selfservice.default_browser_return_url.has_value());
    EXPECT_TRUE(c->selfservice.allowed_return_urls.empty());
    EXPECT_TRUE(c->feature_flags.is_object());
    EXPECT_TRUE(c->feature_flags.empty());
}

TEST(ConfigDefaults, FlowDefaults) {
    auto c = Load("");
    ASSERT_TRUE(c.ok()) << c.error().reason;
    const FlowsConfig& f = c->selfservice.flows;
    EXPECT_EQ(f.settings.ui_url, "https://www.ory.sh/kratos/docs/fallback/settings");
    EXPECT_EQ(f.settings.lifespan, 1h);
    EXPECT_EQ(f.settings.privileged_session_max_age, 1h);
    EXPECT_EQ(f.settings.required_aal, RequiredAal::kHighestAvailable);
    EXPECT_TRUE(f.settings.before_hooks.empty());
    EXPECT_TRUE(f.settings.after.hooks.empty());
    EXPECT_TRUE(f.settings.after.methods.empty());
    EXPECT_EQ(f.login.ui_url, "https://www.ory.sh/kratos/docs/fallback/login");
    EXPECT_EQ(f.login.lifespan, 1h);
    EXPECT_TRUE(f.registration.enabled);
    EXPECT_EQ(f.registration.ui_url, "https://www.ory.sh/kratos/docs/fallback/registration");
    EXPECT_EQ(f.registration.lifespan, 1h);
    EXPECT_FALSE(f.verification.enabled);
    EXPECT_EQ(f.verification.ui_url, "https://www.ory.sh/kratos/docs/fallback/verification");
    EXPECT_EQ(f.verification.use, "code");
    EXPECT_FALSE(f.verification.notify_unknown_recipients);
    EXPECT_FALSE(f.recovery.enabled);
    EXPECT_EQ(f.recovery.ui_url, "https://www.ory.sh/kratos/docs/fallback/recovery");
    EXPECT_EQ(f.recovery.lifespan, 1h);
    EXPECT_EQ(f.error.ui_url, "https://www.ory.sh/kratos/docs/fallback/error");
    EXPECT_FALSE(f.logout.after_default_browser_return_url.has_value());
}

TEST(ConfigDefaults, MethodDefaults) {
    auto c = Load("");
    ASSERT_TRUE(c.ok()) << c.error().reason;
    const MethodsConfig& m = c->selfservice.methods;
    EXPECT_TRUE(m.password.enabled);
    EXPECT_EQ(m.password.min_password_length, 8u);
    EXPECT_TRUE(m.password.identifier_similarity_check_enabled);
    EXPECT_TRUE(m.password.haveibeenpwned_enabled);
    EXPECT_EQ(m.password.haveibeenpwned_host, "api.pwnedpasswords.com");
    EXPECT_EQ(m.password.max_breaches, 0u);
    EXPECT_TRUE(m.password.ignore_network_errors);
    EXPECT_TRUE(m.profile.enabled);
    EXPECT_FALSE(m.totp.enabled);
    EXPECT_EQ(m.totp.issuer, "127.0.0.1");  // host of the public base URL
    EXPECT_FALSE(m.lookup_secret.enabled);
    EXPECT_FALSE(m.webauthn.enabled);
    EXPECT_FALSE(m.oidc.enabled);
    EXPECT_TRUE(m.oidc.providers.is_array());
    EXPECT_FALSE(m.link.enabled);
    EXPECT_EQ(m.link.lifespan, 1h);
    EXPECT_TRUE(m.code.enabled);
    EXPECT_EQ(m.code.lifespan, 1h);
    EXPECT_EQ(m.code.max_submissions, 5u);
    EXPECT_TRUE(m.IsEnabled("password"));
    EXPECT_TRUE(m.IsEnabled("profile"));
    EXPECT_FALSE(m.IsEnabled("totp"));
    EXPECT_FALSE(m.IsEnabled("passkey"));

    EXPECT_EQ(c->courier.smtp_from_address, "no-reply@ory.kratos.sh");
    EXPECT_FALSE(c->courier.smtp_connection_uri.has_value());
}

TEST(ConfigDefaults, DevModeGuessesHttpBaseUrls) {
    auto c = Load("", {}, true);
    ASSERT_TRUE(c.ok()) << c.error().reason;
    EXPECT_TRUE(c->dev_mode);
    EXPECT_EQ(c->serve.public_api.base_url, "http://127.0.0.1:4433/");
    EXPECT_EQ(c->serve.admin_api.base_url, "http://127.0.0.1:4434/");
}

TEST(ConfigDefaults, GuessUsesConfiguredHostAndPort) {
    auto c = Load("serve:\n  public:\n    host: auth.internal\n    port: 8080\n  admin:\n    host: 0.0.0.0\n");
    ASSERT_TRUE(c.ok()) << c.error().reason;
    EXPECT_EQ(c->serve.public_api.base_url, "https://auth.internal:8080/");
    EXPECT_EQ(c->serve.public_api.ListenAddress(), "auth.internal:8080");
    // 0.0.0.0 is honoured for listening but is no address to put in a URL.
    EXPECT_EQ(c->serve.admin_api.host, "0.0.0.0");
    EXPECT_EQ(c->serve.admin_api.base_url, "https://127.0.0.1:4434/");
}

TEST(ConfigDefaults, Ipv6ListenHostIsBracketed) {
    auto c = Load("serve:\n  public:\n    host: \"::1\"\n");
    ASSERT_TRUE(c.ok()) << c.error().reason;
    EXPECT_EQ(c->serve.public_api.ListenAddress(), "[::1]:4433");
    EXPECT_EQ(c->serve.public_api.base_url, "https://[::1]:4433/");
}

TEST(ConfigDefaults, WarnsAboutGuessesAndMissingSecrets) {
    Warnings w;
    auto c = Load("", {}, true, &w);
    ASSERT_TRUE(c.ok()) << c.error().reason;
    EXPECT_TRUE(Contains(w, "serve.public.base_url is not set; assuming http://127.0.0.1:4433/"));
    EXPECT_TRUE(Contains(w, "serve.admin.base_url is not set; assuming http://127.0.0.1:4434/"));
    EXPECT_EQ(CountContaining(w, "secrets.default is not set"), 1u);
    EXPECT_EQ(CountContaining(w, "selfservice.default_browser_return_url is not set"), 1u);
    EXPECT_EQ(CountContaining(w, "not implemented by Bia"), 0u);
}

// ---------------------------------------------------------------------------------------------
// Values, accessors

TEST(Config, ReadsAConfiguredFile) {
    Warnings w;
    auto c = Load(R"(
version: v1.0.0
serve:
  public:
    base_url: https://auth.example.com
    port: 4455
  admin:
    base_url: http://admin.internal:4434/
log:
  level: debug
  format: json
  leak_sensitive_values: true
secrets:
  default: [aaaaaaaaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbbbbbb]
  cookie: [cccccccccccccccccc]
session:
  lifespan: 720h
  earliest_possible_extend: 1h30m
  whoami:
    required_aal: aal1
selfservice:
  default_browser_return_url: https://app.example.com/
  allowed_return_urls: [https://app.example.com/callback, /relative]
  flows:
    settings:
      ui_url: https://app.example.com/settings?x=1
      lifespan: 15m
      privileged_session_max_age: 100ms
      required_aal: aal1
      notify_previous_address: true
    verification:
      enabled: true
      use: link
      notify_unknown_recipients: true
    logout:
      after:
        default_browser_return_url: https://app.example.com/bye
courier:
  smtp:
    connection_uri: smtps://user:pass@mail.example.com:465/
    from_address: auth@example.com
    from_name: Example
    headers:
      X-SES-CONFIGURATION-SET: bia
  template_override_path: /etc/bia/templates
feature_flags:
  use_continue_with_transitions: true
  password_profile_registration_node_group: default
)",
                  {}, false, &w);
    ASSERT_TRUE(c.ok()) << c.error().reason;
    EXPECT_EQ(c->version, "v1.0.0");
    EXPECT_EQ(c->serve.public_api.base_url, "https://auth.example.com");
    EXPECT_FALSE(c->serve.public_api.base_url_guessed);
    EXPECT_EQ(c->PublicBaseUrl(), "https://auth.example.com/");
    EXPECT_EQ(c->serve.public_api.port, 4455);
    EXPECT_EQ(c->AdminBaseUrl(), "http://admin.internal:4434/");
    EXPECT_EQ(c->log.level, "debug");
    EXPECT_EQ(c->log.format, "json");
    EXPECT_TRUE(c->log.leak_sensitive_values);
    EXPECT_EQ(c->secrets.default_secrets.size(), 2u);
    EXPECT_FALSE(c->secrets.must_generate_default);
    EXPECT_EQ(c->CookieSecrets(), std::vector<std::string>{"cccccccccccccccccc"});
    EXPECT_EQ(c->session.lifespan, 720h);
    EXPECT_EQ(c->session.earliest_possible_extend, std::optional<core::Duration>(90min));
    EXPECT_EQ(c->session.whoami_required_aal, RequiredAal::kAal1);
    EXPECT_EQ(c->selfservice.default_browser_return_url, "https://app.example.com/");
    EXPECT_EQ(c->selfservice.allowed_return_urls,
              (std::vector<std::string>{"https://app.example.com/callback", "/relative"}));
    const auto& settings = c->selfservice.flows.settings;
    EXPECT_EQ(settings.ui_url, "https://app.example.com/settings?x=1");
    EXPECT_EQ(settings.lifespan, 15min);
    EXPECT_EQ(settings.privileged_session_max_age, 100ms);
    EXPECT_TRUE(settings.notify_previous_address);
    EXPECT_EQ(settings.required_aal, RequiredAal::kAal1);
    EXPECT_TRUE(c->selfservice.flows.verification.enabled);
    EXPECT_EQ(c->selfservice.flows.verification.use, "link");
    EXPECT_TRUE(c->selfservice.flows.verification.notify_unknown_recipients);
    EXPECT_EQ(c->LogoutReturnUrl(), "https://app.example.com/bye");
    EXPECT_EQ(c->courier.smtp_connection_uri, "smtps://user:pass@mail.example.com:465/");
    EXPECT_EQ(c->courier.smtp_from_address, "auth@example.com");
    EXPECT_EQ(c->courier.smtp_from_name, "Example");
    EXPECT_EQ(c->courier.smtp_headers.at("X-SES-CONFIGURATION-SET"), "bia");
    EXPECT_EQ(c->courier.template_override_path, "/etc/bia/templates");
    EXPECT_TRUE(c->FeatureFlag("use_continue_with_transitions"));
    EXPECT_FALSE(c->FeatureFlag("password_profile_registration_node_group"));  // not a boolean
    EXPECT_FALSE(c->FeatureFlag("cacheable_sessions"));
    EXPECT_EQ(c->feature_flags["password_profile_registration_node_group"], "default");
    EXPECT_EQ(c->selfservice.methods.totp.issuer, "auth.example.com");
    EXPECT_EQ(CountContaining(w, "not implemented by Bia"), 0u);
    EXPECT_EQ(CountContaining(w, "is not set"), 0u);
}

TEST(Config, HooksKeepTheirJsonConfig) {
    auto c = Load(R"(
selfservice:
  flows:
    registration:
      after:
        password:
          hooks:
            - hook: session
        hooks:
          - hook: web_hook
            config:
              url: https://hooks.example.com/
              method: POST
              body: base64://e30=
              response: {ignore: true}
    settings:
      before:
        hooks: [{hook: web_hook, config: {url: "https://x.example/"}}]
)");
    ASSERT_TRUE(c.ok()) << c.error().reason;
    const auto& reg = c->selfservice.flows.registration.after;
    ASSERT_EQ(reg.HooksFor("password").size(), 1u);
    EXPECT_EQ(reg.HooksFor("password")[0].name, "session");
    EXPECT_TRUE(reg.HooksFor("password")[0].config.is_null());
    ASSERT_EQ(reg.HooksFor("oidc").size(), 1u);  // falls back to after.hooks
    EXPECT_EQ(reg.HooksFor("oidc")[0].name, "web_hook");
    EXPECT_EQ(reg.HooksFor("oidc")[0].config["response"]["ignore"], json(true));
    EXPECT_EQ(reg.HooksFor("oidc")[0].config["method"], json("POST"));
    ASSERT_EQ(c->selfservice.flows.settings.before_hooks.size(), 1u);
    EXPECT_EQ(c->selfservice.flows.settings.before_hooks[0].config["url"], json("https://x.example/"));
}

TEST(Config, PerMethodHooksReplaceFlowHooksOnlyWhenNonEmpty) {
    auto c = Load(R"(
selfservice:
  flows:
    settings:
      after:
        hooks: [{hook: web_hook, config: {url: "https://global.example/"}}]
        password:
          hooks: [{hook: revoke_active_sessions}]
        profile:
          default_browser_return_url: https://app.example/profile
          hooks: []
)");
    ASSERT_TRUE(c.ok()) << c.error().reason;
    const auto& after = c->selfservice.flows.settings.after;
    ASSERT_EQ(after.HooksFor("password").size(), 1u);
    EXPECT_EQ(after.HooksFor("password")[0].name, "revoke_active_sessions");
    ASSERT_EQ(after.HooksFor("profile").size(), 1u);
    EXPECT_EQ(after.HooksFor("profile")[0].name, "web_hook");
    EXPECT_EQ(after.HooksFor("totp")[0].name, "web_hook");
}

TEST(Config, SettingsReturnUrlFallsBackPerMethodThenFlowButNotToDefault) {
    auto c = Load(R"(
selfservice:
  default_browser_return_url: https://app.example/home
  flows:
    settings:
      after:
        password:
          default_browser_return_url: https://app.example/after-password
)");
    ASSERT_TRUE(c.ok()) << c.error().reason;
    EXPECT_EQ(c->SettingsReturnUrlFor("password"), "https://app.example/after-password");
    // §5.3: no after.default_browser_return_url → SETTINGS_UI?flow=…, never the global default.
    EXPECT_FALSE(c->SettingsReturnUrlFor("profile").has_value());

    auto c2 = Load(R"(
selfservice:
  flows:
    settings:
      after:
        default_browser_return_url: /settings-done
        password:
          default_browser_return_url: https://app.example/after-password
)");
    ASSERT_TRUE(c2.ok()) << c2.error().reason;
    EXPECT_EQ(c2->SettingsReturnUrlFor("password"), "https://app.example/after-password");
    EXPECT_EQ(c2->SettingsReturnUrlFor("profile"), "/settings-done");
    EXPECT_EQ(c2->SettingsReturnUrlFor("unknown"), "/settings-done");
}

TEST(Config, LoginAndRegistrationReturnUrlsEndAtTheDefault) {
    auto c = Load(R"(
selfservice:
  default_browser_return_url: https://app.example/home
  flows:
    login:
      after:
        oidc:
          default_browser_return_url: https://app.example/oidc
    registration:
      after:
        default_browser_return_url: https://app.example/welcome
)");
    ASSERT_TRUE(c.ok()) << c.error().reason;
    EXPECT_EQ(c->LoginReturnUrlFor("oidc"), "https://app.example/oidc");
    EXPECT_EQ(c->LoginReturnUrlFor("password"), "https://app.example/home");
    EXPECT_EQ(c->RegistrationReturnUrlFor("password"), "https://app.example/welcome");
    EXPECT_EQ(c->LogoutReturnUrl(), "https://app.example/home");
}

TEST(Config, SessionCookieFallsBackToCookiesSection) {
    auto c = Load(R"(
cookies:
  domain: example.com
  path: /auth
  same_site: Strict
)");
    ASSERT_TRUE(c.ok()) << c.error().reason;
    CookieAttributes s = c->SessionCookie();
    EXPECT_EQ(s.name, "ory_kratos_session");
    EXPECT_EQ(s.path, "/auth");
    EXPECT_EQ(s.domain, "example.com");
    EXPECT_EQ(s.same_site, SameSite::kStrict);
    EXPECT_TRUE(s.secure);
    EXPECT_TRUE(s.http_only);
    EXPECT_TRUE(s.persistent);
}

TEST(Config, SessionCookieSettingsWinOverCookiesSection) {
    auto c = Load(R"(
cookies:
  domain: example.com
  path: /auth
  same_site: Strict
session:
  cookie:
    name: my_session
    persistent: false
    path: /
    domain: ""
    same_site: None
)",
                  {}, true);
    ASSERT_TRUE(c.ok()) << c.error().reason;
    CookieAttributes s = c->SessionCookie();
    EXPECT_EQ(s.name, "my_session");
    EXPECT_EQ(s.path, "/");
    EXPECT_FALSE(s.domain.has_value());  // explicitly empty: no Domain, no fallback
    EXPECT_EQ(s.same_site, SameSite::kNone);
    EXPECT_FALSE(s.secure);  // dev mode
    EXPECT_FALSE(s.persistent);
}

TEST(Config, CsrfCookieNameHashesThePublicBaseUrlAsConfigured) {
    // settings-flow.md §12.2 example.
    auto c = Load("serve:\n  public:\n    base_url: http://127.0.0.1:4433/\n");
    ASSERT_TRUE(c.ok()) << c.error().reason;
    CookieAttributes csrf = c->CsrfCookie();
    EXPECT_EQ(csrf.name, "csrf_token_806060ca5bf70dff3caa0e5c860002aade9d470a5a4dce73bcfa7ba10778f481");
    EXPECT_EQ(csrf.path, "/");
    EXPECT_TRUE(csrf.secure);
    EXPECT_TRUE(csrf.http_only);
    EXPECT_EQ(csrf.same_site, SameSite::kLax);

    // Without the trailing slash the configured string, and so the name, differs.
    auto c2 = Load("serve:\n  public:\n    base_url: http://127.0.0.1:4433\n");
    ASSERT_TRUE(c2.ok()) << c2.error().reason;
    EXPECT_NE(c2->CsrfCookie().name, csrf.name);
    EXPECT_EQ(c2->PublicBaseUrl(), "http://127.0.0.1:4433/");
}

TEST(Config, CsrfCookieSameSiteNoneBecomesLaxWhenNotSecure) {
    auto prod = Load("cookies:\n  same_site: None\n  domain: example.com\n", {}, false);
    ASSERT_TRUE(prod.ok()) << prod.error().reason;
    EXPECT_EQ(prod->CsrfCookie().same_site, SameSite::kNone);
    EXPECT_EQ(prod->CsrfCookie().domain, "example.com");
    auto dev = Load("cookies:\n  same_site: None\n", {}, true);
    ASSERT_TRUE(dev.ok()) << dev.error().reason;
    EXPECT_EQ(dev->CsrfCookie().same_site, SameSite::kLax);
    EXPECT_FALSE(dev->CsrfCookie().secure);
}

TEST(Config, CookieSecretsFallBackToDefaultSecrets) {
    auto c = Load("secrets:\n  default: [0123456789abcdef]\n");
    ASSERT_TRUE(c.ok()) << c.error().reason;
    EXPECT_EQ(c->CookieSecrets(), std::vector<std::string>{"0123456789abcdef"});
}

TEST(Config, CipherSecretsAreSecretsCipherElseDefaultSecrets) {
    auto c = Load("secrets:\n  default: [0123456789abcdef]\n");
    ASSERT_TRUE(c.ok()) << c.error().reason;
    EXPECT_EQ(c->CipherSecrets(), std::vector<std::string>{"0123456789abcdef"});
    c = Load(
        "secrets:\n  default: [0123456789abcdef]\n  cipher: [0123456789abcdef0123456789ABCDEF, "
        "ABCDEF0123456789abcdef0123456789]\n");
    ASSERT_TRUE(c.ok()) << c.error().reason;
    EXPECT_EQ(c->CipherSecrets(),
              (std::vector<std::string>{"0123456789abcdef0123456789ABCDEF", "ABCDEF0123456789abcdef0123456789"}));
}

TEST(Config, DatabaseCleanupKeysHaveKratosDefaultsAndEnvOverrides) {
    auto c = Load("");
    ASSERT_TRUE(c.ok()) << c.error().reason;
    EXPECT_EQ(c->database.cleanup.batch_size, 100);
    EXPECT_EQ(c->database.cleanup.sleep_tables, 1min);
    EXPECT_EQ(c->database.cleanup.sleep_batches, 100ms);
    EXPECT_EQ(c->database.cleanup.older_than, 0s);
    EXPECT_EQ(c->database.cleanup.interval, 10min);

    c = Load(R"(
database:
  cleanup:
    batch_size: 500
    sleep:
      tables: 5s
      batches: 20ms
    older_than: 24h
    interval: 1h
)");
    ASSERT_TRUE(c.ok()) << c.error().reason;
    EXPECT_EQ(c->database.cleanup.batch_size, 500);
    EXPECT_EQ(c->database.cleanup.sleep_tables, 5s);
    EXPECT_EQ(c->database.cleanup.sleep_batches, 20ms);
    EXPECT_EQ(c->database.cleanup.older_than, 24h);
    EXPECT_EQ(c->database.cleanup.interval, 1h);

    c = Load("database:\n  cleanup:\n    batch_size: 500\n", {{"DATABASE_CLEANUP_BATCH_SIZE", "7"},
                                                              {"DATABASE_CLEANUP_SLEEP_TABLES", "0s"},
                                                              {"DATABASE_CLEANUP_SLEEP_BATCHES", "1ms"},
                                                              {"DATABASE_CLEANUP_OLDER_THAN", "1h30m"},
                                                              {"DATABASE_CLEANUP_INTERVAL", "0s"}});
    ASSERT_TRUE(c.ok()) << c.error().reason;
    EXPECT_EQ(c->database.cleanup.batch_size, 7);
    EXPECT_EQ(c->database.cleanup.sleep_tables, 0s);
    EXPECT_EQ(c->database.cleanup.sleep_batches, 1ms);
    EXPECT_EQ(c->database.cleanup.older_than, 90min);
    EXPECT_EQ(c->database.cleanup.interval, 0s);

    EXPECT_EQ(ErrorOf("database:\n  cleanup:\n    batch_size: 0\n"),
              "config: database.cleanup.batch_size: must be between 1 and 10000, got 0");
    EXPECT_NE(ErrorOf("database:\n  cleanup:\n    interval: -1s\n").find("database.cleanup.interval"),
              std::string::npos);
    EXPECT_NE(ErrorOf("", {{"DATABASE_CLEANUP_OLDER_THAN", "a day"}}).find("DATABASE_CLEANUP_OLDER_THAN"),
              std::string::npos);
}

TEST(Config, BaseUrlWithPathIsNormalisedWithTrailingSlash) {
    auto c = Load("serve:\n  public:\n    base_url: https://example.com/auth\n");
    ASSERT_TRUE(c.ok()) << c.error().reason;
    EXPECT_EQ(c->PublicBaseUrl(), "https://example.com/auth/");
    EXPECT_EQ(c->serve.public_api.base_url, "https://example.com/auth");
}

TEST(Config, HashersArgon2) {
    auto c = Load(R"(
hashers:
  algorithm: argon2
  argon2:
    memory: 64MB
    iterations: 3
    parallelism: 4
    salt_length: 32
    key_length: 64
    expected_duration: 1s
    expected_deviation: 250ms
    dedicated_memory: 2GB
)");
    ASSERT_TRUE(c.ok()) << c.error().reason;
    const Argon2Config& a = c->hashers.argon2;
    EXPECT_EQ(c->hashers.algorithm, HashAlgorithm::kArgon2);
    EXPECT_EQ(a.memory_bytes, 64ULL << 20);
    EXPECT_EQ(a.iterations, 3u);
    EXPECT_EQ(a.parallelism, 4u);
    EXPECT_EQ(a.salt_length, 32u);
    EXPECT_EQ(a.key_length, 64u);
    EXPECT_EQ(a.expected_duration, 1s);
    EXPECT_EQ(a.expected_deviation, 250ms);
    EXPECT_EQ(a.dedicated_memory_bytes, 2ULL << 30);
}

TEST(Config, Argon2MemoryAsPlainIntegerIsBytes) {
    auto c = Load("hashers:\n  argon2:\n    memory: 1048576\n");
    ASSERT_TRUE(c.ok()) << c.error().reason;
    EXPECT_EQ(c->hashers.argon2.memory_bytes, 1048576u);
}

TEST(Config, BcryptCostBelowTwelveOnlyInDevMode) {
    auto dev = Load("hashers:\n  bcrypt:\n    cost: 4\n", {}, true);
    ASSERT_TRUE(dev.ok()) << dev.error().reason;
    EXPECT_EQ(dev->hashers.bcrypt.cost, 4u);
    EXPECT_EQ(ErrorOf("hashers:\n  bcrypt:\n    cost: 10\n"),
              "config: hashers.bcrypt.cost: must be at least 12 outside dev mode, got 10");
    EXPECT_EQ(ErrorOf("hashers:\n  bcrypt:\n    cost: 3\n", {}, true),
              "config: hashers.bcrypt.cost: must be between 4 and 31, got 3");
    auto high = Load("hashers:\n  bcrypt:\n    cost: 14\n");
    ASSERT_TRUE(high.ok()) << high.error().reason;
    EXPECT_EQ(high->hashers.bcrypt.cost, 14u);
}

TEST(Config, MethodsConfiguration) {
    auto c = Load(R"(
selfservice:
  methods:
    password:
      enabled: false
      config:
        min_password_length: 12
        identifier_similarity_check_enabled: false
        haveibeenpwned_enabled: false
        haveibeenpwned_host: hibp.internal
        max_breaches: 3
        ignore_network_errors: false
    totp:
      enabled: true
      config:
        issuer: Example Inc.
    lookup_secret:
      enabled: true
    webauthn:
      enabled: true
      config:
        passwordless: true
        rp:
          id: example.com
          display_name: Example
    oidc:
      enabled: true
      config:
        base_redirect_uri: https://auth.example.com/
        providers:
          - id: google
            provider: google
            client_id: abc
            client_secret: def
            mapper_url: file://mapper.jsonnet
            scope: [email]
    link:
      enabled: true
      config:
        lifespan: 15m
        base_url: https://links.example.com/
    code:
      enabled: false
      passwordless_enabled: true
      mfa_enabled: true
      config:
        lifespan: 10m
        max_submissions: 3
)");
    ASSERT_TRUE(c.ok()) << c.error().reason;
    const MethodsConfig& m = c->selfservice.methods;
    EXPECT_FALSE(m.password.enabled);
    EXPECT_EQ(m.password.min_password_length, 12u);
    EXPECT_FALSE(m.password.identifier_similarity_check_enabled);
    EXPECT_FALSE(m.password.haveibeenpwned_enabled);
    EXPECT_EQ(m.password.haveibeenpwned_host, "hibp.internal");
    EXPECT_EQ(m.password.max_breaches, 3u);
    EXPECT_FALSE(m.password.ignore_network_errors);
    EXPECT_TRUE(m.totp.enabled);
    EXPECT_EQ(m.totp.issuer, "Example Inc.");
    EXPECT_TRUE(m.lookup_secret.enabled);
    EXPECT_TRUE(m.webauthn.enabled);
    EXPECT_TRUE(m.webauthn.passwordless);
    EXPECT_EQ(m.webauthn.rp_id, "example.com");
    EXPECT_EQ(m.webauthn.rp_display_name, "Example");
    // No origin(s) configured: scheme of the public URL + rp id, as Kratos.
    EXPECT_EQ(m.webauthn.rp_origins, std::vector<std::string>{"https://example.com"});
    EXPECT_TRUE(m.oidc.enabled);
    EXPECT_EQ(m.oidc.base_redirect_uri, "https://auth.example.com/");
    ASSERT_EQ(m.oidc.providers.size(), 1u);
    EXPECT_EQ(m.oidc.providers[0]["client_id"], "abc");
    EXPECT_EQ(m.oidc.providers[0]["scope"], json::array({"email"}));
    EXPECT_TRUE(m.link.enabled);
    EXPECT_EQ(m.link.lifespan, 15min);
    EXPECT_EQ(m.link.base_url, "https://links.example.com/");
    EXPECT_FALSE(m.code.enabled);
    EXPECT_TRUE(m.code.passwordless_enabled);
    EXPECT_TRUE(m.code.mfa_enabled);
    EXPECT_EQ(m.code.lifespan, 10min);
    EXPECT_EQ(m.code.max_submissions, 3u);
}

TEST(Config, WebAuthnOriginsResolution) {
    auto one = Load(R"(
selfservice:
  methods:
    webauthn:
      enabled: true
      config:
        rp: {id: example.com, display_name: Ex, origin: "https://login.example.com"}
)");
    ASSERT_TRUE(one.ok()) << one.error().reason;
    EXPECT_EQ(one->selfservice.methods.webauthn.rp_origins, std::vector<std::string>{"https://login.example.com"});
    auto many = Load(R"(
selfservice:
  methods:
    webauthn:
      enabled: true
      config:
        rp: {id: example.com, display_name: Ex, origins: ["https://a.example.com", "https://b.example.com"]}
)");
    ASSERT_TRUE(many.ok()) << many.error().reason;
    EXPECT_EQ(many->selfservice.methods.webauthn.rp_origins,
              (std::vector<std::string>{"https://a.example.com", "https://b.example.com"}));
}

TEST(Config, DurationsUseGoSyntax) {
    auto c = Load(R"(
session:
  lifespan: 1h30m
selfservice:
  flows:
    login:
      lifespan: 90s
    recovery:
      lifespan: 1.5h
    registration:
      lifespan: "0"
)");
    ASSERT_TRUE(c.ok()) << c.error().reason;
    EXPECT_EQ(c->session.lifespan, 90min);
    EXPECT_EQ(c->selfservice.flows.login.lifespan, 90s);
    EXPECT_EQ(c->selfservice.flows.recovery.lifespan, 90min);
    EXPECT_EQ(c->selfservice.flows.registration.lifespan, 0s);
}

TEST(Config, IdentitySchemasWithNonDefaultId) {
    auto c = LoadConfigFromYaml({{"x.yml", R"(
dsn: sqlite:///tmp/x.sqlite?_fk=true
identity:
  default_schema_id: customer
  schemas:
    - id: employee
      url: https://schemas.example.com/employee.json
    - id: customer
      url: base64://e30
      selfservice_selectable: true
)"}},
                                {}, false, nullptr);
    ASSERT_TRUE(c.ok()) << c.error().reason;
    EXPECT_FALSE(c->IsMemoryDsn());
    EXPECT_EQ(c->identity.DefaultSchema().id, "customer");
    EXPECT_EQ(c->identity.DefaultSchema().url, "base64://e30");
    EXPECT_TRUE(c->identity.DefaultSchema().selfservice_selectable);
    ASSERT_NE(c->identity.FindSchema("employee"), nullptr);
    EXPECT_EQ(c->identity.FindSchema("nobody"), nullptr);
}

// ---------------------------------------------------------------------------------------------
// Validation errors: one line, naming the key and the problem

TEST(ConfigErrors, WrongTypes) {
    EXPECT_EQ(ErrorOf("serve:\n  public:\n    port: abc\n"),
              "config: serve.public.port: expected an integer, got string \"abc\"");
    EXPECT_EQ(ErrorOf("serve:\n  public:\n    port: 4433.5\n"),
              "config: serve.public.port: expected an integer, got number 4433.5");
    EXPECT_EQ(ErrorOf("selfservice:\n  methods:\n    password:\n      enabled: yes\n"),
              "config: selfservice.methods.password.enabled: expected a boolean, got string \"yes\"");
    EXPECT_EQ(ErrorOf("dsn: 5\n"), "config: dsn: expected a string, got number 5");
    EXPECT_EQ(ErrorOf("serve: 5\n"), "config: serve: expected a map, got number 5");
    EXPECT_EQ(ErrorOf("selfservice:\n  allowed_return_urls: https://a.example\n"),
              "config: selfservice.allowed_return_urls: expected a list, got string \"https://a.example\"");
    EXPECT_EQ(ErrorOf("session:\n  lifespan: 3600\n"),
              "config: session.lifespan: expected a duration such as \"1h\", got number 3600");
    EXPECT_EQ(ErrorOf("feature_flags: [a]\n"), "config: feature_flags: expected a map, got a list");
    EXPECT_EQ(ErrorOf("courier:\n  smtp:\n    headers:\n      X-A: [1]\n"),
              "config: courier.smtp.headers.X-A: expected a string, got a list");
}

TEST(ConfigErrors, OutOfRangeIntegers) {
    EXPECT_EQ(ErrorOf("serve:\n  admin:\n    port: 70000\n"),
              "config: serve.admin.port: must be between 1 and 65535, got 70000");
    EXPECT_EQ(ErrorOf("serve:\n  public:\n    port: 0\n"),
              "config: serve.public.port: must be between 1 and 65535, got 0");
    EXPECT_EQ(ErrorOf("selfservice:\n  methods:\n    password:\n      config:\n        min_password_length: 4\n"),
              "config: selfservice.methods.password.config.min_password_length: must be between 6 and 4096, got 4");
    EXPECT_EQ(ErrorOf("selfservice:\n  methods:\n    password:\n      config:\n        max_breaches: -1\n"),
              "config: selfservice.methods.password.config.max_breaches: must be at least 0, got -1");
}

TEST(ConfigErrors, MalformedDurations) {
    EXPECT_EQ(ErrorOf("selfservice:\n  flows:\n    settings:\n      lifespan: 15x\n"),
              "config: selfservice.flows.settings.lifespan: invalid duration \"15x\"");
    EXPECT_EQ(ErrorOf("session:\n  lifespan: \"\"\n"), "config: session.lifespan: invalid duration \"\"");
    EXPECT_EQ(ErrorOf("session:\n  lifespan: -1h\n"),
              "config: session.lifespan: duration must not be negative, got \"-1h\"");
    EXPECT_EQ(ErrorOf("hashers:\n  argon2:\n    expected_duration: 1 s\n"),
              "config: hashers.argon2.expected_duration: invalid duration \"1 s\"");
}

TEST(ConfigErrors, MalformedUrls) {
    EXPECT_EQ(ErrorOf("serve:\n  public:\n    base_url: not a url\n"),
              "config: serve.public.base_url: invalid URL \"not a url\"");
    EXPECT_EQ(ErrorOf("serve:\n  public:\n    base_url: /relative/\n"),
              "config: serve.public.base_url: expected an absolute URL, got \"/relative/\"");
    EXPECT_EQ(ErrorOf("serve:\n  public:\n    base_url: ftp://example.com/\n"),
              "config: serve.public.base_url: URL scheme must be one of http, https, got \"ftp://example.com/\"");
    EXPECT_EQ(ErrorOf("serve:\n  public:\n    base_url: \"https:///path\"\n"),
              "config: serve.public.base_url: URL has no host: \"https:///path\"");
    EXPECT_EQ(ErrorOf("serve:\n  public:\n    base_url: https://example.com/?a=b\n"),
              "config: serve.public.base_url: must not carry a query or fragment, got "
              "\"https://example.com/?a=b\"");
    EXPECT_EQ(ErrorOf("selfservice:\n  flows:\n    settings:\n      ui_url: \"http://exa mple.com/\"\n"),
              "config: selfservice.flows.settings.ui_url: invalid URL \"http://exa mple.com/\"");
    EXPECT_EQ(ErrorOf("selfservice:\n  allowed_return_urls: [\"https://ok.example/\", \"bad url\"]\n"),
              "config: selfservice.allowed_return_urls[1]: invalid URL \"bad url\"");
    EXPECT_EQ(ErrorOf("courier:\n  smtp:\n    connection_uri: http://mail.example.com/\n"),
              "config: courier.smtp.connection_uri: URL scheme must be one of smtp, smtps, got "
              "\"http://mail.example.com/\"");
    EXPECT_EQ(ErrorOf("selfservice:\n  methods:\n    webauthn:\n      config:\n        rp:\n          origins: "
                      "[example.com]\n"),
              "config: selfservice.methods.webauthn.config.rp.origins[0]: expected an absolute URL, got "
              "\"example.com\"");
}

TEST(ConfigErrors, EnumValues) {
    EXPECT_EQ(ErrorOf("cookies:\n  same_site: Sometimes\n"),
              "config: cookies.same_site: invalid value \"Sometimes\" (expected one of: Strict, Lax, None)");
    EXPECT_EQ(ErrorOf("session:\n  cookie:\n    same_site: lax\n"),
              "config: session.cookie.same_site: invalid value \"lax\" (expected one of: Strict, Lax, None)");
    EXPECT_EQ(ErrorOf("selfservice:\n  flows:\n    settings:\n      required_aal: aal2\n"),
              "config: selfservice.flows.settings.required_aal: invalid value \"aal2\" (expected one of: aal1, "
              "highest_available)");
    EXPECT_EQ(ErrorOf("session:\n  whoami:\n    required_aal: aal3\n"),
              "config: session.whoami.required_aal: invalid value \"aal3\" (expected one of: aal1, "
              "highest_available)");
    EXPECT_EQ(ErrorOf("hashers:\n  algorithm: md5\n"),
              "config: hashers.algorithm: invalid value \"md5\" (expected one of: argon2, bcrypt)");
    EXPECT_EQ(ErrorOf("log:\n  level: verbose\n"),
              "config: log.level: invalid value \"verbose\" (expected one of: trace, debug, info, warning, error, "
              "fatal, panic)");
    EXPECT_EQ(ErrorOf("selfservice:\n  flows:\n    recovery:\n      use: sms\n"),
              "config: selfservice.flows.recovery.use: invalid value \"sms\" (expected one of: link, code)");
}

TEST(ConfigErrors, MissingRequiredKeys) {
    auto no_dsn = LoadConfigFromYaml({{"a.yml", "identity:\n  schemas:\n    - {id: default, url: file://s.json}\n"}},
                                     {}, false, nullptr);
    ASSERT_FALSE(no_dsn.ok());
    EXPECT_EQ(no_dsn.error().reason, "config: dsn: required key is missing");

    auto empty_dsn = LoadConfigFromYaml(
        {{"a.yml", "dsn: \"\"\nidentity:\n  schemas:\n    - {id: default, url: file://s.json}\n"}}, {}, false, nullptr);
    ASSERT_FALSE(empty_dsn.ok());
    EXPECT_EQ(empty_dsn.error().reason, "config: dsn: must not be empty");

    auto no_schemas = LoadConfigFromYaml({{"a.yml", "dsn: memory\n"}}, {}, false, nullptr);
    ASSERT_FALSE(no_schemas.ok());
    EXPECT_EQ(no_schemas.error().reason, "config: identity.schemas: required key is missing");

    auto nothing = LoadConfig({}, {}, false, nullptr);
    ASSERT_FALSE(nothing.ok());
    EXPECT_EQ(nothing.error().reason, "config: dsn: required key is missing");
}

TEST(ConfigErrors, IdentitySchemaProblems) {
    const auto load = [](const std::string& identity) {
        auto c = LoadConfigFromYaml({{"a.yml", "dsn: memory\n" + identity}}, {}, false, nullptr);
        return c.ok() ? std::string("<loaded>") : c.error().reason;
    };
    EXPECT_EQ(load("identity:\n  schemas: []\n"), "config: identity.schemas: must list at least one identity schema");
    EXPECT_EQ(load("identity:\n  schemas:\n    - {id: default}\n"),
              "config: identity.schemas[0].url: required key is missing");
    EXPECT_EQ(load("identity:\n  schemas:\n    - {url: file://a.json}\n"),
              "config: identity.schemas[0].id: required key is missing");
    EXPECT_EQ(load("identity:\n  schemas:\n    - {id: default, url: schema.json}\n"),
              "config: identity.schemas[0].url: expected an absolute URL, got \"schema.json\"");
    EXPECT_EQ(load("identity:\n  schemas:\n    - {id: default, url: file://a.json}\n    - {id: default, url: "
                   "file://b.json}\n"),
              "config: identity.schemas[1].id: duplicate schema id \"default\"");
    EXPECT_EQ(load("identity:\n  default_schema_id: customer\n  schemas:\n    - {id: default, url: "
                   "file://a.json}\n"),
              "config: identity.default_schema_id: no schema with id \"customer\" in identity.schemas");
    EXPECT_EQ(load("identity:\n  schemas: {id: default}\n"),
              "config: identity.schemas: expected a list of {id, url}, got a map");
}

TEST(ConfigErrors, SecretsLengths) {
    EXPECT_EQ(ErrorOf("secrets:\n  default: [short]\n"),
              "config: secrets.default[0]: must be at least 16 characters long, got 5");
    EXPECT_EQ(ErrorOf("secrets:\n  cookie: [0123456789abcdef, tiny]\n"),
              "config: secrets.cookie[1]: must be at least 16 characters long, got 4");
    EXPECT_EQ(ErrorOf("secrets:\n  cipher: [0123456789abcdef]\n"),
              "config: secrets.cipher[0]: must be exactly 32 characters long, got 16");
    EXPECT_EQ(ErrorOf("ciphers:\n  algorithm: aes\n"),
              "config: secrets.cipher: required when ciphers.algorithm is \"aes\"");
    auto ok = Load(
        "ciphers:\n  algorithm: xchacha20-poly1305\nsecrets:\n  cipher: "
        "[0123456789abcdef0123456789abcdef]\n");
    ASSERT_TRUE(ok.ok()) << ok.error().reason;
    EXPECT_EQ(ok->ciphers.algorithm, "xchacha20-poly1305");
    EXPECT_EQ(ok->secrets.cipher.size(), 1u);
}

TEST(ConfigErrors, ByteSizes) {
    EXPECT_EQ(ErrorOf("hashers:\n  argon2:\n    memory: lots\n"),
              "config: hashers.argon2.memory: invalid byte size \"lots\" (expected e.g. \"128MB\")");
    EXPECT_EQ(ErrorOf("hashers:\n  argon2:\n    dedicated_memory: 1.5GB\n"),
              "config: hashers.argon2.dedicated_memory: invalid byte size \"1.5GB\" (expected e.g. \"128MB\")");
    EXPECT_EQ(ErrorOf("hashers:\n  algorithm: argon2\n  argon2:\n    memory: 16KB\n    parallelism: 4\n"),
              "config: hashers.argon2.memory: must be at least 8KB per unit of hashers.argon2.parallelism (4), got "
              "16KB");
}

TEST(ConfigErrors, Hooks) {
    EXPECT_EQ(ErrorOf("selfservice:\n  flows:\n    login:\n      after:\n        hooks:\n          - config: {}\n"),
              "config: selfservice.flows.login.after.hooks[0].hook: required key is missing");
    EXPECT_EQ(ErrorOf("selfservice:\n  flows:\n    login:\n      after:\n        hooks: [session]\n"),
              "config: selfservice.flows.login.after.hooks[0]: expected a map with a \"hook\" key, got string "
              "\"session\"");
    EXPECT_EQ(ErrorOf("selfservice:\n  flows:\n    settings:\n      after:\n        password:\n          hooks:\n   "
                      "         - hook: web_hook\n              config: https://x\n"),
              "config: selfservice.flows.settings.after.password.hooks[0].config: expected a map, got string "
              "\"https://x\"");
}

TEST(ConfigErrors, WebAuthnNeedsRelyingParty) {
    EXPECT_EQ(ErrorOf("selfservice:\n  methods:\n    webauthn:\n      enabled: true\n"),
              "config: selfservice.methods.webauthn.config.rp.id: required when "
              "selfservice.methods.webauthn.enabled "
              "is true");
    EXPECT_EQ(ErrorOf("selfservice:\n  methods:\n    webauthn:\n      config:\n        rp:\n          origin: "
                      "https://a.example\n          origins: [https://b.example]\n"),
              "config: selfservice.methods.webauthn.config.rp.origins: cannot be combined with "
              "selfservice.methods.webauthn.config.rp.origin");
}

TEST(ConfigErrors, OidcProvidersNeedIdAndProvider) {
    EXPECT_EQ(ErrorOf("selfservice:\n  methods:\n    oidc:\n      config:\n        providers:\n          - "
                      "provider: google\n"),
              "config: selfservice.methods.oidc.config.providers[0].id: required key is missing");
    EXPECT_EQ(ErrorOf("selfservice:\n  methods:\n    oidc:\n      config:\n        providers: {id: x}\n"),
              "config: selfservice.methods.oidc.config.providers: expected a list, got a map");
}

TEST(ConfigErrors, EmailAddress) {
    EXPECT_EQ(ErrorOf("courier:\n  smtp:\n    from_address: nobody\n"),
              "config: courier.smtp.from_address: invalid email address \"nobody\"");
}

TEST(ConfigErrors, YamlProblemsNameTheSource) {
    auto c = LoadConfigFromYaml({{"broken.yml", "dsn: [\n"}}, {}, false, nullptr);
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.error().reason.rfind("config: broken.yml: line ", 0), 0u) << c.error().reason;
}

// ---------------------------------------------------------------------------------------------
// Environment overrides

TEST(ConfigEnv, OverridesScalarsAtAnyDepth) {
    Environment env{
        {"DSN", "postgres://bia@db/bia"},
        {"SERVE_PUBLIC_PORT", "4500"},
        {"SERVE_ADMIN_BASE_URL", "https://admin.example.com/"},
        {"SELFSERVICE_FLOWS_SETTINGS_PRIVILEGED_SESSION_MAX_AGE", "5m"},
        {"SELFSERVICE_FLOWS_SETTINGS_UI_URL", "https://app.example.com/settings"},
        {"SELFSERVICE_METHODS_PASSWORD_CONFIG_MIN_PASSWORD_LENGTH", "10"},
        {"SELFSERVICE_METHODS_TOTP_ENABLED", "true"},
        {"SESSION_COOKIE_PERSISTENT", "0"},
        {"LOG_LEVEL", "debug"},
        {"HASHERS_ARGON2_MEMORY", "256MB"},
        {"UNRELATED_VARIABLE", "x"},
    };
    auto c = Load("serve:\n  public:\n    port: 4433\n", env);
    ASSERT_TRUE(c.ok()) << c.error().reason;
    EXPECT_EQ(c->dsn, "postgres://bia@db/bia");
    EXPECT_EQ(c->serve.public_api.port, 4500);
    EXPECT_EQ(c->serve.public_api.base_url, "https://127.0.0.1:4500/");  // guess follows the port
    EXPECT_EQ(c->AdminBaseUrl(), "https://admin.example.com/");
    EXPECT_EQ(c->selfservice.flows.settings.privileged_session_max_age, 5min);
    EXPECT_EQ(c->selfservice.flows.settings.ui_url, "https://app.example.com/settings");
    EXPECT_EQ(c->selfservice.methods.password.min_password_length, 10u);
    EXPECT_TRUE(c->selfservice.methods.totp.enabled);
    EXPECT_FALSE(c->session.cookie.persistent);
    EXPECT_EQ(c->log.level, "debug");
    EXPECT_EQ(c->hashers.argon2.memory_bytes, 256ULL << 20);
}

TEST(ConfigEnv, ListsAreCommaSeparatedOrJson) {
    auto comma = Load("", {{"SECRETS_DEFAULT", "0123456789abcdef-one,0123456789abcdef-two"}});
    ASSERT_TRUE(comma.ok()) << comma.error().reason;
    EXPECT_EQ(comma->secrets.default_secrets,
              (std::vector<std::string>{"0123456789abcdef-one", "0123456789abcdef-two"}));
    EXPECT_FALSE(comma->secrets.must_generate_default);

    auto json_list = Load("", {{"SELFSERVICE_ALLOWED_RETURN_URLS", R"(["https://a.example/x,y", "/b"])"}});
    ASSERT_TRUE(json_list.ok()) << json_list.error().reason;
    EXPECT_EQ(json_list->selfservice.allowed_return_urls, (std::vector<std::string>{"https://a.example/x,y", "/b"}));

    // Env lists replace, never append to, what the files say.
    auto replaced =
        Load("secrets:\n  cookie: [file-secret-0123456789]\n", {{"SECRETS_COOKIE", "env-secret-0123456789"}});
    ASSERT_TRUE(replaced.ok()) << replaced.error().reason;
    EXPECT_EQ(replaced->CookieSecrets(), std::vector<std::string>{"env-secret-0123456789"});
}

TEST(ConfigEnv, StructuredValuesAreJson) {
    Environment env{
        {"SELFSERVICE_FLOWS_LOGIN_AFTER_PASSWORD_HOOKS", R"([{"hook":"session"}])"},
        {"SELFSERVICE_METHODS_OIDC_CONFIG_PROVIDERS", R"([{"id":"gh","provider":"github"}])"},
        {"FEATURE_FLAGS", R"({"cacheable_sessions":true})"},
        {"COURIER_SMTP_HEADERS", R"({"X-Tag":"bia"})"},
    };
    auto c = Load("", env);
    ASSERT_TRUE(c.ok()) << c.error().reason;
    ASSERT_EQ(c->selfservice.flows.login.after.HooksFor("password").size(), 1u);
    EXPECT_EQ(c->selfservice.flows.login.after.HooksFor("password")[0].name, "session");
    EXPECT_EQ(c->selfservice.methods.oidc.providers[0]["provider"], "github");
    EXPECT_TRUE(c->FeatureFlag("cacheable_sessions"));
    EXPECT_EQ(c->courier.smtp_headers.at("X-Tag"), "bia");
}

TEST(ConfigEnv, IdentitySchemasAndDsnFromEnvironmentAlone) {
    Environment env{{"DSN", "memory"},
                    {"IDENTITY_SCHEMAS", R"([{"id":"default","url":"file://identity.schema.json"}])"}};
    auto c = LoadConfigFromYaml({}, env, false, nullptr);
    ASSERT_TRUE(c.ok()) << c.error().reason;
    EXPECT_EQ(c->identity.DefaultSchema().url, "file://identity.schema.json");
}

TEST(ConfigEnv, EnvironmentWinsOverEveryFile) {
    auto c = LoadConfigFromYaml(
        {{"a.yml", kMinimal}, {"b.yml", "log:\n  level: warning\n"}, {"c.yml", "log:\n  level: error\n"}},
        {{"LOG_LEVEL", "trace"}}, false, nullptr);
    ASSERT_TRUE(c.ok()) << c.error().reason;
    EXPECT_EQ(c->log.level, "trace");
}

TEST(ConfigEnv, EmptyVariablesAreIgnored) {
    auto c = Load("log:\n  level: warning\n", {{"LOG_LEVEL", ""}, {"SERVE_PUBLIC_PORT", ""}});
    ASSERT_TRUE(c.ok()) << c.error().reason;
    EXPECT_EQ(c->log.level, "warning");
    EXPECT_EQ(c->serve.public_api.port, 4433);
}

TEST(ConfigEnv, ErrorsNameTheVariable) {
    EXPECT_EQ(ErrorOf("", {{"SERVE_PUBLIC_PORT", "abc"}}),
              "config: serve.public.port: invalid integer \"abc\" (from environment variable SERVE_PUBLIC_PORT)");
    EXPECT_EQ(ErrorOf("", {{"SERVE_PUBLIC_PORT", "99999"}}),
              "config: serve.public.port: must be between 1 and 65535, got 99999 (from environment variable "
              "SERVE_PUBLIC_PORT)");
    EXPECT_EQ(ErrorOf("", {{"SELFSERVICE_FLOWS_SETTINGS_LIFESPAN", "15x"}}),
              "config: selfservice.flows.settings.lifespan: invalid duration \"15x\" (from environment variable "
              "SELFSERVICE_FLOWS_SETTINGS_LIFESPAN)");
    EXPECT_EQ(ErrorOf("", {{"SESSION_COOKIE_PERSISTENT", "maybe"}}),
              "config: session.cookie.persistent: invalid boolean \"maybe\" (from environment variable "
              "SESSION_COOKIE_PERSISTENT)");
    EXPECT_EQ(ErrorOf("", {{"FEATURE_FLAGS", "{nope"}}),
              "config: feature_flags: value is not valid JSON (from environment variable FEATURE_FLAGS)");
    EXPECT_EQ(ErrorOf("", {{"SECRETS_DEFAULT", "0123456789abcdef,short"}}),
              "config: secrets.default[1]: must be at least 16 characters long, got 5 (from environment variable "
              "SECRETS_DEFAULT)");
    EXPECT_EQ(ErrorOf("", {{"IDENTITY_DEFAULT_SCHEMA_ID", "other"}}),
              "config: identity.default_schema_id: no schema with id \"other\" in identity.schemas (from "
              "environment "
              "variable IDENTITY_DEFAULT_SCHEMA_ID)");
    EXPECT_EQ(ErrorOf("", {{"HASHERS_BCRYPT_COST", "11"}}),
              "config: hashers.bcrypt.cost: must be at least 12 outside dev mode, got 11 (from environment "
              "variable "
              "HASHERS_BCRYPT_COST)");
}

TEST(ConfigEnv, EverySupportedKeyCanBeSetFromTheEnvironment) {
    // Set each string-like key through its variable and check that it lands at its path: the
    // env mapping is generated from the key table, not written by hand.
    for (const KeySpec& spec : KnownKeys()) {
        if (spec.kind != Kind::kString) continue;
        if (spec.path == "identity.default_schema_id") continue;    // must name an existing schema
        if (spec.path.starts_with("courier.templates.")) continue;  // URLs only (CourierTemplates test)
        Warnings w;
        auto c = Load("", {{spec.env, "value-from-env"}}, true, &w);
        ASSERT_TRUE(c.ok()) << spec.env << ": " << c.error().reason;
        EXPECT_EQ(CountContaining(w, "not implemented by Bia"), 0u) << spec.env;
    }
    auto c = Load("", {{"SESSION_COOKIE_NAME", "from_env"},
                       {"COURIER_SMTP_FROM_NAME", "Env"},
                       {"SELFSERVICE_METHODS_PASSWORD_CONFIG_HAVEIBEENPWNED_HOST", "h.example"}});
    ASSERT_TRUE(c.ok()) << c.error().reason;
    EXPECT_EQ(c->session.cookie.name, "from_env");
    EXPECT_EQ(c->courier.smtp_from_name, "Env");
    EXPECT_EQ(c->selfservice.methods.password.haveibeenpwned_host, "h.example");
}

TEST(ConfigEnv, FromProcessEnvironmentSnapshotsEnviron) {
    ASSERT_EQ(::setenv("BIA_CONFIG_TEST_MARKER", "a=b", 1), 0);
    Environment env = FromProcessEnvironment();
    ::unsetenv("BIA_CONFIG_TEST_MARKER");
    ASSERT_EQ(env.count("BIA_CONFIG_TEST_MARKER"), 1u);
    EXPECT_EQ(env.at("BIA_CONFIG_TEST_MARKER"), "a=b");
}

// ---------------------------------------------------------------------------------------------
// Merging files and unknown keys

TEST(ConfigMerge, LaterFilesOverrideKeyByKey) {
    auto c = LoadConfigFromYaml({{"base.yml", R"(
dsn: memory
serve:
  public:
    base_url: https://auth.example.com/
    port: 4433
selfservice:
  allowed_return_urls: [https://a.example/, https://b.example/]
  flows:
    settings:
      lifespan: 2h
      ui_url: https://app.example/settings
identity:
  schemas:
    - {id: default, url: file://a.json}
)"},
                                 {"override.yml", R"(
serve:
  public:
    port: 5000
selfservice:
  allowed_return_urls: [https://c.example/]
  flows:
    settings:
      lifespan: 30m
)"}},
                                {}, false, nullptr);
    ASSERT_TRUE(c.ok()) << c.error().reason;
    EXPECT_EQ(c->serve.public_api.port, 5000);
    EXPECT_EQ(c->serve.public_api.base_url, "https://auth.example.com/");  // sibling kept
    EXPECT_EQ(c->selfservice.flows.settings.lifespan, 30min);
    EXPECT_EQ(c->selfservice.flows.settings.ui_url, "https://app.example/settings");
    // Lists are replaced, not concatenated.
    EXPECT_EQ(c->selfservice.allowed_return_urls, std::vector<std::string>{"https://c.example/"});
}

TEST(ConfigMerge, NullInALaterFileUnsetsAKey) {
    auto c =
        LoadConfigFromYaml({{"a.yml", std::string(kMinimal) + "log:\n  level: debug\n"}, {"b.yml", "log:\n  level:\n"}},
                           {}, false, nullptr);
    ASSERT_TRUE(c.ok()) << c.error().reason;
    EXPECT_EQ(c->log.level, "info");
}

class ConfigFiles : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() / ("bia_config_test_" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir_);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    std::string Write(const std::string& name, const std::string& text) {
        const auto path = dir_ / name;
        std::ofstream(path) << text;
        return path.string();
    }
    std::filesystem::path dir_;
};

TEST_F(ConfigFiles, LoadsAndMergesFilesFromDisk) {
    const std::string a = Write("a.yml", kMinimal);
    const std::string b = Write("b.yml", "session:\n  lifespan: 2h\n");
    Warnings w;
    auto c = LoadConfig({a, b}, {}, true, &w);
    ASSERT_TRUE(c.ok()) << c.error().reason;
    EXPECT_EQ(c->session.lifespan, 2h);
    EXPECT_TRUE(c->dev_mode);
}

TEST_F(ConfigFiles, JsonFilesAreYamlToo) {
    const std::string a = Write("a.json", R"({"dsn":"memory","serve":{"public":{"port":4999}},)"
                                          R"("identity":{"schemas":[{"id":"default","url":"file://s.json"}]}})");
    auto c = LoadConfig({a}, {}, false, nullptr);
    ASSERT_TRUE(c.ok()) << c.error().reason;
    EXPECT_EQ(c->serve.public_api.port, 4999);
}

TEST_F(ConfigFiles, MissingFileIsAnError) {
    const std::string a = Write("a.yml", kMinimal);
    auto c = LoadConfig({a, (dir_ / "missing.yml").string()}, {}, false, nullptr);
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.error().reason,
              "config: cannot read config file \"" + (dir_ / "missing.yml").string() + "\": No such file or directory");
}

TEST(ConfigUnknownKeys, AreWarnedOncePerPathAndIgnored) {
    Warnings w;
    auto c = LoadConfigFromYaml(
        {{"a.yml", std::string(kMinimal) + R"(
serve:
  public:
    cors:
      enabled: true
      allowed_origins: ["*"]
    request_log:
      disable_for_health: true
tracing:
  provider: jaeger
selfservice:
  methods:
    passkey:
      enabled: true
  flows:
    login:
      after:
        hooks:
          - hook: session
            extra: 1
        passkey:
          hooks: []
)"},
         {"b.yml", "serve:\n  public:\n    cors:\n      enabled: false\ntracing:\n  provider: zipkin\n"}},
        {}, false, &w);
    ASSERT_TRUE(c.ok()) << c.error().reason;
    for (const char* path : {"serve.public.cors", "serve.public.request_log", "tracing", "selfservice.methods.passkey",
                             "selfservice.flows.login.after.hooks[0].extra", "selfservice.flows.login.after.passkey"}) {
        EXPECT_TRUE(Contains(w, std::string("key ") + path + " is not implemented by Bia and is ignored")) << path;
    }
    EXPECT_EQ(CountContaining(w, "not implemented by Bia"), 6u);
    ASSERT_EQ(c->selfservice.flows.login.after.hooks.size(), 1u);
}

TEST(ConfigUnknownKeys, UnknownHookNamesWarn) {
    Warnings w;
    auto c =
        Load("selfservice:\n  flows:\n    settings:\n      after:\n        hooks: [{hook: b2b_sso}]\n", {}, false, &w);
    ASSERT_TRUE(c.ok()) << c.error().reason;
    EXPECT_TRUE(Contains(w, "hook \"b2b_sso\" at selfservice.flows.settings.after.hooks[0] is not known to Bia"));
}

TEST(ConfigUnknownKeys, VerificationWithoutSmtpWarns) {
    Warnings w;
    auto c = Load("selfservice:\n  flows:\n    verification:\n      enabled: true\n", {}, false, &w);
    ASSERT_TRUE(c.ok()) << c.error().reason;
    EXPECT_EQ(CountContaining(w, "courier.smtp.connection_uri is not set"), 1u);
}

// A value for every supported key, so that a key the table accepts but Config never reads
// shows up as a "not implemented" warning here.
json SampleValue(const KeySpec& spec) {
    switch (spec.kind) {
        case Kind::kString:
            return "sample";
        case Kind::kEmail:
            return "a@example.com";
        case Kind::kBool:
            return true;
        case Kind::kInt:
            return std::max<int64_t>(spec.min, 16);
        case Kind::kDuration:
            return "2m";
        case Kind::kUrl:
            return spec.schemes.empty() ? "https://sample.example/" : spec.schemes.front() + "://sample.example/";
        case Kind::kUrlRef:
            return "/sample";
        case Kind::kByteSize:
            return "64MB";
        case Kind::kEnum:
            return spec.choices.front();
        case Kind::kStringList:
            return json::array({std::string(spec.min_length, 'x')});
        case Kind::kUrlList:
            return json::array({"https://sample.example"});
        case Kind::kUrlRefList:
            return json::array({"/sample"});
        case Kind::kStringMap:
            return json::object({{"X-Sample", "1"}});
        case Kind::kHooks:
            return json::parse(R"([{"hook":"web_hook","config":{"url":"https://h.example/"}}])");
        case Kind::kIdentitySchemas:
            return json::parse(R"([{"id":"sample","url":"file://s.json"}])");
        case Kind::kJsonObject:
            return json::object({{"flag", true}});
        case Kind::kJsonArray:
            return json::parse(R"([{"id":"p","provider":"generic"}])");
    }
    return nullptr;
}

TEST(ConfigUnknownKeys, EverySupportedKeyIsUsed) {
    json tree = json::object();
    for (const KeySpec& spec : KnownKeys()) {
        json* cur = &tree;
        std::string_view path = spec.path;
        for (size_t dot; (dot = path.find('.')) != std::string_view::npos; path.remove_prefix(dot + 1))
            cur = &(*cur)[std::string(path.substr(0, dot))];
        (*cur)[std::string(path)] = SampleValue(spec);
    }
    tree["identity"]["default_schema_id"] = "sample";
    tree["selfservice"]["methods"]["webauthn"]["config"]["rp"].erase("origin");  // exclusive with origins
    tree["courier"]["delivery_strategy"] = "smtp";                               // the only one built
    for (auto& [name, states] : tree["courier"]["templates"].items())
        for (auto& [state, t] : states.items()) {
            t["email"]["subject"] = "base64://U3ViamVjdA==";
            t["email"]["body"]["plaintext"] = "file:///etc/bia/" + name + "/" + state + "/plain.gotmpl";
            t["email"]["body"]["html"] = "https://templates.example/" + name + ".html";
        }
    Warnings w;
    auto c = LoadConfigFromYaml({{"all.json", tree.dump()}}, {}, true, &w);
    ASSERT_TRUE(c.ok()) << c.error().reason;
    for (const auto& warning : w) EXPECT_EQ(warning.find("not implemented"), std::string::npos) << warning;
    // Spot checks that values really arrived.
    EXPECT_EQ(c->selfservice.flows.recovery.after.hooks.size(), 1u);
    EXPECT_EQ(c->selfservice.flows.settings.after.methods.size(), SettingsAfterMethods().size());
    EXPECT_EQ(c->selfservice.flows.login.after.methods.size(), LoginAfterMethods().size());
    EXPECT_EQ(c->selfservice.flows.registration.after.methods.size(), RegistrationAfterMethods().size());
    EXPECT_EQ(c->hashers.argon2.parallelism, 16u);
}

// ---------------------------------------------------------------------------------------------
// The sample configuration shipped in the repository's config/ folder.

std::filesystem::path RepoRoot() { return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path(); }

TEST(SampleConfig, KratosYmlLoadsCleanly) {
    const auto file = RepoRoot() / "config" / "kratos.yml";
    ASSERT_TRUE(std::filesystem::exists(file)) << file;
    Warnings w;
    auto c = LoadConfig({file.string()}, {}, true, &w);
    ASSERT_TRUE(c.ok()) << c.error().reason;
    EXPECT_EQ(c->dsn, "sqlite://./data/bia.sqlite?_fk=true");
    EXPECT_EQ(c->serve.public_api.ListenAddress(), "127.0.0.1:4433");
    EXPECT_EQ(c->serve.admin_api.ListenAddress(), "127.0.0.1:4434");
    EXPECT_EQ(c->PublicBaseUrl(), "http://127.0.0.1:4433/");
    EXPECT_EQ(c->AdminBaseUrl(), "http://127.0.0.1:4434/");
    EXPECT_EQ(c->identity.DefaultSchema().url, "file://config/identity.schema.json");
    EXPECT_TRUE(c->selfservice.methods.password.enabled);
    // The built-in pages, by the one switch.
    EXPECT_TRUE(c->selfservice.builtin_ui);
    EXPECT_EQ(c->selfservice.flows.settings.ui_url, "http://127.0.0.1:4433/ui/settings");
    EXPECT_EQ(c->selfservice.flows.login.ui_url, "http://127.0.0.1:4433/ui/login");
    EXPECT_EQ(c->selfservice.flows.registration.ui_url, "http://127.0.0.1:4433/ui/registration");
    EXPECT_EQ(c->selfservice.flows.error.ui_url, "http://127.0.0.1:4433/ui/error");
    EXPECT_EQ(c->selfservice.flows.verification.ui_url, "http://127.0.0.1:4433/ui/verification");
    EXPECT_EQ(c->selfservice.flows.recovery.ui_url, "http://127.0.0.1:4433/ui/recovery");
    EXPECT_TRUE(c->selfservice.flows.verification.enabled);
    EXPECT_TRUE(c->selfservice.flows.recovery.enabled);
    EXPECT_EQ(c->courier.smtp_connection_uri, "smtp://127.0.0.1:1025/?disable_starttls=true");
    EXPECT_EQ(c->selfservice.default_browser_return_url, "http://127.0.0.1:4433/ui/welcome");
    EXPECT_EQ(c->selfservice.flows.logout.after_default_browser_return_url, "http://127.0.0.1:4433/ui/login");
    EXPECT_EQ(c->hashers.algorithm, HashAlgorithm::kBcrypt);
    EXPECT_EQ(c->hashers.bcrypt.cost, 12u);
    EXPECT_FALSE(c->secrets.default_secrets.empty());
    EXPECT_FALSE(c->CookieSecrets().empty());
    EXPECT_TRUE(w.empty()) << w.front();
    // Also valid outside dev mode.
    auto prod = LoadConfig({file.string()}, {}, false, nullptr);
    ASSERT_TRUE(prod.ok()) << prod.error().reason;
}

TEST(BuiltinUi, TheSwitchFillsOnlyTheUrlsTheFileLeavesUnset) {
    auto c = Load(R"(
serve: {public: {base_url: "https://id.example.com/"}}
selfservice:
  builtin_ui: {enabled: true}
  flows:
    login: {ui_url: "https://app.example.com/login"}
)");
    ASSERT_TRUE(c.ok()) << c.error().reason;
    EXPECT_EQ(c->selfservice.flows.login.ui_url, "https://app.example.com/login") << "set in the file: kept";
    EXPECT_EQ(c->selfservice.flows.settings.ui_url, "https://id.example.com/ui/settings");
    EXPECT_EQ(c->selfservice.default_browser_return_url, "https://id.example.com/ui/welcome");
    auto off = Load(R"(selfservice: {flows: {login: {lifespan: 5m}}})");
    ASSERT_TRUE(off.ok());
    EXPECT_FALSE(off->selfservice.builtin_ui);
    EXPECT_EQ(off->selfservice.flows.settings.ui_url, "https://www.ory.sh/kratos/docs/fallback/settings");
}

TEST(SampleConfig, IdentitySchemaIsTheEmailPasswordShape) {
    const auto file = RepoRoot() / "config" / "identity.schema.json";
    std::ifstream in(file);
    ASSERT_TRUE(in) << file;
    json schema = json::parse(in, nullptr, false);
    ASSERT_FALSE(schema.is_discarded());
    const json& traits = schema["properties"]["traits"];
    EXPECT_EQ(traits["type"], "object");
    EXPECT_EQ(traits["required"], json::array({"email"}));
    const json& email = traits["properties"]["email"];
    EXPECT_EQ(email["type"], "string");
    EXPECT_EQ(email["format"], "email");
    EXPECT_EQ(email["title"], "E-Mail");
    const json& ext = email["ory.sh/kratos"];
    EXPECT_EQ(ext["credentials"]["password"]["identifier"], json(true));
    EXPECT_EQ(ext["verification"]["via"], "email");
    EXPECT_EQ(ext["recovery"]["via"], "email");
    const json& name = traits["properties"]["name"];
    EXPECT_EQ(name["type"], "object");
    EXPECT_EQ(name["properties"]["first"]["type"], "string");
    EXPECT_EQ(name["properties"]["last"]["type"], "string");
}

TEST(ConfigFuzzRegressions, InvalidUtf8InAWronglyTypedValueIsAnErrorNotAThrow) {
    // Found by config_fuzz: the "expected …, got string …" text used json::dump(), which throws
    // on invalid UTF-8 (crash-a5cd37acc45597fd90ef8303348348df6266bbfd).
    auto c = Load(
        "serve:\n  public:\n    port: 99999\xee\xee\xee"
        "999\n");
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().reason.find("serve.public.port"), std::string::npos) << c.error().reason;
}

}  // namespace
}  // namespace bia::config
