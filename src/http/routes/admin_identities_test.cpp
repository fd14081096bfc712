// GET /admin/identities/{id} and `include_credential`: credential configs are hidden unless
// asked for; `include_credential=oidc` shows the oidc providers with their initial tokens
// decrypted by the configured token cipher (a token that does not open is shown as "").
#include "http/routes/admin_identities.hpp"

#include <gtest/gtest.h>

#include "core/clock.hpp"
#include "core/encoding.hpp"
#include "core/random.hpp"
#include "testing/memory_stores.hpp"

namespace bia::http::routes {
namespace {

using nlohmann::json;

const std::string kKey = "0123456789abcdef0123456789abcdef";
const std::string kOtherKey = "another-thirty-two-byte-long-key";

class NoHashing final : public identity::PasswordHashing {
  public:
    core::Result<std::string> Hash(std::string_view) override { return core::Internal("not in this test"); }
    core::Status CheckImportedHash(std::string_view) override { return {}; }
};

struct AdminWorld {
    explicit AdminWorld(std::string_view algorithm) {
        cipher = crypto::MakeTokenCipher(algorithm, {kKey}).value();
        schemas =
            schema::SchemaRegistry::Load(
                {{"default", "base64://" + core::Base64Encode(R"({"type":"object","properties":{}})")}}, "default")
                .value();
        identities = std::make_unique<identity::IdentityService>(identity_repo, *schemas, hashing, clock, random);
        AdminIdentityOptions options{"http://127.0.0.1:4433/", "http://127.0.0.1:4434/", {"password", "oidc"}};
        options.token_cipher = cipher.get();
        routes = std::make_unique<AdminIdentityRoutes>(*identities, sessions, std::move(options));
        routes->Register(admin);
    }

    std::string Seal(std::string_view plaintext) { return cipher->Encrypt(plaintext).value(); }

    core::Uuid AddIdentity(json oidc_config) {
        identity::Identity i;
        i.id = core::Uuid::V4(random);
        i.schema_id = "default";
        i.traits = json::object();
        i.created_at = i.updated_at = clock.Now();
        identity::Credential password;
        password.type = "password";
        password.identifiers = {"alice@example.com"};
        password.config = {{"hashed_password", "$2a$12$abc"}};
        identity::Credential oidc;
        oidc.type = "oidc";
        oidc.identifiers = {"google:1234"};
        oidc.config = std::move(oidc_config);
        i.credentials["password"] = password;
        i.credentials["oidc"] = oidc;
        EXPECT_TRUE(identity_repo.Create(i));
        return i.id;
    }

    Response Get(const core::Uuid& id, const std::string& query = "") {
        Request r;
        r.method = "GET";
        r.path = "/admin/identities/" + id.ToString();
        r.target = r.path + (query.empty() ? "" : "?" + query);
        r.raw_query = query;
        r.query = core::Query::Parse(query);
        auto m = admin.Find(r);
        if (m.kind != Router::MatchKind::kFound) return Response::Json(599, "unmatched");
        return m.route->handler(r);
    }

    core::FakeClock clock;
    core::SeededRandom random{7};
    std::unique_ptr<crypto::TokenCipher> cipher;
    std::unique_ptr<schema::SchemaRegistry> schemas;
    testing::MemoryIdentities identity_repo;
    NoHashing hashing;
    std::unique_ptr<identity::IdentityService> identities;
    testing::MemorySessions session_repo;
    session::SessionService sessions{session_repo, clock, random, session::SessionOptions{}};
    std::unique_ptr<AdminIdentityRoutes> routes;
    Router admin;
};

json Body(const Response& r) { return json::parse(r.body); }

json GoogleProvider(AdminWorld& w) {
    return {{"subject", "1234"},
            {"provider", "google"},
            {"initial_id_token", w.Seal("id-token-jwt")},
            {"initial_access_token", w.Seal("ya29.access")},
            {"initial_refresh_token", w.Seal("1//refresh")}};
}

class AdminIdentitiesOidc : public ::testing::TestWithParam<const char*> {};

TEST_P(AdminIdentitiesOidc, IncludeCredentialOidcShowsTheTokensDecrypted) {
    AdminWorld w(GetParam());
    const json stored = {{"providers", json::array({GoogleProvider(w)})}};
    if (std::string(GetParam()) != "noop") {
        ASSERT_NE(stored["providers"][0]["initial_access_token"], "ya29.access");  // stored encrypted
    }
    const auto id = w.AddIdentity(stored);
    auto r = w.Get(id, "include_credential=oidc");
    ASSERT_EQ(r.status, 200) << r.body;
    const json creds = Body(r)["credentials"];
    EXPECT_EQ(creds["oidc"]["config"], json::parse(R"({"providers":[{"subject":"1234","provider":"google",
        "initial_id_token":"id-token-jwt","initial_access_token":"ya29.access","initial_refresh_token":"1//refresh"}]})"));
    EXPECT_EQ(creds["oidc"]["identifiers"], json::array({"google:1234"}));
    EXPECT_FALSE(creds["password"].contains("config"));  // only the asked-for type shows its config
}

INSTANTIATE_TEST_SUITE_P(Ciphers, AdminIdentitiesOidc, ::testing::Values("aes", "xchacha20-poly1305", "noop"),
                         [](const auto& info) {
                             const std::string name = info.param;
                             return name == "aes" ? std::string("Aes") : name == "noop" ? "Noop" : "XChaCha";
                         });

TEST(AdminIdentities, WithoutIncludeCredentialNoConfigIsShown) {
    AdminWorld w("aes");
    const auto id = w.AddIdentity({{"providers", json::array({GoogleProvider(w)})}});
    auto r = w.Get(id);
    ASSERT_EQ(r.status, 200) << r.body;
    const json creds = Body(r)["credentials"];
    EXPECT_FALSE(creds["oidc"].contains("config"));
    EXPECT_FALSE(creds["password"].contains("config"));
    EXPECT_EQ(r.body.find("ya29.access"), std::string::npos);
    EXPECT_EQ(r.body.find("initial_"), std::string::npos);
}

TEST(AdminIdentities, OtherCredentialTypesKeepTheirStoredConfig) {
    AdminWorld w("aes");
    const auto id = w.AddIdentity({{"providers", json::array({GoogleProvider(w)})}});
    auto r = w.Get(id, "include_credential=password");
    ASSERT_EQ(r.status, 200) << r.body;
    const json creds = Body(r)["credentials"];
    EXPECT_EQ(creds["password"]["config"], json::parse(R"({"hashed_password":"$2a$12$abc"})"));
    EXPECT_FALSE(creds["oidc"].contains("config"));
}

TEST(AdminIdentities, ATokenThatDoesNotOpenIsShownEmptyAndTheRequestSucceeds) {
    AdminWorld w("aes");
    auto foreign = crypto::MakeTokenCipher("aes", {kOtherKey}).value();
    json provider = GoogleProvider(w);
    provider["initial_access_token"] = foreign->Encrypt("ya29.foreign").value();  // a retired key
    provider["initial_refresh_token"] = "not hex";                                // damaged
    provider.erase("initial_id_token");                                           // absent
    provider["organization"] = "org-1";
    provider["use_auto_link"] = true;
    provider["something_else"] = "not shown";
    json second = {{"subject", "99"}, {"provider", "github"}, {"initial_access_token", w.Seal("gho_token")}};
    const auto id = w.AddIdentity({{"providers", json::array({provider, second})}});
    auto r = w.Get(id, "include_credential=oidc");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(Body(r)["credentials"]["oidc"]["config"], json::parse(R"({"providers":[
        {"subject":"1234","provider":"google","organization":"org-1","use_auto_link":true,
         "initial_id_token":"","initial_access_token":"","initial_refresh_token":""},
        {"subject":"99","provider":"github",
         "initial_id_token":"","initial_access_token":"gho_token","initial_refresh_token":""}]})"));
}

TEST(AdminIdentities, UnknownIncludeCredentialIsA400) {
    AdminWorld w("aes");
    const auto id = w.AddIdentity({{"providers", json::array()}});
    auto r = w.Get(id, "include_credential=saml");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(Body(r)["error"]["reason"], "Invalid value `saml` for parameter `include_credential`.");
}

}  // namespace
}  // namespace bia::http::routes
