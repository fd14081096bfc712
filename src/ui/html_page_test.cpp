// The built-in UI's page renderer: one form per method group with the shared fields, labels
// bound to inputs, messages shown, and every value escaped.
#include "ui/html_page.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace bia::ui {
namespace {

using nlohmann::json;

size_t Count(const std::string& haystack, std::string_view needle) {
    size_t n = 0;
    for (size_t at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1)) ++n;
    return n;
}

const json kFlow = json::parse(R"JSON({
  "id":"f1","state":"show_form",
  "ui":{"action":"https://auth.example.com/self-service/settings?flow=f1","method":"POST",
    "messages":[{"id":4000001,"text":"<b>bad</b>","type":"error"}],
    "nodes":[
      {"group":"default","type":"input","attributes":{"name":"csrf_token","type":"hidden","value":"tok\"en","node_type":"input"},"messages":[],"meta":{}},
      {"group":"profile","type":"input","attributes":{"name":"traits.email","type":"email","value":"\"><script>alert(1)</script>","required":true,"node_type":"input"},
       "messages":[{"id":4000002,"text":"Property email is missing.","type":"error"}],"meta":{"label":{"id":1070002,"text":"E-Mail","type":"info"}}},
      {"group":"profile","type":"input","attributes":{"name":"method","type":"submit","value":"profile","node_type":"input"},"messages":[],"meta":{"label":{"id":1070003,"text":"Save","type":"info"}}},
      {"group":"password","type":"input","attributes":{"name":"password","type":"password","value":"secret","required":true,"node_type":"input"},"messages":[],"meta":{"label":{"id":1070001,"text":"Password","type":"info"}}},
      {"group":"password","type":"input","attributes":{"name":"method","type":"submit","value":"password","node_type":"input"},"messages":[],"meta":{"label":{"id":1070003,"text":"Save","type":"info"}}},
      {"group":"webauthn","type":"script","attributes":{"src":"https://auth.example.com/.well-known/ory/webauthn.js","async":true,"integrity":"sha512-x","crossorigin":"anonymous","referrerpolicy":"no-referrer","type":"text/javascript","id":"webauthn_script","nonce":"n","node_type":"script"},"messages":[],"meta":{}},
      {"group":"webauthn","type":"input","attributes":{"name":"webauthn_register_trigger","type":"button","value":"{}","onclick":"oryWebAuthnRegistration({\"a\":1})","node_type":"input"},"messages":[],"meta":{"label":{"id":1050012,"text":"Add security key","type":"info"}}}
    ]}})JSON");

TEST(HtmlPage, OneFormPerGroupWithTheSharedFieldsAndBoundLabels) {
    const std::string html = RenderFlowPage("Account settings", kFlow, {{"/ui/welcome", "Home"}});
    EXPECT_EQ(Count(html, "<form "), 3u) << "profile, password, webauthn";
    EXPECT_EQ(Count(html, "name=\"csrf_token\""), 3u) << "the CSRF token in every form";
    EXPECT_NE(html.find("<label for=\"f2\">E-Mail</label><input id=\"f2\" name=\"traits.email\" type=\"email\""),
              std::string::npos)
        << html;
    EXPECT_NE(html.find("aria-describedby=\"m2\""), std::string::npos);
    EXPECT_NE(html.find("aria-live=\"polite\""), std::string::npos);
    EXPECT_NE(html.find("<button type=\"submit\" name=\"method\" value=\"password\">Save</button>"), std::string::npos);
    EXPECT_EQ(html.find("secret"), std::string::npos) << "password values are never written back";
    EXPECT_NE(html.find("integrity=\"sha512-x\""), std::string::npos);
    EXPECT_NE(html.find("<a href=\"/ui/welcome\">Home</a>"), std::string::npos);
    EXPECT_NE(html.find("<html lang=\"en\">"), std::string::npos);
}

// A group of buttons alone (social sign-in) gets the hidden shared fields only: the login
// identifier, required and empty, would otherwise keep the browser from submitting the button.
TEST(HtmlPage, ButtonOnlyFormsTakeOnlyTheHiddenSharedFields) {
    const json flow =
        json::parse(R"JSON({"ui":{"action":"/self-service/login?flow=f","method":"POST","messages":[],"nodes":[
      {"group":"default","type":"input","attributes":{"name":"csrf_token","type":"hidden","value":"t","node_type":"input"},"messages":[],"meta":{}},
      {"group":"default","type":"input","attributes":{"name":"identifier","type":"text","value":"","required":true,"node_type":"input"},"messages":[],"meta":{}},
      {"group":"oidc","type":"input","attributes":{"name":"provider","type":"submit","value":"acme","node_type":"input"},"messages":[],"meta":{}},
      {"group":"password","type":"input","attributes":{"name":"password","type":"password","required":true,"node_type":"input"},"messages":[],"meta":{}},
      {"group":"password","type":"input","attributes":{"name":"method","type":"submit","value":"password","node_type":"input"},"messages":[],"meta":{}}
    ]}})JSON");
    const std::string html = RenderFlowPage("Sign in", flow, {});
    const size_t oidc = html.find("data-group=\"oidc\"");
    const size_t password = html.find("data-group=\"password\"");
    ASSERT_NE(oidc, std::string::npos);
    ASSERT_NE(password, std::string::npos);
    const std::string oidc_form = html.substr(oidc, html.find("</form>", oidc) - oidc);
    const std::string password_form = html.substr(password, html.find("</form>", password) - password);
    EXPECT_EQ(Count(oidc_form, "name=\"csrf_token\""), 1u);
    EXPECT_EQ(Count(oidc_form, "name=\"identifier\""), 0u);
    EXPECT_EQ(Count(password_form, "name=\"identifier\""), 1u);
}

TEST(HtmlPage, EverythingFromTheFlowIsEscaped) {
    const std::string html = RenderFlowPage("<Settings>", kFlow, {});
    EXPECT_EQ(html.find("<script>alert(1)</script>"), std::string::npos);
    EXPECT_NE(html.find("&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
    EXPECT_NE(html.find("&lt;b&gt;bad&lt;/b&gt;"), std::string::npos);
    EXPECT_NE(html.find("value=\"tok&#34;en\""), std::string::npos);
    EXPECT_NE(html.find("<title>&lt;Settings&gt;</title>"), std::string::npos);
    EXPECT_NE(html.find("onclick=\"oryWebAuthnRegistration({&#34;a&#34;:1})\""), std::string::npos);
    EXPECT_EQ(HtmlEscape("a&<>\"'"), "a&amp;&lt;&gt;&#34;&#39;");
}

TEST(HtmlPage, TextPagesAndFlowsWithSharedFieldsOnly) {
    const json login = json::parse(R"({"ui":{"action":"/a","method":"POST","messages":[],"nodes":[
      {"group":"default","type":"input","attributes":{"name":"identifier","type":"text","node_type":"input"},"messages":[],"meta":{}}]}})");
    EXPECT_EQ(Count(RenderFlowPage("Sign in", login, {}), "<form "), 1u);
    const std::string text = RenderTextPage("Welcome", {"You are signed in as <me>."}, {});
    EXPECT_NE(text.find("<p>You are signed in as &lt;me&gt;.</p>"), std::string::npos);
}

TEST(HtmlPage, MessagesAndLabelsInTheCataloguesLanguage) {
    // The catalogue the sample config ships.
    const auto file =
        std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "config" / "ui" / "de.json";
    std::ifstream in(file);
    ASSERT_TRUE(in) << file;
    std::ostringstream text;
    text << in.rdbuf();
    auto de = text::Catalog::Parse(text.str());
    ASSERT_TRUE(de.ok()) << de.error().reason;
    const std::string html = RenderFlowPage("Kontoeinstellungen", kFlow, {}, &*de);
    EXPECT_NE(html.find("<html lang=\"de\">"), std::string::npos);
    EXPECT_NE(html.find(">Passwort</label>"), std::string::npos);
    EXPECT_NE(html.find(">Speichern</button>"), std::string::npos);
    EXPECT_NE(html.find("Die Angabe "), std::string::npos) << "4000002 with its context";
    EXPECT_NE(html.find(">E-Mail</label>"), std::string::npos) << "a schema title has no translation";
}

}  // namespace
}  // namespace bia::ui
