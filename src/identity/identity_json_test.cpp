#include <gtest/gtest.h>

#include "core/json_text.hpp"
#include "identity/identity_json.hpp"

namespace bia::identity {
namespace {

using nlohmann::json;

Identity Full() {
    Identity i;
    i.id = *core::Uuid::Parse("6f5c9d4e-1111-4222-8333-444455556666");
    i.schema_id = "customer/v2";
    i.state_changed_at = core::TimePoint(std::chrono::seconds(1700000100));
    i.traits = {
        {"email", "zoë@example.com"}, {"name", {{"first", "A \"quoted\" \\ name"}, {"last", "\xff"}}}, {"n", 3}};
    i.metadata_public = {{"plan", "pro"}};
    i.metadata_admin = {{"secret", "never public"}};
    VerifiableAddress v;
    v.id = *core::Uuid::Parse("6f5c9d4e-2222-4222-8333-444455556666");
    v.value = "zoë@example.com";
    v.verified = true;
    v.status = "completed";
    v.verified_at = core::TimePoint(std::chrono::seconds(1700000200));
    i.verifiable_addresses = {v, v};
    i.verifiable_addresses[1].verified_at.reset();
    RecoveryAddress r;
    r.id = *core::Uuid::Parse("6f5c9d4e-3333-4222-8333-444455556666");
    r.value = "zoë@example.com";
    i.recovery_addresses = {r};
    Credential c;
    c.type = "password";
    c.config = {{"hashed_password", "$2a$never"}};
    i.credentials.emplace("password", c);
    i.created_at = core::TimePoint(std::chrono::seconds(1700000000));
    i.updated_at = core::TimePoint(std::chrono::seconds(1700000300));
    return i;
}

std::string Text(const Identity& i, core::JsonUtf8Errors errors = core::kAnswerUtf8Errors) {
    std::string out;
    AppendPublicJson(out, i, "https://auth.example.com/", errors);
    return out;
}

TEST(IdentityJson, PublicTextIsThePublicDomsDumpByteForByte) {
    const Identity full = Full();
    Identity bare;  // no addresses, no state change, null metadata, empty traits
    bare.schema_id = "default";
    for (const Identity& i : {full, bare}) {
        const json dom = ToJson(i, "https://auth.example.com/");
        EXPECT_EQ(Text(i), core::DumpJsonText(dom, core::kAnswerUtf8Errors));
    }
    const std::string text = Text(full);
    EXPECT_EQ(text.find("never"), std::string::npos) << "no credentials, no admin metadata";
    EXPECT_THROW(Text(full, core::JsonUtf8Errors::strict), json::type_error) << "strict stays strict";
}

}  // namespace
}  // namespace bia::identity
