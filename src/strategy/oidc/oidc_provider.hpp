// One configured social sign-in provider (selfservice.methods.oidc.config.providers[], provider
// `generic`): OpenID Connect discovery from `issuer_url`, the authorization URL (code flow, PKCE
// S256 where the provider supports it or the config forces it), the code exchange at the token
// endpoint (client secret via HTTP Basic) and ID token verification (RS256 / ES256 against the
// provider's JWKS; iss, aud, exp, nonce). The claims mapper turns verified claims into identity
// traits with the provider's Jsonnet `mapper_url`. Talks to the provider through net::HttpClient,
// so tests script the provider with testing::FakeHttpClient and the e2e suite uses a real one.
#pragma once

#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "net/http_client.hpp"

namespace bia::strategy::oidc {

struct ProviderConfig {
    std::string id;        // providers[].id: the callback path segment and identifier prefix
    std::string provider;  // providers[].provider: "generic"
    std::string label;     // providers[].label, else the id
    std::string client_id;
    std::string client_secret;
    std::string issuer_url;                // discovery: <issuer_url>/.well-known/openid-configuration
    std::optional<std::string> auth_url;   // overrides the discovered authorization_endpoint
    std::optional<std::string> token_url;  // overrides the discovered token_endpoint
    std::vector<std::string> scope;        // as configured; "openid" is always requested
    std::string mapper_url;                // file://, base64:// (or http(s)://, read at start)
    std::string pkce = "auto";             // auto | force | never
};

// The providers of `selfservice.methods.oidc.config.providers` (each a map, as the config loader
// checked): a 400-free Result whose error names the offending key, e.g.
// "selfservice.methods.oidc.config.providers[0].client_id: required". Ids are unique, made of
// [A-Za-z0-9_-], at most 64 characters; `provider` must be "generic".
core::Result<std::vector<ProviderConfig>> ParseProviders(const nlohmann::json& providers);

struct Tokens {
    std::string id_token;
    std::string access_token;
    std::string refresh_token;  // "" when the provider sent none
};

struct AuthorizationRequest {
    std::string redirect_uri;
    std::string state;
    std::string nonce;
    std::string code_challenge;  // S256 of the verifier; "" sends no PKCE parameters
    // upstream_parameters of the submission (login_hint, hd, prompt, acr_values), passed through.
    std::vector<std::pair<std::string, std::string>> extra;
};

// PKCE (RFC 7636): a fresh 43-character verifier and its S256 challenge.
std::string PkceVerifier();
std::string PkceChallenge(std::string_view verifier);

class Provider {
  public:
    // `allow_insecure_loopback`: http:// issuers and endpoints are accepted when their host is a
    // loopback address (dev mode); otherwise every provider URL must be https://.
    Provider(ProviderConfig config, net::HttpClient& http, const core::Clock& clock, bool allow_insecure_loopback);

    const ProviderConfig& config() const { return config_; }

    // Whether a new authorization request should carry PKCE: "force" yes, "never" no, "auto" when
    // discovery lists S256 in code_challenge_methods_supported. Discovers on first use.
    core::Result<bool> UsesPkce();
    // The URL to send the browser to (response_type=code, client_id, redirect_uri, scope, state,
    // nonce, PKCE when given, then `extra`).
    core::Result<std::string> AuthorizationUrl(const AuthorizationRequest& request);
    // POST to the token endpoint (grant_type=authorization_code, code, redirect_uri, code_verifier
    // when not empty), client_id:client_secret by HTTP Basic. A provider's error answer is a 400
    // naming the provider's `error`/`error_description`; an unreachable provider a 502.
    core::Result<Tokens> ExchangeCode(std::string_view code, std::string_view code_verifier,
                                      const std::string& redirect_uri);
    // The claims of an ID token once its signature (RS256 or ES256, key by `kid` from the
    // provider's JWKS, fetched once more when the kid is unknown), `iss` (== discovered issuer),
    // `aud` (contains client_id), `exp`/`nbf`/`iat` (one minute leeway) and `nonce` (compared in
    // constant time) check out; a 400 saying which check failed otherwise. `alg: none` and HMAC
    // algorithms are refused.
    core::Result<nlohmann::json> VerifyIdToken(std::string_view id_token, std::string_view nonce);

  private:
    struct Discovery;
    core::Result<std::shared_ptr<const Discovery>> Discover();
    core::Result<nlohmann::json> Jwks(bool refresh);

    ProviderConfig config_;
    net::HttpClient& http_;
    const core::Clock& clock_;
    bool allow_insecure_loopback_;
    std::mutex mu_;
    std::shared_ptr<const Discovery> discovery_;  // cached for an hour
    core::TimePoint discovered_at_{};
    nlohmann::json jwks_;
    core::TimePoint jwks_fetched_at_{};
};

// A provider's Jsonnet mapper: evaluated with the verified claims as the external variable
// `claims` (std.extVar('claims')), it yields {"identity":{"traits":{…}, "metadata_public"?,
// "metadata_admin"?, "verified_addresses"?}}. Map returns that `identity` object; a mapper that
// fails or yields anything else is a 400 naming the provider.
class ClaimsMapper {
  public:
    // Reads the Jsonnet source from file://, base64:// or http(s):// (through `http`).
    static core::Result<ClaimsMapper> Load(std::string_view mapper_url, net::HttpClient& http);
    explicit ClaimsMapper(std::string source) : source_(std::move(source)) {}
    core::Result<nlohmann::json> Map(const nlohmann::json& claims) const;

  private:
    std::string source_;
    std::string name_ = "the claims mapper";  // names the mapper_url in errors (set by Load)
};

}  // namespace bia::strategy::oidc
