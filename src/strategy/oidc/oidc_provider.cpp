#include "strategy/oidc/oidc_provider.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "core/crypto_util.hpp"
#include "core/encoding.hpp"
#include "core/random.hpp"
#include "core/url.hpp"
#include "crypto/public_key.hpp"

namespace bia::strategy::oidc {

// Named (not anonymous) so the unity build can merge this file with the folder's others.
namespace provider_internal {

constexpr std::string_view kConfigKey = "selfservice.methods.oidc.config.providers";
constexpr std::string_view kDiscoveryPath = "/.well-known/openid-configuration";
constexpr std::chrono::hours kDiscoveryTtl{1};
constexpr std::chrono::hours kJwksTtl{1};
// An unknown `kid` refetches the JWKS, but not more often than this: a stream of tokens with made-up
// kids must not turn into a stream of requests to the provider.
constexpr std::chrono::seconds kJwksRefetchInterval{10};
constexpr double kLeewaySeconds = 60;
constexpr size_t kMaxDocumentBytes = size_t{256} << 10;
constexpr size_t kMaxIdTokenBytes = size_t{64} << 10;
constexpr size_t kMaxProviderIdLength = 64;
constexpr size_t kMaxProviderErrorLength = 200;
constexpr int kMinRsaBits = 2048;
constexpr int kMaxRsaBits = 8192;
constexpr std::chrono::milliseconds kRequestTimeout{15000};

struct MdCtxDeleter {
    void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct BnDeleter {
    void operator()(BIGNUM* p) const { BN_free(p); }
};
struct EcdsaSigDeleter {
    void operator()(ECDSA_SIG* p) const { ECDSA_SIG_free(p); }
};
using PkeyPtr = crypto::EvpPkeyPtr;
using BnPtr = std::unique_ptr<BIGNUM, BnDeleter>;

const unsigned char* Bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

core::Error BadGateway(std::string reason) { return core::Error(502, std::move(reason)); }

std::string Quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string StripTrailingSlashes(std::string_view s) {
    while (!s.empty() && s.back() == '/') s.remove_suffix(1);
    return std::string(s);
}

// Provider-controlled text shown in an error: printable ASCII only, and not much of it.
std::string Sanitized(std::string_view s) {
    std::string out;
    for (unsigned char c : s) {
        if (out.size() >= kMaxProviderErrorLength) {
            out += "...";
            break;
        }
        out += (c >= 0x20 && c < 0x7F) ? static_cast<char>(c) : '?';
    }
    return out;
}

// https://, or http:// to a loopback host when `allow_insecure_loopback`.
bool IsAllowedUrl(std::string_view text, bool allow_insecure_loopback) {
    auto url = core::Url::Parse(text);
    if (!url || url->host.empty() || !url->userinfo.empty()) return false;
    if (url->scheme == "https") return true;
    if (url->scheme != "http" || !allow_insecure_loopback) return false;
    const std::string host = url->Hostname();
    return host == "127.0.0.1" || host == "localhost" || host == "::1";
}

bool IsHttpUrl(std::string_view text) {
    auto url = core::Url::Parse(text);
    return url && (url->scheme == "https" || url->scheme == "http") && !url->host.empty();
}

// ---- ParseProviders helpers ----

std::string KeyName(size_t index, std::string_view key) {
    return std::string(kConfigKey) + "[" + std::to_string(index) + "]." + std::string(key);
}

core::Result<std::optional<std::string>> OptionalString(const nlohmann::json& p, size_t index, std::string_view key) {
    auto it = p.find(std::string(key));
    if (it == p.end() || it->is_null()) return std::optional<std::string>();
    if (!it->is_string()) return core::Internal(KeyName(index, key) + ": must be a string");
    return std::optional<std::string>(it->get<std::string>());
}

core::Result<std::string> RequiredString(const nlohmann::json& p, size_t index, std::string_view key) {
    BIA_TRY_ASSIGN(auto value, OptionalString(p, index, key));
    if (!value || value->empty()) return core::Internal(KeyName(index, key) + ": required");
    return std::move(*value);
}

// An optional http(s) URL ("" when absent or empty).
core::Result<std::string> OptionalUrl(const nlohmann::json& p, size_t index, std::string_view key) {
    BIA_TRY_ASSIGN(auto value, OptionalString(p, index, key));
    if (!value || value->empty()) return std::string();
    if (!IsHttpUrl(*value)) return core::Internal(KeyName(index, key) + ": must be an http(s) URL");
    return std::move(*value);
}

bool IsValidProviderId(std::string_view id) {
    if (id.empty() || id.size() > kMaxProviderIdLength) return false;
    return std::all_of(id.begin(), id.end(), [](unsigned char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
}

// ---- JSON documents from the provider ----

core::Result<nlohmann::json> JsonObject(const net::HttpResponse& answer, const std::string& what) {
    if (answer.status != 200) return BadGateway(what + " answered HTTP " + std::to_string(answer.status));
    auto doc = nlohmann::json::parse(answer.body, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) return BadGateway(what + " did not answer a JSON object");
    return doc;
}

std::optional<std::string> StringField(const nlohmann::json& doc, const char* key) {
    auto it = doc.find(key);
    if (it == doc.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
}

// ---- JWKs and signatures ----

std::optional<std::string> B64Field(const nlohmann::json& jwk, const char* key) {
    auto text = StringField(jwk, key);
    if (!text) return std::nullopt;
    return core::Base64UrlDecode(*text);
}

// The shared builders' complaint about the key, as a provider's key.
core::Error ProviderKeyError(const core::Error& e) {
    return e.code == 400 ? core::BadRequest("the provider's signing key is invalid: " + e.reason) : e;
}

core::Result<PkeyPtr> RsaKeyFromJwk(const nlohmann::json& jwk) {
    auto n = B64Field(jwk, "n");
    auto e = B64Field(jwk, "e");
    if (!n || !e) return core::BadRequest("the provider's signing key is invalid");
    auto key = crypto::RsaPublicKey(*n, *e, kMinRsaBits, kMaxRsaBits);
    if (!key) return ProviderKeyError(key.error());
    return key;
}

core::Result<PkeyPtr> EcKeyFromJwk(const nlohmann::json& jwk) {
    if (StringField(jwk, "crv") != "P-256") return core::BadRequest("the provider's EC key is not on P-256");
    auto x = B64Field(jwk, "x");
    auto y = B64Field(jwk, "y");
    if (!x || !y) return core::BadRequest("the provider's signing key is invalid");
    auto key = crypto::P256PublicKey(*x, *y);
    if (!key) return ProviderKeyError(key.error());
    return key;
}

// The JWK's key type for a JWS algorithm Bia accepts ("" for any other algorithm).
std::string_view KeyTypeFor(std::string_view alg) {
    if (alg == "RS256") return "RSA";
    if (alg == "ES256") return "EC";
    return "";
}

// Whether `jwk` may verify a token signed with `alg` and naming `kid` (nullopt: no kid).
bool JwkMatches(const nlohmann::json& jwk, std::string_view alg, const std::optional<std::string>& kid) {
    if (!jwk.is_object() || StringField(jwk, "kty") != KeyTypeFor(alg)) return false;
    if (auto use = StringField(jwk, "use"); use && *use != "sig") return false;
    if (auto key_alg = StringField(jwk, "alg"); key_alg && *key_alg != alg) return false;
    if (kid && StringField(jwk, "kid") != *kid) return false;
    return true;
}

// The keys of `jwks` that may verify the token.
std::vector<nlohmann::json> Candidates(const nlohmann::json& jwks, std::string_view alg,
                                       const std::optional<std::string>& kid) {
    std::vector<nlohmann::json> out;
    auto keys = jwks.find("keys");
    if (keys == jwks.end() || !keys->is_array()) return out;
    for (const auto& jwk : *keys)
        if (JwkMatches(jwk, alg, kid)) out.push_back(jwk);
    return out;
}

// A JWS ES256 signature is r‖s (32 bytes each); OpenSSL verifies DER.
std::optional<std::string> EcdsaRawToDer(std::string_view raw) {
    if (raw.size() != 64) return std::nullopt;
    BnPtr r(BN_bin2bn(Bytes(raw), 32, nullptr));
    BnPtr s(BN_bin2bn(Bytes(raw.substr(32)), 32, nullptr));
    std::unique_ptr<ECDSA_SIG, EcdsaSigDeleter> sig(ECDSA_SIG_new());
    if (!r || !s || !sig || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) {
        ERR_clear_error();
        return std::nullopt;
    }
    (void)r.release();  // owned by `sig` now
    (void)s.release();
    const int len = i2d_ECDSA_SIG(sig.get(), nullptr);
    if (len <= 0) {
        ERR_clear_error();
        return std::nullopt;
    }
    std::string der(static_cast<size_t>(len), '\0');
    auto* out = reinterpret_cast<unsigned char*>(der.data());
    if (i2d_ECDSA_SIG(sig.get(), &out) != len) {
        ERR_clear_error();
        return std::nullopt;
    }
    return der;
}

// Whether `signature` over `message` verifies with the key of `jwk` under `alg` (RS256/ES256).
core::Result<bool> VerifyWithJwk(const nlohmann::json& jwk, std::string_view alg, std::string_view message,
                                 std::string_view signature) {
    PkeyPtr key;
    std::string sig(signature);
    if (alg == "RS256") {
        BIA_TRY_ASSIGN(key, RsaKeyFromJwk(jwk));
    } else {
        BIA_TRY_ASSIGN(key, EcKeyFromJwk(jwk));
        auto der = EcdsaRawToDer(signature);
        if (!der) return false;
        sig = std::move(*der);
    }
    std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> md(EVP_MD_CTX_new());
    if (!md) return core::Internal("cannot set up signature verification");
    EVP_PKEY_CTX* pctx = nullptr;  // owned by `md`
    if (EVP_DigestVerifyInit(md.get(), &pctx, EVP_sha256(), nullptr, key.get()) != 1 ||
        (alg == "RS256" && EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1)) {
        ERR_clear_error();
        return core::Internal("cannot set up signature verification");
    }
    const int ok = EVP_DigestVerify(md.get(), Bytes(sig), sig.size(), Bytes(message), message.size());
    ERR_clear_error();
    return ok == 1;
}

std::optional<double> NumericDate(const nlohmann::json& claims, const char* key) {
    auto it = claims.find(key);
    if (it == claims.end() || !it->is_number()) return std::nullopt;
    const double v = it->get<double>();
    if (!std::isfinite(v)) return std::nullopt;
    return v;
}

}  // namespace provider_internal

using namespace provider_internal;

// ---- configuration ----

core::Result<std::vector<ProviderConfig>> ParseProviders(const nlohmann::json& providers) {
    std::vector<ProviderConfig> out;
    if (providers.is_null()) return out;
    if (!providers.is_array()) return core::Internal(std::string(kConfigKey) + ": must be an array");
    for (size_t i = 0; i < providers.size(); ++i) {
        const auto& p = providers[i];
        if (!p.is_object()) {
            return core::Internal(std::string(kConfigKey) + "[" + std::to_string(i) + "]: must be an object");
        }
        ProviderConfig c;
        BIA_TRY_ASSIGN(c.id, RequiredString(p, i, "id"));
        if (!IsValidProviderId(c.id)) {
            return core::Internal(KeyName(i, "id") + ": must be 1 to 64 characters of A-Z, a-z, 0-9, _ and -");
        }
        for (const auto& other : out)
            if (other.id == c.id) return core::Internal(KeyName(i, "id") + ": " + Quoted(c.id) + " is used twice");
        BIA_TRY_ASSIGN(c.provider, RequiredString(p, i, "provider"));
        if (c.provider != "generic") {
            return core::Internal(KeyName(i, "provider") + ": " + Quoted(Sanitized(c.provider)) +
                                  " is not supported (only \"generic\")");
        }
        BIA_TRY_ASSIGN(auto label, OptionalString(p, i, "label"));
        c.label = label && !label->empty() ? std::move(*label) : c.id;
        BIA_TRY_ASSIGN(c.client_id, RequiredString(p, i, "client_id"));
        BIA_TRY_ASSIGN(auto secret, OptionalString(p, i, "client_secret"));
        c.client_secret = secret.value_or("");
        BIA_TRY_ASSIGN(c.issuer_url, RequiredString(p, i, "issuer_url"));
        if (!IsHttpUrl(c.issuer_url)) return core::Internal(KeyName(i, "issuer_url") + ": must be an http(s) URL");
        BIA_TRY_ASSIGN(auto auth_url, OptionalUrl(p, i, "auth_url"));
        if (!auth_url.empty()) c.auth_url = std::move(auth_url);
        BIA_TRY_ASSIGN(auto token_url, OptionalUrl(p, i, "token_url"));
        if (!token_url.empty()) c.token_url = std::move(token_url);
        if (auto scope = p.find("scope"); scope != p.end() && !scope->is_null()) {
            if (!scope->is_array()) return core::Internal(KeyName(i, "scope") + ": must be an array of strings");
            for (const auto& s : *scope) {
                if (!s.is_string()) return core::Internal(KeyName(i, "scope") + ": must be an array of strings");
                c.scope.push_back(s.get<std::string>());
            }
        }
        BIA_TRY_ASSIGN(c.mapper_url, RequiredString(p, i, "mapper_url"));
        BIA_TRY_ASSIGN(auto pkce, OptionalString(p, i, "pkce"));
        if (pkce && !pkce->empty()) {
            if (*pkce != "auto" && *pkce != "force" && *pkce != "never") {
                return core::Internal(KeyName(i, "pkce") + ": must be one of auto, force, never");
            }
            c.pkce = std::move(*pkce);
        }
        out.push_back(std::move(c));
    }
    return out;
}

// ---- PKCE ----

std::string PkceVerifier() {
    core::SecureRandom random;
    const auto bytes = random.Bytes(32);
    return core::Base64UrlEncode(core::AsChars(bytes));  // 43 characters
}

std::string PkceChallenge(std::string_view verifier) { return core::Base64UrlEncode(core::Sha256(verifier)); }

// ---- Provider ----

struct Provider::Discovery {
    std::string issuer;
    std::string authorization_endpoint;
    std::string token_endpoint;
    std::string jwks_uri;
    bool supports_s256 = false;
};

Provider::Provider(ProviderConfig config, net::HttpClient& http, const core::Clock& clock, bool allow_insecure_loopback)
    : config_(std::move(config)), http_(http), clock_(clock), allow_insecure_loopback_(allow_insecure_loopback) {}

core::Result<std::shared_ptr<const Provider::Discovery>> Provider::Discover() {
    std::lock_guard lock(mu_);
    const auto now = clock_.Now();
    if (discovery_ && now - discovered_at_ < kDiscoveryTtl) return discovery_;
    const std::string name = "the OpenID provider " + Quoted(config_.id);
    const auto misconfigured = [&](std::string_view key, const std::string& what) {
        return core::Internal(name + ": " + std::string(key) + ": " + what);
    };
    const char* const kUrlRule = allow_insecure_loopback_ ? "must be an https:// URL (or http:// to a loopback host)"
                                                          : "must be an https:// URL";
    if (!IsAllowedUrl(config_.issuer_url, allow_insecure_loopback_)) return misconfigured("issuer_url", kUrlRule);
    if (config_.auth_url && !IsAllowedUrl(*config_.auth_url, allow_insecure_loopback_)) {
        return misconfigured("auth_url", kUrlRule);
    }
    if (config_.token_url && !IsAllowedUrl(*config_.token_url, allow_insecure_loopback_)) {
        return misconfigured("token_url", kUrlRule);
    }

    net::HttpRequest request;
    request.url = StripTrailingSlashes(config_.issuer_url) + std::string(kDiscoveryPath);
    request.headers = {{"Accept", "application/json"}};
    request.timeout = kRequestTimeout;
    request.max_body_bytes = kMaxDocumentBytes;
    const auto answer = http_.Send(request);
    if (!answer.ok()) return BadGateway(name + " is unreachable (discovery): " + answer.error);
    BIA_TRY_ASSIGN(auto doc, JsonObject(answer, name + "'s discovery document"));

    auto d = std::make_shared<Discovery>();
    auto issuer = StringField(doc, "issuer");
    if (!issuer || issuer->empty()) return BadGateway(name + "'s discovery document has no issuer");
    if (StripTrailingSlashes(*issuer) != StripTrailingSlashes(config_.issuer_url)) {
        return misconfigured("issuer_url", "the provider names its issuer " + Quoted(Sanitized(*issuer)) + ", not " +
                                               Quoted(config_.issuer_url));
    }
    d->issuer = std::move(*issuer);
    const auto endpoint = [&](const char* key, std::string* out) -> core::Status {
        auto value = StringField(doc, key);
        if (!value || value->empty()) return BadGateway(name + "'s discovery document has no " + key);
        if (!IsAllowedUrl(*value, allow_insecure_loopback_)) {
            return BadGateway(name + "'s discovery document names an unacceptable " + key + " (" + kUrlRule + ")");
        }
        *out = std::move(*value);
        return {};
    };
    if (config_.auth_url) {
        d->authorization_endpoint = *config_.auth_url;
    } else {
        BIA_TRY(endpoint("authorization_endpoint", &d->authorization_endpoint));
    }
    if (config_.token_url) {
        d->token_endpoint = *config_.token_url;
    } else {
        BIA_TRY(endpoint("token_endpoint", &d->token_endpoint));
    }
    BIA_TRY(endpoint("jwks_uri", &d->jwks_uri));
    if (auto methods = doc.find("code_challenge_methods_supported"); methods != doc.end() && methods->is_array()) {
        d->supports_s256 = std::find(methods->begin(), methods->end(), "S256") != methods->end();
    }
    // A new jwks_uri makes the cached key set stale.
    if (discovery_ && discovery_->jwks_uri != d->jwks_uri) jwks_ = nullptr;
    discovery_ = std::move(d);
    discovered_at_ = now;
    return discovery_;
}

core::Result<bool> Provider::UsesPkce() {
    if (config_.pkce == "force") return true;
    if (config_.pkce == "never") return false;
    BIA_TRY_ASSIGN(auto d, Discover());
    return d->supports_s256;
}

core::Result<std::string> Provider::AuthorizationUrl(const AuthorizationRequest& request) {
    BIA_TRY_ASSIGN(auto d, Discover());
    auto url = core::Url::Parse(d->authorization_endpoint);
    if (!url) return core::Internal("the OpenID provider " + Quoted(config_.id) + ": bad authorization endpoint");
    std::string scope = "openid";
    for (const auto& s : config_.scope) {
        if (s.empty() || s == "openid" || (" " + scope + " ").find(" " + s + " ") != std::string::npos) continue;
        scope += " " + s;
    }
    core::Query query = url->query();
    query.Add("response_type", "code");
    query.Add("client_id", config_.client_id);
    query.Add("redirect_uri", request.redirect_uri);
    query.Add("scope", scope);
    query.Add("state", request.state);
    query.Add("nonce", request.nonce);
    if (!request.code_challenge.empty()) {
        query.Add("code_challenge", request.code_challenge);
        query.Add("code_challenge_method", "S256");
    }
    static constexpr std::string_view kReserved[] = {
        "response_type", "client_id", "redirect_uri",   "scope",
        "state",         "nonce",     "code_challenge", "code_challenge_method"};
    for (const auto& [k, v] : request.extra) {
        if (std::find(std::begin(kReserved), std::end(kReserved), k) != std::end(kReserved)) continue;
        query.Add(k, v);
    }
    url->SetQuery(query);
    return url->ToString();
}

core::Result<Tokens> Provider::ExchangeCode(std::string_view code, std::string_view code_verifier,
                                            const std::string& redirect_uri) {
    BIA_TRY_ASSIGN(auto d, Discover());
    const std::string name = "the OpenID provider " + Quoted(config_.id);
    core::Query form;
    form.Add("grant_type", "authorization_code");
    form.Add("code", code);
    form.Add("redirect_uri", redirect_uri);
    if (!code_verifier.empty()) form.Add("code_verifier", code_verifier);

    net::HttpRequest request;
    request.method = "POST";
    request.url = d->token_endpoint;
    // RFC 6749 §2.3.1: id and secret are form-urlencoded before they are joined for Basic.
    const std::string credentials =
        core::PercentEncode(config_.client_id) + ":" + core::PercentEncode(config_.client_secret);
    request.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                       {"Accept", "application/json"},
                       {"Authorization", "Basic " + core::Base64Encode(credentials)}};
    request.body = form.Encode();
    request.timeout = kRequestTimeout;
    request.max_body_bytes = kMaxDocumentBytes;
    request.max_redirects = 0;  // the request carries the client's credentials
    const auto answer = http_.Send(request);
    if (!answer.ok()) return BadGateway(name + " is unreachable (token endpoint): " + answer.error);

    auto doc = nlohmann::json::parse(answer.body, nullptr, false);
    const bool is_object = !doc.is_discarded() && doc.is_object();
    if (answer.status < 200 || answer.status >= 300) {
        auto error = is_object ? StringField(doc, "error") : std::nullopt;
        if (answer.status >= 400 && answer.status < 500 && error) {
            std::string reason = name + " refused the authorization code: " + Sanitized(*error);
            if (auto description = StringField(doc, "error_description"); description && !description->empty()) {
                reason += " (" + Sanitized(*description) + ")";
            }
            return core::BadRequest(std::move(reason));
        }
        return BadGateway(name + "'s token endpoint answered HTTP " + std::to_string(answer.status));
    }
    if (!is_object) return BadGateway(name + "'s token endpoint did not answer a JSON object");
    Tokens tokens;
    auto id_token = StringField(doc, "id_token");
    auto access_token = StringField(doc, "access_token");
    if (!access_token || access_token->empty()) return BadGateway(name + "'s token answer has no access_token");
    if (!id_token || id_token->empty()) return BadGateway(name + "'s token answer has no id_token");
    tokens.id_token = std::move(*id_token);
    tokens.access_token = std::move(*access_token);
    tokens.refresh_token = StringField(doc, "refresh_token").value_or("");
    return tokens;
}

core::Result<nlohmann::json> Provider::Jwks(bool refresh) {
    BIA_TRY_ASSIGN(auto d, Discover());
    std::lock_guard lock(mu_);
    const auto now = clock_.Now();
    const bool fresh = !jwks_.is_null() && now - jwks_fetched_at_ < kJwksTtl;
    if (fresh && (!refresh || now - jwks_fetched_at_ < kJwksRefetchInterval)) return jwks_;
    const std::string name = "the OpenID provider " + Quoted(config_.id);
    net::HttpRequest request;
    request.url = d->jwks_uri;
    request.headers = {{"Accept", "application/json"}};
    request.timeout = kRequestTimeout;
    request.max_body_bytes = kMaxDocumentBytes;
    const auto answer = http_.Send(request);
    if (!answer.ok()) return BadGateway(name + " is unreachable (JWKS): " + answer.error);
    BIA_TRY_ASSIGN(auto doc, JsonObject(answer, name + "'s JWKS"));
    if (auto keys = doc.find("keys"); keys == doc.end() || !keys->is_array()) {
        return BadGateway(name + "'s JWKS has no keys array");
    }
    jwks_ = std::move(doc);
    jwks_fetched_at_ = now;
    return jwks_;
}

core::Result<nlohmann::json> Provider::VerifyIdToken(std::string_view id_token, std::string_view nonce) {
    const std::string prefix = "the ID token of " + Quoted(config_.id) + " ";
    const auto refuse = [&](std::string_view why) { return core::BadRequest(prefix + std::string(why)); };
    if (id_token.empty() || id_token.size() > kMaxIdTokenBytes) return refuse("is empty or too large");
    const size_t dot1 = id_token.find('.');
    const size_t dot2 = dot1 == std::string_view::npos ? dot1 : id_token.find('.', dot1 + 1);
    if (dot2 == std::string_view::npos || id_token.find('.', dot2 + 1) != std::string_view::npos) {
        return refuse("is not a signed JWT");
    }
    const auto header_text = core::Base64UrlDecode(id_token.substr(0, dot1));
    const auto payload_text = core::Base64UrlDecode(id_token.substr(dot1 + 1, dot2 - dot1 - 1));
    const auto signature = core::Base64UrlDecode(id_token.substr(dot2 + 1));
    if (!header_text || !payload_text || !signature) return refuse("is not valid base64url");
    const auto header = nlohmann::json::parse(*header_text, nullptr, false);
    if (header.is_discarded() || !header.is_object()) return refuse("has a malformed header");
    const auto alg = StringField(header, "alg");
    if (!alg) return refuse("names no signature algorithm");
    if (*alg == "none" || alg->starts_with("HS")) return refuse("uses a refused algorithm (" + Sanitized(*alg) + ")");
    if (KeyTypeFor(*alg).empty()) return refuse("uses an unsupported algorithm (" + Sanitized(*alg) + ")");
    if (header.contains("crit")) return refuse("has critical header parameters Bia does not understand");
    std::optional<std::string> kid;
    if (auto it = header.find("kid"); it != header.end()) {
        if (!it->is_string()) return refuse("has a malformed kid");
        kid = it->get<std::string>();
    }

    // The signature, against the keys of the provider's JWKS (fetched once more for an unknown kid).
    const std::string_view signed_part = id_token.substr(0, dot2);
    BIA_TRY_ASSIGN(auto jwks, Jwks(false));
    auto candidates = Candidates(jwks, *alg, kid);
    if (candidates.empty() && kid) {
        BIA_TRY_ASSIGN(jwks, Jwks(true));
        candidates = Candidates(jwks, *alg, kid);
    }
    if (candidates.empty()) return refuse("is signed with a key the provider does not publish");
    bool verified = false;
    for (const auto& jwk : candidates) {
        auto ok = VerifyWithJwk(jwk, *alg, signed_part, *signature);
        if (!ok) {
            if (ok.error().code >= 500) return std::move(ok).error();
            continue;  // an unusable key among several: try the others
        }
        if (*ok) {
            verified = true;
            break;
        }
    }
    if (!verified) return refuse("has an invalid signature");

    auto claims = nlohmann::json::parse(*payload_text, nullptr, false);
    if (claims.is_discarded() || !claims.is_object()) return refuse("has malformed claims");
    BIA_TRY_ASSIGN(auto d, Discover());
    if (StringField(claims, "iss") != d->issuer) return refuse("was issued by another issuer (iss)");
    bool audience_ok = false;
    if (auto aud = claims.find("aud"); aud != claims.end()) {
        if (aud->is_string()) {
            audience_ok = aud->get<std::string>() == config_.client_id;
        } else if (aud->is_array()) {
            audience_ok = std::any_of(aud->begin(), aud->end(), [&](const nlohmann::json& a) {
                return a.is_string() && a.get<std::string>() == config_.client_id;
            });
        }
    }
    if (!audience_ok) return refuse("is meant for another client (aud)");
    if (auto azp = claims.find("azp"); azp != claims.end() && (!azp->is_string() || *azp != config_.client_id)) {
        return refuse("was issued to another client (azp)");
    }
    const double now =
        static_cast<double>(std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch()).count());
    const auto exp = NumericDate(claims, "exp");
    if (!exp) return refuse("has no expiry (exp)");
    if (now > *exp + kLeewaySeconds) return refuse("has expired (exp)");
    if (claims.contains("nbf")) {
        const auto nbf = NumericDate(claims, "nbf");
        if (!nbf) return refuse("has a malformed nbf");
        if (now + kLeewaySeconds < *nbf) return refuse("is not valid yet (nbf)");
    }
    if (claims.contains("iat")) {
        const auto iat = NumericDate(claims, "iat");
        if (!iat) return refuse("has a malformed iat");
        if (now + kLeewaySeconds < *iat) return refuse("was issued in the future (iat)");
    }
    const auto sub = StringField(claims, "sub");
    if (!sub || sub->empty()) return refuse("names no subject (sub)");
    if (auto token_nonce = claims.find("nonce"); token_nonce != claims.end()) {
        if (!token_nonce->is_string() || nonce.empty() ||
            !core::ConstantTimeEquals(token_nonce->get_ref<const std::string&>(), nonce)) {
            return refuse("does not carry this flow's nonce");
        }
    } else if (!nonce.empty()) {
        return refuse("does not carry this flow's nonce");
    }
    return claims;
}

}  // namespace bia::strategy::oidc
