#include "schema/identifier.hpp"

#include <gtest/gtest.h>

namespace bia::schema {
namespace {

TEST(NormalizeCredentialIdentifier, LowerCasesAndTrimsPasswordWebauthnAndCodeIdentifiers) {
    for (const char* type : {"password", "webauthn", "code"}) {
        EXPECT_EQ(NormalizeCredentialIdentifier(type, "Alice@Example.COM"), "alice@example.com") << type;
        // Unicode, not ASCII only: É, Δ, Ж, fullwidth Ａ.
        EXPECT_EQ(NormalizeCredentialIdentifier(type, "\u00c9mile\u0394\u0416\uff21@x.fr"),
                  "\u00e9mile\u03b4\u0436\uff41@x.fr")
            << type;
        // strings.TrimSpace: ASCII and Unicode white space at both ends, none inside.
        EXPECT_EQ(NormalizeCredentialIdentifier(type, " \t\u00a0Bob Smith\u3000\n"), "bob smith") << type;
    }
}

TEST(NormalizeCredentialIdentifier, OtherTypesAreCaseSensitiveAndKeptAsGiven) {
    for (const char* type : {"oidc", "totp", "lookup_secret", ""})
        EXPECT_EQ(NormalizeCredentialIdentifier(type, " GitHub:ABC "), " GitHub:ABC ") << type;
}

TEST(NormalizeCredentialIdentifier, InvalidUtf8BecomesReplacementCharacters) {
    EXPECT_EQ(NormalizeCredentialIdentifier("password", "A\xff"), "a\uFFFD");
}

TEST(NormalizeEmailAddress, AsAddressesAreStoredAndLookedUp) {
    // Unicode lower-casing and white space, as the addresses derived from traits.
    EXPECT_EQ(NormalizeEmailAddress("\u00a0 \u00c4nne@Example.COM\t"), "\u00e4nne@example.com");
    EXPECT_EQ(NormalizeEmailAddress("plain@example.com"), "plain@example.com");
}

}  // namespace
}  // namespace bia::schema
