// Bia's configuration: an immutable, typed view of kratos.yml (one or more files merged in
// order) plus Kratos-style environment overrides, validated once at start-up. Key names, types
// and defaults mirror Kratos (settings-flow.md §18); differences are noted where they occur.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"

namespace bia::config {

// Environment variables by name; a plain map so tests never touch the process environment.
using Environment = std::map<std::string, std::string, std::less<>>;
// Human-readable start-up warnings (unknown keys, guessed values); the caller logs them.
using Warnings = std::vector<std::string>;

// A snapshot of the process environment (environ).
Environment FromProcessEnvironment();

// `dsn: memory` selects a throw-away in-memory SQLite database, as in Kratos.
inline constexpr std::string_view kMemoryDsn = "memory";

inline constexpr std::string_view kDefaultSessionCookieName = "ory_kratos_session";
inline constexpr std::string_view kCsrfCookiePrefix = "csrf_token_";

enum class SameSite { kStrict, kLax, kNone };
std::string_view ToString(SameSite s);  // "Strict" / "Lax" / "None"

// `required_aal` settings (settings-flow.md §11, §17.2).
enum class RequiredAal { kAal1, kHighestAvailable };
std::string_view ToString(RequiredAal a);  // "aal1" / "highest_available"

enum class HashAlgorithm { kBcrypt, kArgon2 };
std::string_view ToString(HashAlgorithm a);

// One listener. Kratos listens on 0.0.0.0 when `host` is empty; Bia listens on 127.0.0.1
// unless `host` is set to something non-empty (then exactly that, 0.0.0.0 included).
struct ServeEndpoint {
    // `base_url` exactly as configured, or the guess http(s)://<host>:<port>/ (see
    // base_url_guessed). The CSRF cookie name is derived from this string (§12.2).
    std::string base_url;
    bool base_url_guessed = false;
    std::string host;  // listen address
    uint16_t port = 0;

    // base_url whose path ends with '/', for joining paths.
    std::string NormalizedBaseUrl() const;
    // "host:port", IPv6 hosts in brackets.
    std::string ListenAddress() const;
};

// database.cleanup.*: the cleanup of expired records (`bia cleanup sql`, and `serve` in the
// background). Kratos's keys and defaults, plus Bia's sleep.batches and interval.
struct DatabaseCleanupConfig {
    int64_t batch_size = 100;                                       // records per batch (transaction)
    core::Duration sleep_tables = std::chrono::minutes(1);          // pause between two tables
    core::Duration sleep_batches = std::chrono::milliseconds(100);  // pause after a full batch (Bia)
    core::Duration older_than{0};                                   // keep what expired less long ago
    // How often `serve` runs the cleanup (Bia); 0 disables the background cleanup.
    core::Duration interval = std::chrono::minutes(10);
};

struct DatabaseConfig {
    DatabaseCleanupConfig cleanup;
};

struct ServeConfig {
    ServeEndpoint public_api;  // serve.public (default port 4433)
    ServeEndpoint admin_api;   // serve.admin  (default port 4434)
};

struct LogConfig {
    std::string level = "info";   // trace|debug|info|warning|error|fatal|panic
    std::string format = "text";  // text|json
    bool leak_sensitive_values = false;
};

struct SecretsConfig {
    std::vector<std::string> default_secrets;  // secrets.default, each ≥ 16 characters
    std::vector<std::string> cookie;           // secrets.cookie, each ≥ 16 characters
    std::vector<std::string> cipher;           // secrets.cipher, each exactly 32 characters
    // Kratos invents a random default secret when none is configured. Config stays a pure
    // function of its inputs, so it only records the need: whoever wires the server must
    // generate one (a warning is emitted as well).
    bool must_generate_default = false;
};

struct CiphersConfig {
    std::string algorithm = "noop";  // noop|aes|xchacha20-poly1305
};

struct CookiesConfig {
    std::optional<std::string> domain;
    std::string path = "/";
    SameSite same_site = SameSite::kLax;
};

struct SessionCookieConfig {
    std::string name{kDefaultSessionCookieName};
    bool persistent = true;
    // Unset → the cookies.* value (§17.3); see Config::SessionCookie().
    std::optional<std::string> path;
    std::optional<std::string> domain;
    std::optional<SameSite> same_site;
};

struct SessionConfig {
    core::Duration lifespan = std::chrono::hours(24);
    SessionCookieConfig cookie;
    RequiredAal whoami_required_aal = RequiredAal::kHighestAvailable;
    // G1 defaulted this to 24h; G2 leaves it unset (sessions can always be extended).
    std::optional<core::Duration> earliest_possible_extend;
};

struct IdentitySchema {
    std::string id;
    std::string url;  // file://, http(s)://, base64:// — resolved by schema/
    bool selfservice_selectable = false;
};

struct IdentityConfig {
    std::string default_schema_id = "default";
    std::vector<IdentitySchema> schemas;  // at least one; ids unique; default id among them

    const IdentitySchema& DefaultSchema() const;  // always present after validation
    const IdentitySchema* FindSchema(std::string_view id) const;
};

struct BcryptConfig {
    // Kratos's schema allows 4..31; below 12 is only accepted in dev mode. (Kratos silently
    // raises such a cost to 12 outside dev mode; Bia refuses the configuration instead.)
    uint32_t cost = 12;
};

struct Argon2Config {
    uint64_t memory_bytes = 128ULL << 20;  // "128MB"; the hasher wants KiB: memory_bytes / 1024
    uint32_t iterations = 1;
    uint32_t parallelism = 0;  // default 2 × CPU count, as Kratos
    uint32_t salt_length = 16;
    uint32_t key_length = 32;
    core::Duration expected_duration = std::chrono::milliseconds(500);
    core::Duration expected_deviation = std::chrono::milliseconds(500);
    uint64_t dedicated_memory_bytes = 1ULL << 30;  // "1GB"
};

struct HashersConfig {
    HashAlgorithm algorithm = HashAlgorithm::kBcrypt;
    BcryptConfig bcrypt;
    Argon2Config argon2;
};

// A hook entry: `{hook: <name>, config: {...}}`. `config` is an object, or null when absent.
struct Hook {
    std::string name;
    nlohmann::json config;
};

struct AfterMethodConfig {
    std::optional<std::string> default_browser_return_url;
    std::vector<Hook> hooks;
};

// `selfservice.flows.<flow>.after`.
struct AfterConfig {
    std::optional<std::string> default_browser_return_url;
    std::vector<Hook> hooks;
    // Only the methods that appear in the configuration.
    std::map<std::string, AfterMethodConfig, std::less<>> methods;

    // after.<method>.default_browser_return_url, else after.default_browser_return_url.
    std::optional<std::string> ReturnUrlFor(std::string_view method) const;
    // after.<method>.hooks when that list is non-empty, else after.hooks — never merged (§14).
    const std::vector<Hook>& HooksFor(std::string_view method) const;
};

struct SettingsFlowConfig {
    std::string ui_url = "https://www.ory.sh/kratos/docs/fallback/settings";
    core::Duration lifespan = std::chrono::hours(1);
    core::Duration privileged_session_max_age = std::chrono::hours(1);
    // A Bia key: a replaced/removed email address, or a changed password, is told to the previous
    // address with a single-use undo link (docs/verification-recovery.md).
    bool notify_previous_address = false;
    RequiredAal required_aal = RequiredAal::kHighestAvailable;
    std::vector<Hook> before_hooks;
    AfterConfig after;
};

struct LoginFlowConfig {
    std::string ui_url = "https://www.ory.sh/kratos/docs/fallback/login";
    core::Duration lifespan = std::chrono::hours(1);
    std::vector<Hook> before_hooks;
    AfterConfig after;
};

struct RegistrationFlowConfig {
    bool enabled = true;
    std::string ui_url = "https://www.ory.sh/kratos/docs/fallback/registration";
    core::Duration lifespan = std::chrono::hours(1);
    std::vector<Hook> before_hooks;
    AfterConfig after;
};

// Verification and recovery: flows that send a message to an address.
struct AddressFlowConfig {
    bool enabled = false;
    std::string ui_url;
    core::Duration lifespan = std::chrono::hours(1);
    std::string use = "code";  // link|code (G1 servers only know link)
    bool notify_unknown_recipients = false;
    std::vector<Hook> before_hooks;
    AfterConfig after;  // no per-method entries for these flows
};

struct ErrorFlowConfig {
    std::string ui_url = "https://www.ory.sh/kratos/docs/fallback/error";
};

struct LogoutFlowConfig {
    std::optional<std::string> after_default_browser_return_url;
};

struct FlowsConfig {
    SettingsFlowConfig settings;
    LoginFlowConfig login;
    RegistrationFlowConfig registration;
    AddressFlowConfig verification{.ui_url = "https://www.ory.sh/kratos/docs/fallback/verification"};
    AddressFlowConfig recovery{.ui_url = "https://www.ory.sh/kratos/docs/fallback/recovery"};
    ErrorFlowConfig error;
    LogoutFlowConfig logout;
};

struct PasswordMethodConfig {
    bool enabled = true;
    uint32_t min_password_length = 8;
    bool identifier_similarity_check_enabled = true;
    bool haveibeenpwned_enabled = true;
    std::string haveibeenpwned_host = "api.pwnedpasswords.com";
    uint32_t max_breaches = 0;
    bool ignore_network_errors = true;
};

struct ProfileMethodConfig {
    bool enabled = true;
};

struct TotpMethodConfig {
    bool enabled = false;
    std::string issuer;  // default: host name of the public base URL
};

struct LookupSecretMethodConfig {
    bool enabled = false;
};

struct WebAuthnMethodConfig {
    bool enabled = false;
    bool passwordless = false;
    std::string rp_id;            // required when enabled
    std::string rp_display_name;  // required when enabled
    std::optional<std::string> rp_icon;
    // rp.origins, else [rp.origin], else [<public scheme>://<rp.id>] (as Kratos resolves it).
    std::vector<std::string> rp_origins;
};

struct OidcMethodConfig {
    bool enabled = false;
    std::optional<std::string> base_redirect_uri;
    nlohmann::json providers = nlohmann::json::array();  // provider objects, kept as written
};

// The `link` method (G1 verification/recovery). G1 enabled it by default; Bia follows G2.
struct LinkMethodConfig {
    bool enabled = false;
    core::Duration lifespan = std::chrono::hours(1);
    std::optional<std::string> base_url;
};

struct CodeMethodConfig {
    bool enabled = true;
    bool passwordless_enabled = false;
    bool mfa_enabled = false;
    core::Duration lifespan = std::chrono::hours(1);
    uint32_t max_submissions = 5;
};

struct MethodsConfig {
    PasswordMethodConfig password;
    ProfileMethodConfig profile;
    TotpMethodConfig totp;
    LookupSecretMethodConfig lookup_secret;
    WebAuthnMethodConfig webauthn;
    OidcMethodConfig oidc;
    LinkMethodConfig link;
    CodeMethodConfig code;

    // Whether selfservice.methods.<name>.enabled holds; false for unknown names.
    bool IsEnabled(std::string_view method) const;
};

struct SelfServiceConfig {
    // Bia's own account pages at PUBLIC/ui/… (selfservice.builtin_ui.enabled, a Bia key): every
    // flow UI URL and return URL not set in the file points at them.
    bool builtin_ui = false;
    // Message catalogues for the pages in other languages (selfservice.builtin_ui.catalogs:
    // file:// URLs or paths of text::Catalog JSON files).
    std::vector<std::string> builtin_ui_catalogs;
    // Required by Kratos; Bia only warns when it is missing (browser flows that need it fail).
    std::optional<std::string> default_browser_return_url;
    std::vector<std::string> allowed_return_urls;
    FlowsConfig flows;
    MethodsConfig methods;
};

struct CourierConfig {
    std::optional<std::string> smtp_connection_uri;  // smtp:// or smtps://
    std::string smtp_from_address = "no-reply@ory.kratos.sh";
    std::string smtp_from_name;
    std::map<std::string, std::string> smtp_headers;
    std::string smtp_local_name;  // EHLO name; empty: libcurl's default
    std::optional<std::string> template_override_path;
    // courier.templates.<recovery|recovery_code|verification|verification_code>.<valid|invalid>.
    // email.<subject|body.plaintext|body.html>, keyed by the path below `courier.templates.`;
    // each value a file://, base64:// or http(s):// URL (read once, at startup).
    std::map<std::string, std::string> templates;
    // Attempts per message before it is abandoned.
    int64_t message_retries = 5;
    int64_t worker_pull_count = 10;                             // messages claimed per dispatch round
    core::Duration worker_pull_wait = std::chrono::seconds(1);  // pause between rounds
    // Only "smtp" is built (`http` is refused when the config is loaded).
    std::string delivery_strategy = "smtp";
};

// Resolved attributes of a cookie Bia sets.
struct CookieAttributes {
    std::string name;
    std::string path;
    std::optional<std::string> domain;
    SameSite same_site = SameSite::kLax;
    bool secure = true;  // false only in dev mode
    bool http_only = true;
    // Session cookie only (session.cookie.persistent): carries an expiry; otherwise it lasts
    // as long as the browser session.
    bool persistent = false;
};

struct Config {
    bool dev_mode = false;
    std::string version;  // the informational `version` key, if any
    std::string dsn;      // required; kMemoryDsn for an in-memory database
    DatabaseConfig database;
    ServeConfig serve;
    LogConfig log;
    SecretsConfig secrets;
    CiphersConfig ciphers;
    CookiesConfig cookies;
    SessionConfig session;
    IdentityConfig identity;
    HashersConfig hashers;
    SelfServiceConfig selfservice;
    CourierConfig courier;
    nlohmann::json feature_flags = nlohmann::json::object();

    bool IsMemoryDsn() const { return dsn == kMemoryDsn; }

    // PUBLIC in the spec: serve.public.base_url with a trailing slash.
    std::string PublicBaseUrl() const { return serve.public_api.NormalizedBaseUrl(); }
    std::string AdminBaseUrl() const { return serve.admin_api.NormalizedBaseUrl(); }

    // Settings success redirect without return_to (§5.3 steps 2–3). nullopt means
    // "SETTINGS_UI?flow=<id>"; selfservice.default_browser_return_url is not consulted.
    std::optional<std::string> SettingsReturnUrlFor(std::string_view method) const;
    // Login / registration success redirect without return_to: after.<method>, after, then
    // selfservice.default_browser_return_url.
    std::optional<std::string> LoginReturnUrlFor(std::string_view method) const;
    std::optional<std::string> RegistrationReturnUrlFor(std::string_view method) const;
    // Logout: logout.after.default_browser_return_url, else selfservice.default_browser_return_url.
    std::optional<std::string> LogoutReturnUrl() const;

    // Session cookie (§17.3): session.cookie.* falling back to cookies.*; Secure unless dev.
    CookieAttributes SessionCookie() const;
    // CSRF cookie (§12.2): name from the public base URL as configured, cookies.* attributes,
    // SameSite forced to Lax when the cookie cannot be Secure (dev mode).
    CookieAttributes CsrfCookie() const;

    // Keys for session/continuity cookies: secrets.cookie, else secrets.default. Empty when
    // neither is configured (see SecretsConfig::must_generate_default).
    const std::vector<std::string>& CookieSecrets() const;
    // Keys for data sealed at rest (continuity container payloads): secrets.cipher, else
    // secrets.default. Empty when neither is configured.
    const std::vector<std::string>& CipherSecrets() const;

    // feature_flags.<name> == true.
    bool FeatureFlag(std::string_view name) const;
};

// Loads `files` in order (later files override earlier ones key by key), applies `env`
// overrides, fills defaults and validates. Errors name the key and the problem in one line:
// `config: selfservice.flows.settings.lifespan: invalid duration "15x"`. Non-fatal findings
// (unknown keys, guessed base URLs, missing secrets) are appended to `warnings` when given.
core::Result<Config> LoadConfig(const std::vector<std::string>& files, const Environment& env, bool dev_mode,
                                Warnings* warnings);

// The same from in-memory YAML documents (tests, embedded defaults); names are used in
// error messages only.
struct YamlSource {
    std::string name;
    std::string text;
};
core::Result<Config> LoadConfigFromYaml(const std::vector<YamlSource>& sources, const Environment& env, bool dev_mode,
                                        Warnings* warnings);

}  // namespace bia::config
