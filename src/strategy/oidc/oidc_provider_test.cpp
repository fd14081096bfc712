#include "strategy/oidc/oidc_provider.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>

#include "core/clock.hpp"
#include "core/crypto_util.hpp"
#include "core/encoding.hpp"
#include "core/url.hpp"
#include "testing/fake_http_client.hpp"

namespace bia::strategy::oidc {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using json = nlohmann::json;

constexpr const char* kIssuer = "https://idp.example.com";
constexpr const char* kClientId = "bia-client";
constexpr const char* kSecret = "s3cret-value";
constexpr const char* kNonce = "nonce-1234567890";

// ---- keys and tokens ----

struct PkeyFree {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

std::string BnBytes(const EVP_PKEY* key, const char* param, int pad = 0) {
    BIGNUM* bn = nullptr;
    EXPECT_EQ(EVP_PKEY_get_bn_param(key, param, &bn), 1);
    const int len = pad > 0 ? pad : BN_num_bytes(bn);
    std::string out(static_cast<size_t>(len), '\0');
    BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), len);
    BN_free(bn);
    return out;
}

struct TestKey {
    Pkey key;
    std::string alg;  // RS256 or ES256
    std::string kid;

    static TestKey Rsa(std::string kid) { return {Pkey(EVP_RSA_gen(2048)), "RS256", std::move(kid)}; }
    static TestKey Ec(std::string kid) { return {Pkey(EVP_EC_gen("P-256")), "ES256", std::move(kid)}; }

    json Jwk() const {
        if (alg == "RS256") {
            return {{"kty", "RSA"},
                    {"kid", kid},
                    {"use", "sig"},
                    {"alg", "RS256"},
                    {"n", core::Base64UrlEncode(BnBytes(key.get(), OSSL_PKEY_PARAM_RSA_N))},
                    {"e", core::Base64UrlEncode(BnBytes(key.get(), OSSL_PKEY_PARAM_RSA_E))}};
        }
        return {{"kty", "EC"},
                {"kid", kid},
                {"crv", "P-256"},
                {"x", core::Base64UrlEncode(BnBytes(key.get(), OSSL_PKEY_PARAM_EC_PUB_X, 32))},
                {"y", core::Base64UrlEncode(BnBytes(key.get(), OSSL_PKEY_PARAM_EC_PUB_Y, 32))}};
    }

    std::string Sign(std::string_view message) const {
        EVP_MD_CTX* md = EVP_MD_CTX_new();
        EXPECT_EQ(EVP_DigestSignInit(md, nullptr, EVP_sha256(), nullptr, key.get()), 1);
        size_t len = 0;
        const auto* data = reinterpret_cast<const unsigned char*>(message.data());
        EXPECT_EQ(EVP_DigestSign(md, nullptr, &len, data, message.size()), 1);
        std::string sig(len, '\0');
        EXPECT_EQ(EVP_DigestSign(md, reinterpret_cast<unsigned char*>(sig.data()), &len, data, message.size()), 1);
        sig.resize(len);
        EVP_MD_CTX_free(md);
        if (alg == "RS256") return sig;
        // DER → r‖s, as JWS wants.
        const auto* p = reinterpret_cast<const unsigned char*>(sig.data());
        ECDSA_SIG* ecdsa = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size()));
        std::string raw(64, '\0');
        BN_bn2binpad(ECDSA_SIG_get0_r(ecdsa), reinterpret_cast<unsigned char*>(raw.data()), 32);
        BN_bn2binpad(ECDSA_SIG_get0_s(ecdsa), reinterpret_cast<unsigned char*>(raw.data()) + 32, 32);
        ECDSA_SIG_free(ecdsa);
        return raw;
    }

    std::string Token(const json& claims, json header = json::object()) const {
        if (!header.contains("alg")) header["alg"] = alg;
        if (!header.contains("kid")) header["kid"] = kid;
        header["typ"] = "JWT";
        const std::string signing_input =
            core::Base64UrlEncode(header.dump()) + "." + core::Base64UrlEncode(claims.dump());
        return signing_input + "." + core::Base64UrlEncode(Sign(signing_input));
    }
};

// ---- provider answers ----

net::HttpResponse Answer(int status, const std::string& body) {
    net::HttpResponse r;
    r.status = status;
    r.body = body;
    r.headers = {{"Content-Type", "application/json"}};
    return r;
}
net::HttpResponse Answer(const json& body) { return Answer(200, body.dump()); }
net::HttpResponse Unreachable() {
    net::HttpResponse r;
    r.failure = net::HttpResponse::Failure::kTransport;
    r.error = "connection refused";
    return r;
}

json DiscoveryDoc(const std::string& issuer = kIssuer, bool s256 = true) {
    json d = {{"issuer", issuer},
              {"authorization_endpoint", issuer + "/authorize"},
              {"token_endpoint", issuer + "/token"},
              {"jwks_uri", issuer + "/jwks"},
              {"response_types_supported", {"code"}}};
    if (s256) d["code_challenge_methods_supported"] = {"plain", "S256"};
    return d;
}

json Jwks(std::initializer_list<const TestKey*> keys) {
    json out = {{"keys", json::array()}};
    for (const auto* k : keys) out["keys"].push_back(k->Jwk());
    return out;
}

ProviderConfig Config(const std::string& issuer = kIssuer) {
    ProviderConfig c;
    c.id = "acme";
    c.provider = "generic";
    c.label = "Acme";
    c.client_id = kClientId;
    c.client_secret = kSecret;
    c.issuer_url = issuer;
    c.scope = {"email", "profile"};
    c.mapper_url = "base64://e30=";
    return c;
}

int64_t Seconds(core::TimePoint t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

class ProviderTest : public ::testing::Test {
  protected:
    static const TestKey& RsaKey() {
        static const TestKey k = TestKey::Rsa("rsa-1");
        return k;
    }
    static const TestKey& EcKey() {
        static const TestKey k = TestKey::Ec("ec-1");
        return k;
    }

    json Claims() const {
        const int64_t now = Seconds(clock_.Now());
        return {{"iss", kIssuer}, {"sub", "user-42"}, {"aud", kClientId},          {"exp", now + 300},
                {"iat", now},     {"nonce", kNonce},  {"email", "ada@example.com"}};
    }

    // A provider whose fake answers discovery, then the JWKS.
    std::unique_ptr<Provider> Make(std::vector<net::HttpResponse> answers, ProviderConfig config = Config(),
                                   bool allow_insecure_loopback = false) {
        http_ = std::make_unique<testing::FakeHttpClient>(std::move(answers));
        return std::make_unique<Provider>(std::move(config), *http_, clock_, allow_insecure_loopback);
    }
    std::unique_ptr<Provider> MakeVerifier() {
        return Make({Answer(DiscoveryDoc()), Answer(Jwks({&RsaKey(), &EcKey()}))});
    }

    core::FakeClock clock_;
    std::unique_ptr<testing::FakeHttpClient> http_;
};

// ---- ParseProviders ----

json ProviderJson() {
    return {{"id", "acme"},
            {"provider", "generic"},
            {"client_id", "cid"},
            {"client_secret", "secret"},
            {"issuer_url", "https://idp.example.com"},
            {"mapper_url", "base64://e30="}};
}

TEST(ParseProvidersTest, ReadsEveryKeyAndDefaults) {
    json full = ProviderJson();
    full["label"] = "Acme SSO";
    full["auth_url"] = "https://idp.example.com/other-authorize";
    full["token_url"] = "https://idp.example.com/other-token";
    full["scope"] = {"email", "profile"};
    full["pkce"] = "force";
    full["requested_claims"] = json::object();  // Kratos keys Bia does not use are ignored
    auto parsed = ParseProviders(json::array({full, [] {
                                                  json p = ProviderJson();
                                                  p["id"] = "other_1-x";
                                                  return p;
                                              }()}));
    ASSERT_TRUE(parsed.ok()) << parsed.error().reason;
    ASSERT_EQ(parsed->size(), 2u);
    const auto& a = (*parsed)[0];
    EXPECT_EQ(a.id, "acme");
    EXPECT_EQ(a.provider, "generic");
    EXPECT_EQ(a.label, "Acme SSO");
    EXPECT_EQ(a.client_id, "cid");
    EXPECT_EQ(a.client_secret, "secret");
    EXPECT_EQ(a.issuer_url, "https://idp.example.com");
    EXPECT_EQ(a.auth_url, "https://idp.example.com/other-authorize");
    EXPECT_EQ(a.token_url, "https://idp.example.com/other-token");
    EXPECT_EQ(a.scope, (std::vector<std::string>{"email", "profile"}));
    EXPECT_EQ(a.mapper_url, "base64://e30=");
    EXPECT_EQ(a.pkce, "force");
    const auto& b = (*parsed)[1];
    EXPECT_EQ(b.label, "other_1-x");
    EXPECT_EQ(b.pkce, "auto");
    EXPECT_FALSE(b.auth_url.has_value());
    EXPECT_TRUE(b.scope.empty());
    EXPECT_TRUE(ParseProviders(json::array())->empty());
}

std::string ParseError(const json& providers) {
    auto parsed = ParseProviders(providers);
    EXPECT_FALSE(parsed.ok());
    if (parsed.ok()) return "";
    EXPECT_NE(parsed.error().code, 400);
    return parsed.error().reason;
}

TEST(ParseProvidersTest, ErrorsNameTheKey) {
    json p = ProviderJson();
    p.erase("client_id");
    EXPECT_EQ(ParseError(json::array({p})), "selfservice.methods.oidc.config.providers[0].client_id: required");

    EXPECT_THAT(ParseError(json::array({ProviderJson(), ProviderJson()})),
                HasSubstr("providers[1].id: \"acme\" is used twice"));

    p = ProviderJson();
    p["id"] = "bad/id";
    EXPECT_THAT(ParseError(json::array({p})), HasSubstr("providers[0].id: must be"));
    p["id"] = std::string(65, 'a');
    EXPECT_THAT(ParseError(json::array({p})), HasSubstr("providers[0].id: must be"));
    p["id"] = "";
    EXPECT_THAT(ParseError(json::array({p})), HasSubstr("providers[0].id: required"));

    p = ProviderJson();
    p["provider"] = "google";
    EXPECT_THAT(ParseError(json::array({p})), HasSubstr("providers[0].provider: \"google\" is not supported"));

    p = ProviderJson();
    p["pkce"] = "sometimes";
    EXPECT_THAT(ParseError(json::array({p})), HasSubstr("providers[0].pkce:"));

    p = ProviderJson();
    p["scope"] = "email";
    EXPECT_THAT(ParseError(json::array({p})), HasSubstr("providers[0].scope: must be an array"));

    p = ProviderJson();
    p["issuer_url"] = "ftp://idp.example.com";
    EXPECT_THAT(ParseError(json::array({p})), HasSubstr("providers[0].issuer_url:"));

    p = ProviderJson();
    p["id"] = "second";
    p.erase("mapper_url");
    EXPECT_THAT(ParseError(json::array({ProviderJson(), p})), HasSubstr("providers[1].mapper_url: required"));

    p = ProviderJson();
    p["client_id"] = 5;
    EXPECT_THAT(ParseError(json::array({p})), HasSubstr("providers[0].client_id: must be a string"));

    EXPECT_THAT(ParseError(json::array({"acme"})), HasSubstr("providers[0]: must be an object"));
}

TEST(ParseProvidersTest, ErrorsNeverShowTheSecret) {
    json p = ProviderJson();
    p["client_secret"] = "top-secret-value";
    p.erase("issuer_url");
    EXPECT_THAT(ParseError(json::array({p})), Not(HasSubstr("top-secret-value")));
}

// ---- PKCE ----

TEST(PkceTest, VerifierIsFresh43UrlSafeCharacters) {
    const std::string a = PkceVerifier();
    const std::string b = PkceVerifier();
    EXPECT_EQ(a.size(), 43u);
    EXPECT_NE(a, b);
    for (char c : a) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') << c;
}

TEST(PkceTest, ChallengeIsS256OfRfc7636) {
    // RFC 7636 Appendix B.
    EXPECT_EQ(PkceChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
              "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

TEST_F(ProviderTest, PkceAutoFollowsDiscovery) {
    auto with = Make({Answer(DiscoveryDoc(kIssuer, true))});
    EXPECT_TRUE(*with->UsesPkce());
    auto without = Make({Answer(DiscoveryDoc(kIssuer, false))});
    EXPECT_FALSE(*without->UsesPkce());
}

TEST_F(ProviderTest, PkceForceAndNeverNeedNoDiscovery) {
    auto config = Config();
    config.pkce = "force";
    auto forced = Make({Answer(DiscoveryDoc(kIssuer, false))}, config);
    EXPECT_TRUE(*forced->UsesPkce());
    EXPECT_TRUE(http_->requests.empty());
    config.pkce = "never";
    auto never = Make({Answer(DiscoveryDoc(kIssuer, true))}, config);
    EXPECT_FALSE(*never->UsesPkce());
    EXPECT_TRUE(http_->requests.empty());
}

// ---- discovery ----

TEST_F(ProviderTest, DiscoveryIsFetchedOnceAnHour) {
    auto config = Config(std::string(kIssuer) + "/");  // trailing slash in the config
    auto p = Make({Answer(DiscoveryDoc())}, config);
    ASSERT_TRUE(p->UsesPkce().ok());
    ASSERT_EQ(http_->requests.size(), 1u);
    EXPECT_EQ(http_->requests[0].method, "GET");
    EXPECT_EQ(http_->requests[0].url, "https://idp.example.com/.well-known/openid-configuration");
    ASSERT_TRUE(p->UsesPkce().ok());
    clock_.Advance(std::chrono::minutes(59));
    ASSERT_TRUE(p->AuthorizationUrl({}).ok());
    EXPECT_EQ(http_->requests.size(), 1u);
    clock_.Advance(std::chrono::minutes(2));
    ASSERT_TRUE(p->UsesPkce().ok());
    EXPECT_EQ(http_->requests.size(), 2u);
}

TEST_F(ProviderTest, DiscoveredIssuerMustBeTheConfiguredOne) {
    auto p = Make({Answer(DiscoveryDoc("https://evil.example.com"))});
    auto r = p->UsesPkce();
    ASSERT_FALSE(r.ok());
    EXPECT_THAT(r.error().reason, HasSubstr("issuer_url"));
    EXPECT_THAT(r.error().reason, HasSubstr("https://evil.example.com"));

    // A trailing slash on either side is no difference.
    auto slash = Make({Answer(DiscoveryDoc(std::string(kIssuer) + "/"))});
    EXPECT_TRUE(slash->UsesPkce().ok());
}

TEST_F(ProviderTest, HttpIssuerOnlyForLoopbackWhenAllowed) {
    for (std::string issuer : {"http://127.0.0.1:4444", "http://localhost:4444", "http://[::1]:4444"}) {
        auto refused = Make({Answer(DiscoveryDoc(issuer))}, Config(issuer), false);
        auto r = refused->UsesPkce();
        ASSERT_FALSE(r.ok()) << issuer;
        EXPECT_THAT(r.error().reason, HasSubstr("issuer_url: must be an https:// URL"));
        EXPECT_TRUE(http_->requests.empty());

        auto allowed = Make({Answer(DiscoveryDoc(issuer))}, Config(issuer), true);
        auto ok = allowed->UsesPkce();
        EXPECT_TRUE(ok.ok()) << issuer << ": " << (ok.ok() ? "" : ok.error().reason);
    }
    const std::string remote = "http://idp.example.com";
    auto p = Make({Answer(DiscoveryDoc(remote))}, Config(remote), true);
    EXPECT_FALSE(p->UsesPkce().ok());
    EXPECT_TRUE(http_->requests.empty());
}

TEST_F(ProviderTest, DiscoveredEndpointsMustBeHttps) {
    auto doc = DiscoveryDoc();
    doc["token_endpoint"] = "http://idp.example.com/token";
    auto p = Make({Answer(doc)});
    auto r = p->UsesPkce();
    ASSERT_FALSE(r.ok());
    EXPECT_THAT(r.error().reason, HasSubstr("token_endpoint"));
}

TEST_F(ProviderTest, DiscoveryFailuresAre502) {
    auto p = Make({Unreachable()});
    auto r = p->UsesPkce();
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, 502);

    auto broken = Make({Answer(500, "oops")});
    ASSERT_FALSE(broken->UsesPkce().ok());
    auto again = Make({Answer(200, "not json")});
    auto r2 = again->UsesPkce();
    ASSERT_FALSE(r2.ok());
    EXPECT_EQ(r2.error().code, 502);
    auto doc = DiscoveryDoc();
    doc.erase("jwks_uri");
    auto partial = Make({Answer(doc)});
    auto r3 = partial->UsesPkce();
    ASSERT_FALSE(r3.ok());
    EXPECT_THAT(r3.error().reason, HasSubstr("jwks_uri"));
}

// ---- authorization URL ----

TEST_F(ProviderTest, AuthorizationUrlCarriesTheRequest) {
    auto p = Make({Answer(DiscoveryDoc())});
    AuthorizationRequest request;
    request.redirect_uri = "https://bia.example.com/self-service/methods/oidc/callback/acme";
    request.state = "state-1";
    request.nonce = "nonce-1";
    request.code_challenge = "challenge-1";
    request.extra = {{"login_hint", "ada@example.com"}, {"prompt", "login"}, {"client_id", "evil"}};
    auto r = p->AuthorizationUrl(request);
    ASSERT_TRUE(r.ok()) << r.error().reason;
    auto url = core::Url::Parse(*r);
    ASSERT_TRUE(url);
    EXPECT_EQ(url->scheme, "https");
    EXPECT_EQ(url->host, "idp.example.com");
    EXPECT_EQ(url->path, "/authorize");
    const auto q = url->query();
    std::vector<std::pair<std::string, std::string>> expected = {
        {"response_type", "code"},
        {"client_id", kClientId},
        {"redirect_uri", request.redirect_uri},
        {"scope", "openid email profile"},
        {"state", "state-1"},
        {"nonce", "nonce-1"},
        {"code_challenge", "challenge-1"},
        {"code_challenge_method", "S256"},
        {"login_hint", "ada@example.com"},
        {"prompt", "login"},
    };
    EXPECT_EQ(q.items(), expected);
    EXPECT_THAT(*r, HasSubstr("redirect_uri=https%3A%2F%2Fbia.example.com%2Fself-service"));
    EXPECT_THAT(*r, HasSubstr("scope=openid+email+profile"));
    EXPECT_THAT(*r, Not(HasSubstr(kSecret)));
}

TEST_F(ProviderTest, AuthorizationUrlWithoutPkceAndWithAnOverride) {
    auto config = Config();
    config.auth_url = "https://login.example.com/oauth?tenant=t1";
    config.scope = {"openid", "email", "email"};
    auto p = Make({Answer(DiscoveryDoc())}, config);
    AuthorizationRequest request;
    request.redirect_uri = "https://bia.example.com/cb";
    request.state = "s";
    request.nonce = "n";
    auto r = p->AuthorizationUrl(request);
    ASSERT_TRUE(r.ok()) << r.error().reason;
    auto url = core::Url::Parse(*r);
    ASSERT_TRUE(url);
    EXPECT_EQ(url->host, "login.example.com");
    const auto q = url->query();
    EXPECT_EQ(q.Get("tenant"), "t1");
    EXPECT_EQ(q.Get("scope"), "openid email");
    EXPECT_FALSE(q.Has("code_challenge"));
    EXPECT_FALSE(q.Has("code_challenge_method"));
}

// ---- code exchange ----

json TokenAnswer() {
    return {{"access_token", "access-1"},
            {"token_type", "Bearer"},
            {"expires_in", 3600},
            {"id_token", "id.token.value"},
            {"refresh_token", "refresh-1"}};
}

TEST_F(ProviderTest, ExchangeCodePostsTheFormWithBasicAuth) {
    auto config = Config();
    config.client_id = "my client";
    config.client_secret = "s3cr:t+/";
    auto p = Make({Answer(DiscoveryDoc()), Answer(TokenAnswer())}, config);
    auto r = p->ExchangeCode("the-code", "the-verifier", "https://bia.example.com/cb?x=1");
    ASSERT_TRUE(r.ok()) << r.error().reason;
    EXPECT_EQ(r->id_token, "id.token.value");
    EXPECT_EQ(r->access_token, "access-1");
    EXPECT_EQ(r->refresh_token, "refresh-1");
    ASSERT_EQ(http_->requests.size(), 2u);
    const auto& req = http_->requests[1];
    EXPECT_EQ(req.method, "POST");
    EXPECT_EQ(req.url, "https://idp.example.com/token");
    EXPECT_EQ(req.max_redirects, 0);
    ASSERT_TRUE(req.body.has_value());
    EXPECT_EQ(*req.body,
              "grant_type=authorization_code&code=the-code&redirect_uri=https%3A%2F%2Fbia.example.com%2Fcb%3Fx%3D1"
              "&code_verifier=the-verifier");
    std::string authorization;
    std::string content_type;
    for (const auto& [k, v] : req.headers) {
        if (k == "Authorization") authorization = v;
        if (k == "Content-Type") content_type = v;
    }
    EXPECT_EQ(content_type, "application/x-www-form-urlencoded");
    EXPECT_EQ(authorization, "Basic " + core::Base64Encode("my+client:s3cr%3At%2B%2F"));
}

TEST_F(ProviderTest, ExchangeCodeWithoutVerifierOrRefreshToken) {
    auto config = Config();
    config.token_url = "https://other.example.com/token";
    auto answer = TokenAnswer();
    answer.erase("refresh_token");
    auto p = Make({Answer(DiscoveryDoc()), Answer(answer)}, config);
    auto r = p->ExchangeCode("c", "", "https://bia.example.com/cb");
    ASSERT_TRUE(r.ok()) << r.error().reason;
    EXPECT_EQ(r->refresh_token, "");
    EXPECT_EQ(http_->requests[1].url, "https://other.example.com/token");
    EXPECT_THAT(*http_->requests[1].body, Not(HasSubstr("code_verifier")));
}

TEST_F(ProviderTest, ProviderErrorAnswerIsA400NamingTheError) {
    auto p = Make({Answer(DiscoveryDoc()),
                   Answer(400, R"({"error":"invalid_grant","error_description":"The code has expired"})")});
    auto r = p->ExchangeCode("secret-code-xyz", "verifier-abc", "https://bia.example.com/cb");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, 400);
    EXPECT_THAT(r.error().reason, HasSubstr("invalid_grant"));
    EXPECT_THAT(r.error().reason, HasSubstr("The code has expired"));
    EXPECT_THAT(r.error().reason, HasSubstr("acme"));
    EXPECT_THAT(r.error().reason, Not(HasSubstr("secret-code-xyz")));
    EXPECT_THAT(r.error().reason, Not(HasSubstr("verifier-abc")));
    EXPECT_THAT(r.error().reason, Not(HasSubstr(kSecret)));
}

TEST_F(ProviderTest, RefusedClientCredentialsAreA400) {
    auto p = Make({Answer(DiscoveryDoc()), Answer(401, R"({"error":"invalid_client"})")});
    auto r = p->ExchangeCode("c", "", "https://bia.example.com/cb");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, 400);
    EXPECT_THAT(r.error().reason, HasSubstr("invalid_client"));
    EXPECT_THAT(r.error().reason, Not(HasSubstr(kSecret)));
}

TEST_F(ProviderTest, UnreachableOrBrokenTokenEndpointIsA502) {
    auto p = Make({Answer(DiscoveryDoc()), Unreachable()});
    auto r = p->ExchangeCode("c", "", "https://bia.example.com/cb");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, 502);
    EXPECT_THAT(r.error().reason, Not(HasSubstr(kSecret)));

    auto failing = Make({Answer(DiscoveryDoc()), Answer(503, "down")});
    auto r2 = failing->ExchangeCode("c", "", "https://bia.example.com/cb");
    ASSERT_FALSE(r2.ok());
    EXPECT_EQ(r2.error().code, 502);

    auto answer = TokenAnswer();
    answer.erase("id_token");
    auto no_id_token = Make({Answer(DiscoveryDoc()), Answer(answer)});
    auto r3 = no_id_token->ExchangeCode("c", "", "https://bia.example.com/cb");
    ASSERT_FALSE(r3.ok());
    EXPECT_EQ(r3.error().code, 502);
    EXPECT_THAT(r3.error().reason, HasSubstr("id_token"));
    EXPECT_THAT(r3.error().reason, Not(HasSubstr("access-1")));
}

// ---- ID token verification ----

TEST_F(ProviderTest, AcceptsGoodRs256AndEs256Tokens) {
    auto p = MakeVerifier();
    for (const TestKey* key : {&RsaKey(), &EcKey()}) {
        auto r = p->VerifyIdToken(key->Token(Claims()), kNonce);
        ASSERT_TRUE(r.ok()) << key->alg << ": " << r.error().reason;
        EXPECT_EQ((*r)["sub"], "user-42");
        EXPECT_EQ((*r)["email"], "ada@example.com");
    }
    ASSERT_EQ(http_->requests.size(), 2u);  // discovery and the JWKS, each once
    EXPECT_EQ(http_->requests[1].url, "https://idp.example.com/jwks");
}

TEST_F(ProviderTest, AcceptsAnAudienceListAndATokenWithoutKid) {
    auto p = MakeVerifier();
    auto claims = Claims();
    claims["aud"] = {"someone-else", kClientId};
    claims["azp"] = kClientId;
    // Without a kid every key of the token's type is tried.
    const TestKey& key = RsaKey();
    const std::string input =
        core::Base64UrlEncode(json({{"alg", "RS256"}}).dump()) + "." + core::Base64UrlEncode(claims.dump());
    auto r = p->VerifyIdToken(input + "." + core::Base64UrlEncode(key.Sign(input)), kNonce);
    EXPECT_TRUE(r.ok()) << r.error().reason;
}

void ExpectRefused(core::Result<json> r, const std::string& why) {
    ASSERT_FALSE(r.ok()) << "accepted; expected: " << why;
    EXPECT_EQ(r.error().code, 400);
    EXPECT_THAT(r.error().reason, HasSubstr(why));
}

TEST_F(ProviderTest, RefusesAWrongSignature) {
    auto p = MakeVerifier();
    for (const TestKey* key : {&RsaKey(), &EcKey()}) {
        std::string token = key->Token(Claims());
        // Another payload under the same signature.
        auto other = Claims();
        other["sub"] = "someone-else";
        const size_t dot1 = token.find('.');
        const size_t dot2 = token.find('.', dot1 + 1);
        std::string forged = token.substr(0, dot1 + 1) + core::Base64UrlEncode(other.dump()) + token.substr(dot2);
        ExpectRefused(p->VerifyIdToken(forged, kNonce), "invalid signature");
        // A signature by another key that claims the same kid.
        TestKey impostor = key->alg == "RS256" ? TestKey::Rsa(key->kid) : TestKey::Ec(key->kid);
        ExpectRefused(p->VerifyIdToken(impostor.Token(Claims()), kNonce), "invalid signature");
    }
    // An ES256 signature of the wrong length.
    std::string token = EcKey().Token(Claims());
    ExpectRefused(p->VerifyIdToken(token.substr(0, token.rfind('.') + 1) + core::Base64UrlEncode("short"), kNonce),
                  "invalid signature");
}

TEST_F(ProviderTest, IgnoresEncryptionKeysAndKeysForAnotherAlgorithm) {
    auto enc = RsaKey().Jwk();
    enc["use"] = "enc";
    auto other_alg = EcKey().Jwk();
    other_alg["alg"] = "ES384";
    auto p = Make({Answer(DiscoveryDoc()), Answer(json{{"keys", {enc, other_alg}}})});
    ExpectRefused(p->VerifyIdToken(RsaKey().Token(Claims()), kNonce), "key the provider does not publish");
    ExpectRefused(p->VerifyIdToken(EcKey().Token(Claims()), kNonce), "key the provider does not publish");
}

TEST_F(ProviderTest, UnknownKidRefetchesTheJwks) {
    TestKey rotated = TestKey::Rsa("rsa-2");
    auto p = Make({Answer(DiscoveryDoc()), Answer(Jwks({&RsaKey()})), Answer(Jwks({&RsaKey(), &rotated}))});
    ASSERT_TRUE(p->VerifyIdToken(RsaKey().Token(Claims()), kNonce).ok());
    ASSERT_EQ(http_->requests.size(), 2u);
    clock_.Advance(std::chrono::seconds(30));
    auto r = p->VerifyIdToken(rotated.Token(Claims()), kNonce);
    ASSERT_TRUE(r.ok()) << r.error().reason;
    ASSERT_EQ(http_->requests.size(), 3u);
    EXPECT_EQ(http_->requests[2].url, "https://idp.example.com/jwks");
    // Now known: no further fetch.
    ASSERT_TRUE(p->VerifyIdToken(rotated.Token(Claims()), kNonce).ok());
    EXPECT_EQ(http_->requests.size(), 3u);
}

TEST_F(ProviderTest, UnknownKidStillUnknownAfterRefetchIsRefusedAndRateLimited) {
    TestKey stranger = TestKey::Ec("nobody-knows-me");
    auto p = MakeVerifier();
    ExpectRefused(p->VerifyIdToken(stranger.Token(Claims()), kNonce), "key the provider does not publish");
    // Fetched once on first use; the refetch waits for the minimum interval.
    EXPECT_EQ(http_->requests.size(), 2u);
    clock_.Advance(std::chrono::seconds(11));
    ExpectRefused(p->VerifyIdToken(stranger.Token(Claims()), kNonce), "key the provider does not publish");
    EXPECT_EQ(http_->requests.size(), 3u);
    ExpectRefused(p->VerifyIdToken(stranger.Token(Claims()), kNonce), "key the provider does not publish");
    EXPECT_EQ(http_->requests.size(), 3u);
}

TEST_F(ProviderTest, RefusesExpiredAndNotYetValidTokens) {
    auto p = MakeVerifier();
    const int64_t now = Seconds(clock_.Now());
    auto claims = Claims();
    claims["exp"] = now - 61;
    ExpectRefused(p->VerifyIdToken(RsaKey().Token(claims), kNonce), "expired");
    claims["exp"] = now - 30;  // within the leeway
    EXPECT_TRUE(p->VerifyIdToken(RsaKey().Token(claims), kNonce).ok());
    claims.erase("exp");
    ExpectRefused(p->VerifyIdToken(RsaKey().Token(claims), kNonce), "no expiry");
    claims = Claims();
    claims["nbf"] = now + 120;
    ExpectRefused(p->VerifyIdToken(RsaKey().Token(claims), kNonce), "not valid yet");
    claims["nbf"] = now + 30;
    EXPECT_TRUE(p->VerifyIdToken(RsaKey().Token(claims), kNonce).ok());
    claims = Claims();
    claims["iat"] = now + 120;
    ExpectRefused(p->VerifyIdToken(RsaKey().Token(claims), kNonce), "issued in the future");
}

TEST_F(ProviderTest, RefusesWrongAudienceIssuerAzpAndSubject) {
    auto p = MakeVerifier();
    auto claims = Claims();
    claims["aud"] = "another-client";
    ExpectRefused(p->VerifyIdToken(EcKey().Token(claims), kNonce), "(aud)");
    claims["aud"] = {"another-client", "third"};
    ExpectRefused(p->VerifyIdToken(EcKey().Token(claims), kNonce), "(aud)");
    claims = Claims();
    claims["iss"] = "https://evil.example.com";
    ExpectRefused(p->VerifyIdToken(EcKey().Token(claims), kNonce), "(iss)");
    claims = Claims();
    claims["azp"] = "another-client";
    ExpectRefused(p->VerifyIdToken(EcKey().Token(claims), kNonce), "(azp)");
    claims = Claims();
    claims.erase("sub");
    ExpectRefused(p->VerifyIdToken(EcKey().Token(claims), kNonce), "(sub)");
}

TEST_F(ProviderTest, RefusesAWrongOrMissingNonce) {
    auto p = MakeVerifier();
    ExpectRefused(p->VerifyIdToken(RsaKey().Token(Claims()), "another-nonce"), "nonce");
    auto claims = Claims();
    claims.erase("nonce");
    ExpectRefused(p->VerifyIdToken(RsaKey().Token(claims), kNonce), "nonce");
    ExpectRefused(p->VerifyIdToken(RsaKey().Token(Claims()), ""), "nonce");
}

TEST_F(ProviderTest, RefusesAlgNoneAndHmac) {
    auto p = MakeVerifier();
    const std::string claims = core::Base64UrlEncode(Claims().dump());
    const std::string none = core::Base64UrlEncode(R"({"alg":"none","kid":"rsa-1"})") + "." + claims + ".";
    ExpectRefused(p->VerifyIdToken(none, kNonce), "refused algorithm (none)");
    // HS256 keyed with the client secret (what a naive verifier might accept).
    const std::string input = core::Base64UrlEncode(R"({"alg":"HS256","kid":"rsa-1"})") + "." + claims;
    const std::string hs256 = input + "." + core::Base64UrlEncode(core::HmacSha256(kSecret, input));
    ExpectRefused(p->VerifyIdToken(hs256, kNonce), "refused algorithm (HS256)");
    // An RSA key may not verify a token claiming ES256 (and the reverse).
    ExpectRefused(p->VerifyIdToken(RsaKey().Token(Claims(), {{"alg", "ES256"}}), kNonce),
                  "key the provider does not publish");
    ExpectRefused(p->VerifyIdToken(RsaKey().Token(Claims(), {{"alg", "PS256"}}), kNonce), "unsupported algorithm");
}

TEST_F(ProviderTest, RefusesMalformedTokensWithoutEchoingThem) {
    auto p = MakeVerifier();
    const std::vector<std::string> tokens = {"", "abc", "a.b", "a.b.c.d", "!!.??.**", RsaKey().Token(Claims()) + "x"};
    for (const auto& token : tokens) {
        auto r = p->VerifyIdToken(token, kNonce);
        ASSERT_FALSE(r.ok()) << token;
        EXPECT_EQ(r.error().code, 400);
        if (token.size() > 3) {
            EXPECT_THAT(r.error().reason, Not(HasSubstr(token)));
        }
    }
    ExpectRefused(p->VerifyIdToken(std::string(70000, 'a'), kNonce), "too large");
}

TEST_F(ProviderTest, JwksUnreachableIsA502) {
    auto p = Make({Answer(DiscoveryDoc()), Unreachable()});
    auto r = p->VerifyIdToken(RsaKey().Token(Claims()), kNonce);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, 502);
}

// ---- claims mapper ----

constexpr const char* kMapper = R"(
local claims = std.extVar('claims');
{
  identity: {
    traits: { email: claims.email, [if 'name' in claims then 'name']: claims.name },
    metadata_public: { sub: claims.sub },
  },
})";

TEST(ClaimsMapperTest, MapsClaimsIntoTraits) {
    ClaimsMapper mapper(kMapper);
    auto r = mapper.Map({{"sub", "user-42"}, {"email", "ada@example.com"}});
    ASSERT_TRUE(r.ok()) << r.error().reason;
    EXPECT_EQ(*r, json::parse(R"({"traits":{"email":"ada@example.com"},"metadata_public":{"sub":"user-42"}})"));
}

TEST(ClaimsMapperTest, FailingMapperIsA400) {
    ClaimsMapper failing("error 'no email in the claims'");
    auto r = failing.Map(json::object());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, 400);
    EXPECT_THAT(r.error().reason, HasSubstr("no email in the claims"));

    ClaimsMapper missing_field(kMapper);
    auto r2 = missing_field.Map(json::object());  // claims.email does not exist
    ASSERT_FALSE(r2.ok());
    EXPECT_EQ(r2.error().code, 400);

    ClaimsMapper importing("import 'other.jsonnet'");
    EXPECT_EQ(importing.Map(json::object()).error().code, 400);
}

TEST(ClaimsMapperTest, OutputMustBeAnIdentityObject) {
    for (const char* source : {"1", "[]", "{}", "{identity: 'x'}", "{identity: {}}", "{identity: {traits: []}}"}) {
        auto r = ClaimsMapper(source).Map(json::object());
        ASSERT_FALSE(r.ok()) << source;
        EXPECT_EQ(r.error().code, 400) << source;
    }
}

TEST(ClaimsMapperTest, LoadsFromBase64) {
    testing::FakeHttpClient http;
    auto mapper = ClaimsMapper::Load("base64://" + core::Base64Encode(kMapper), http);
    ASSERT_TRUE(mapper.ok()) << mapper.error().reason;
    auto r = mapper->Map({{"email", "a@b.c"}, {"sub", "s"}});
    ASSERT_TRUE(r.ok()) << r.error().reason;
    EXPECT_EQ((*r)["traits"]["email"], "a@b.c");
    EXPECT_TRUE(http.requests.empty());
    EXPECT_FALSE(ClaimsMapper::Load("base64://!!!", http).ok());
}

TEST(ClaimsMapperTest, LoadsFromFile) {
    const auto path =
        std::filesystem::temp_directory_path() / ("bia-oidc-mapper-" + std::to_string(getpid()) + ".jsonnet");
    {
        std::ofstream out(path);
        out << kMapper;
    }
    testing::FakeHttpClient http;
    auto mapper = ClaimsMapper::Load("file://" + path.string(), http);
    std::filesystem::remove(path);
    ASSERT_TRUE(mapper.ok()) << mapper.error().reason;
    auto r = mapper->Map({{"email", "a@b.c"}, {"sub", "s"}});
    ASSERT_TRUE(r.ok()) << r.error().reason;
    EXPECT_EQ((*r)["traits"]["email"], "a@b.c");
    auto missing = ClaimsMapper::Load("file://" + path.string(), http);
    ASSERT_FALSE(missing.ok());
    EXPECT_THAT(missing.error().reason, HasSubstr(path.string()));
}

TEST(ClaimsMapperTest, LoadsFromHttpsAndChecksSyntax) {
    testing::FakeHttpClient http({Answer(200, kMapper)});
    auto mapper = ClaimsMapper::Load("https://config.example.com/mapper.jsonnet", http);
    ASSERT_TRUE(mapper.ok()) << mapper.error().reason;
    ASSERT_EQ(http.requests.size(), 1u);
    EXPECT_EQ(http.requests[0].url, "https://config.example.com/mapper.jsonnet");

    testing::FakeHttpClient not_found({Answer(404, "")});
    EXPECT_FALSE(ClaimsMapper::Load("https://config.example.com/mapper.jsonnet", not_found).ok());

    auto broken = ClaimsMapper::Load("base64://" + core::Base64Encode("{ identity: "), http);
    ASSERT_FALSE(broken.ok());
    EXPECT_THAT(broken.error().reason, HasSubstr("not valid Jsonnet"));

    EXPECT_FALSE(ClaimsMapper::Load("ftp://example.com/m.jsonnet", http).ok());
    EXPECT_FALSE(ClaimsMapper::Load("base64://" + core::Base64Encode(std::string(70000, ' ') + "{}"), http).ok());
}

TEST(ClaimsMapperTest, FailuresNameTheMapper) {
    testing::FakeHttpClient http;
    auto mapper = ClaimsMapper::Load("base64://" + core::Base64Encode("error 'boom'"), http);
    ASSERT_TRUE(mapper.ok()) << mapper.error().reason;  // a runtime error is found only when mapping
    auto r = mapper->Map(json::object());
    ASSERT_FALSE(r.ok());
    EXPECT_THAT(r.error().reason, HasSubstr("the claims mapper base64://"));
    EXPECT_THAT(r.error().reason, HasSubstr("boom"));
}

}  // namespace
}  // namespace bia::strategy::oidc
