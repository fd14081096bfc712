// Which profile changes need a privileged session (settings-flow.md §8.1 step 5, §10.2).
#include "strategy/profile/profile_settings.hpp"

#include <gtest/gtest.h>

namespace bia::strategy::profile {
namespace {

identity::Identity Person() {
    identity::Identity i;
    identity::Credential pw;
    pw.type = "password";
    pw.identifiers = {"a@example.com"};
    i.credentials.emplace("password", pw);
    identity::VerifiableAddress a;
    a.value = "a@example.com";
    i.verifiable_addresses.push_back(a);
    i.traits = {{"email", "a@example.com"}, {"name", "A"}};
    return i;
}

TEST(ProfileSettings, TraitOnlyChangeIsNotProtected) {
    identity::Identity before = Person(), after = Person();
    after.traits["name"] = "B";
    EXPECT_FALSE(IsProtectedChange(before, after));
}

TEST(ProfileSettings, IdentifierOrAddressChangeIsProtected) {
    identity::Identity before = Person();
    identity::Identity ident = Person();
    ident.credentials.at("password").identifiers = {"b@example.com"};
    EXPECT_TRUE(IsProtectedChange(before, ident));
    identity::Identity addr = Person();
    addr.verifiable_addresses[0].value = "b@example.com";
    EXPECT_TRUE(IsProtectedChange(before, addr));
    identity::Identity fewer = Person();
    fewer.verifiable_addresses.clear();
    EXPECT_TRUE(IsProtectedChange(before, fewer));
}

TEST(ProfileSettings, VerificationStateOfAnUnchangedAddressIsNotAChange) {
    identity::Identity before = Person(), after = Person();
    after.verifiable_addresses[0].verified = true;
    after.verifiable_addresses[0].status = "completed";
    EXPECT_FALSE(IsProtectedChange(before, after));
}

}  // namespace
}  // namespace bia::strategy::profile
