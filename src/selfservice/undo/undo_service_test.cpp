// The change notice and its undo link (a Bia addition) over in-memory stores.
#include "selfservice/undo/undo_service.hpp"

#include <gtest/gtest.h>

#include "testing/method_flow_world.hpp"
#include "testing/recording_mailer.hpp"

namespace bia::selfservice::undo {
namespace {

using nlohmann::json;

constexpr const char* kSchema = R"({"$schema":"http://json-schema.org/draft-07/schema#","type":"object",
  "properties":{"traits":{"type":"object","properties":{"email":{"type":"string","format":"email",
  "ory.sh/kratos":{"credentials":{"password":{"identifier":true}},"verification":{"via":"email"},
  "recovery":{"via":"email"}}}}}}})";

class NoHashing final : public identity::PasswordHashing {
  public:
    core::Result<std::string> Hash(std::string_view p) override { return "hash:" + std::string(p); }
    core::Status CheckImportedHash(std::string_view) override { return {}; }
};

struct UndoWorld : testing::MethodFlowWorld {
    UndoWorld() : MethodFlowWorld(kSchema, 23) {
        cfg.secrets.default_secrets = {"a-system-secret-of-some-length"};
        identity::Identity& stored = identity_repo.rows.at(who.id);
        EXPECT_TRUE(identities.RecomputeFromTraits(stored));
        stored.credentials["password"].type = "password";
        stored.credentials["password"].config = {{"hashed_password", "old-hash"}};
        who = stored;
    }
    // The stored identity changed as `change` says, as a settings submission stores it.
    identity::Identity Changed(const std::function<void(identity::Identity&)>& change) {
        identity::Identity after = identity_repo.rows.at(who.id);
        change(after);
        EXPECT_TRUE(identities.RecomputeFromTraits(after));
        EXPECT_TRUE(identity_repo.Update(after));
        return identity_repo.rows.at(who.id);
    }
    std::string TokenOfLast() const {
        const std::string url = mailer.sent.back().model["UndoURL"];
        return url.substr(url.find("token=") + 6);
    }

    NoHashing hashing;
    identity::IdentityService identities{identity_repo, *schemas, hashing, clock, random};
    testing::MemoryOneTimeSecrets secrets;
    testing::RecordingMailer mailer;
    UndoService undo{cfg, identities, session_repo, secrets, mailer, clock, random};
};

TEST(Undo, AnAddressChangeIsToldToTheOldAddressAndUndoneOnce) {
    UndoWorld w;
    const identity::Identity before = w.who;
    const auto after = w.Changed([](identity::Identity& i) { i.traits["email"] = "new@example.com"; });
    ASSERT_TRUE(w.undo.Notify(before, after, "profile"));
    ASSERT_EQ(w.mailer.sent.size(), 1u);
    EXPECT_EQ(w.mailer.sent[0].type, courier::Template::kChangeNotice);
    EXPECT_EQ(w.mailer.sent[0].recipient, "alice@example.com");
    EXPECT_EQ(w.mailer.sent[0].model["NewAddress"], "new@example.com");
    const std::string token = w.TokenOfLast();
    EXPECT_EQ(w.secrets.rows.at(0).digest.find(token), std::string::npos);  // only an HMAC is kept

    auto preview = w.undo.Preview(token);
    ASSERT_TRUE(preview);
    EXPECT_EQ((*preview)["change"], "address");
    EXPECT_EQ(w.identity_repo.rows.at(w.who.id).traits["email"], "new@example.com");  // looking changes nothing

    auto done = w.undo.Apply(token);
    ASSERT_TRUE(done) << done.error().reason;
    const auto& restored = w.identity_repo.rows.at(w.who.id);
    EXPECT_EQ(restored.traits["email"], "alice@example.com");
    ASSERT_EQ(restored.verifiable_addresses.size(), 1u);
    EXPECT_TRUE(restored.verifiable_addresses[0].verified);
    EXPECT_EQ(restored.credentials.at("password").identifiers, std::vector<std::string>{"alice@example.com"});
    EXPECT_FALSE(w.sessions.ResolveToken(w.token));  // everyone signed out
    EXPECT_EQ(w.undo.Apply(token).error().code, 400);
    EXPECT_EQ(w.undo.Preview(token).error().code, 400);
}

TEST(Undo, APasswordChangeIsToldAndTheNewPasswordRemoved) {
    UndoWorld w;
    const identity::Identity before = w.who;
    const auto after =
        w.Changed([](identity::Identity& i) { i.credentials["password"].config["hashed_password"] = "new-hash"; });
    ASSERT_TRUE(w.undo.Notify(before, after, "password"));
    ASSERT_EQ(w.mailer.sent.size(), 1u);
    EXPECT_EQ(w.mailer.sent[0].model["Change"], "password");
    ASSERT_TRUE(w.undo.Apply(w.TokenOfLast()));
    EXPECT_EQ(w.identity_repo.rows.at(w.who.id).FindCredential("password"), nullptr);
}

TEST(Undo, NothingIsSentWhenNoAddressOrPasswordChanged) {
    UndoWorld w;
    const identity::Identity before = w.who;
    const auto same = w.Changed([](identity::Identity&) {});
    EXPECT_TRUE(w.undo.Notify(before, same, "profile"));
    EXPECT_TRUE(w.undo.Notify(before, same, "password"));
    EXPECT_TRUE(w.mailer.sent.empty());
}

TEST(Undo, LinksExpireAfterSevenDaysAndBadTokensAreRefused) {
    UndoWorld w;
    const identity::Identity before = w.who;
    const auto after = w.Changed([](identity::Identity& i) { i.traits["email"] = "new@example.com"; });
    ASSERT_TRUE(w.undo.Notify(before, after, "profile"));
    w.clock.Advance(kUndoLifespan + std::chrono::seconds(1));
    EXPECT_EQ(w.undo.Apply(w.TokenOfLast()).error().code, 400);
    EXPECT_EQ(w.undo.Apply("").error().code, 400);
    EXPECT_EQ(w.undo.Apply(std::string(300, 'a')).error().code, 400);
    EXPECT_EQ(w.identity_repo.rows.at(w.who.id).traits["email"], "new@example.com");
}

}  // namespace
}  // namespace bia::selfservice::undo
