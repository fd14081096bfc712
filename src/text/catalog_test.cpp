// Message catalogues of the built-in UI: parsing, placeholders, fallbacks, Accept-Language.
#include "text/catalog.hpp"

#include <gtest/gtest.h>

namespace bia::text {
namespace {

using nlohmann::json;

Catalog De() {
    auto c = Catalog::Parse(R"J({"language":"DE","messages":{"1070001":"Passwort",
      "4000032":"mindestens {min_length} Zeichen, nicht {actual_length} ({unknown})"},
      "phrases":{"page.login":"Anmelden"}})J");
    EXPECT_TRUE(c.ok());
    return std::move(c).value();
}

TEST(Catalog, FillsPlaceholdersFromTheContextAndFallsBackToEnglish) {
    const Catalog de = De();
    EXPECT_EQ(de.language(), "de");
    EXPECT_EQ(de.Message(1070001, json::object(), "Password"), "Passwort");
    EXPECT_EQ(de.Message(4000032, json{{"min_length", 8}, {"actual_length", 3}}, "x"),
              "mindestens 8 Zeichen, nicht 3 ({unknown})")
        << "a placeholder without a context value stays as written";
    EXPECT_EQ(de.Message(1070003, json::object(), "Save"), "Save");
    EXPECT_EQ(de.Phrase("page.login", "Sign in"), "Anmelden");
    EXPECT_EQ(de.Phrase("page.settings", "Account settings"), "Account settings");
}

TEST(Catalog, RefusesWhatIsNotACatalogue) {
    EXPECT_FALSE(Catalog::Parse("[]").ok());
    EXPECT_FALSE(Catalog::Parse("{").ok());
    EXPECT_FALSE(Catalog::Parse(R"({"messages":{}})").ok()) << "no language";
    EXPECT_FALSE(Catalog::Parse(R"({"language":"de","messages":{"abc":"x"}})").ok());
    EXPECT_FALSE(Catalog::Parse(R"({"language":"de","messages":{"1":7}})").ok());
    EXPECT_FALSE(Catalog::Parse(R"({"language":"de","phrases":[]})").ok());
}

TEST(Catalog, AcceptLanguagePicksByQualityWithEnglishBuiltIn) {
    const std::vector<Catalog> catalogs{De()};
    EXPECT_EQ(PickCatalog("de-CH,de;q=0.9,en;q=0.8", catalogs), &catalogs[0]);
    EXPECT_EQ(PickCatalog("en-US,en;q=0.9,de;q=0.8", catalogs), nullptr);
    EXPECT_EQ(PickCatalog("fr, de;q=0.5", catalogs), &catalogs[0]);
    EXPECT_EQ(PickCatalog("fr", catalogs), nullptr);
    EXPECT_EQ(PickCatalog("", catalogs), nullptr);
    EXPECT_EQ(PickCatalog("de", {}), nullptr);
    EXPECT_EQ(PickCatalog(",,;q=,de;q=abc", catalogs), nullptr) << "q=abc is 0: not acceptable";
}

}  // namespace
}  // namespace bia::text
