#include <gtest/gtest.h>

#include "ui/container.hpp"
#include "ui/node.hpp"

namespace bia::ui {
namespace {

using nlohmann::json;

std::vector<std::string> Ids(const std::vector<Node>& nodes) {
    std::vector<std::string> out;
    for (const auto& n : nodes) out.push_back(n.group + ":" + n.Id());
    return out;
}

TEST(UiNode, InputOmitsEmptyValueFalseRequiredAndAbsentLabel) {
    Node n = NewInput("password", kGroupPassword, kInputPassword, "", false);
    EXPECT_EQ(n.ToJson(), json::parse(R"({
      "type":"input","group":"password",
      "attributes":{"name":"password","type":"password","disabled":false,"node_type":"input"},
      "messages":[],"meta":{}})"));
}

TEST(UiNode, InputWithEverythingSet) {
    Node n = WithLabel(NewInput("traits.email", kGroupProfile, kInputEmail, "a@b.c", true),
                       text::NewInfoNodeLabelGenerated("E-Mail", "traits.email"));
    auto* in = n.Input();
    in->pattern = "^.+$";
    in->autocomplete = "email";
    in->onclick = "go();";
    n.messages.push_back(text::NewValidationErrorRequired("email"));
    EXPECT_EQ(n.ToJson(), json::parse(R"({
      "type":"input","group":"profile",
      "attributes":{"name":"traits.email","type":"email","value":"a@b.c","required":true,"pattern":"^.+$",
                    "disabled":false,"onclick":"go();","autocomplete":"email","node_type":"input"},
      "messages":[{"id":4000002,"text":"Property email is missing.","type":"error","context":{"property":"email"}}],
      "meta":{"label":{"id":1070002,"text":"E-Mail","type":"info","context":{"title":"E-Mail","name":"traits.email"}}}})"));
}

TEST(UiNode, NonStringValuesAreKept) {
    EXPECT_EQ(NewInput("traits.age", kGroupProfile, kInputNumber, 0).ToJson()["attributes"]["value"], 0);
    EXPECT_EQ(NewInput("traits.ok", kGroupProfile, kInputCheckbox, false).ToJson()["attributes"]["value"], false);
}

TEST(UiNode, CsrfTokenNodeForBrowserAndApiFlows) {
    EXPECT_EQ(NewCsrfTokenNode("masked==").ToJson(), json::parse(R"({
      "type":"input","group":"default",
      "attributes":{"name":"csrf_token","type":"hidden","value":"masked==","required":true,"disabled":false,"node_type":"input"},
      "messages":[],"meta":{}})"));
    EXPECT_EQ(NewCsrfTokenNode("").ToJson(), json::parse(R"({
      "type":"input","group":"default",
      "attributes":{"name":"csrf_token","type":"hidden","required":true,"disabled":false,"node_type":"input"},
      "messages":[],"meta":{}})"));
}

TEST(UiNode, OtherNodeTypesSerialiseAllTheirKeys) {
    Node img{std::string(kGroupTotp), ImageAttributes{"data:image/png;base64,AA", "totp_qr", 256, 256}, {}, {}};
    EXPECT_EQ(
        img.ToJson()["attributes"],
        json::parse(R"({"src":"data:image/png;base64,AA","id":"totp_qr","width":256,"height":256,"node_type":"img"})"));
    EXPECT_EQ(img.ToJson()["type"], "img");
    Node txt{std::string(kGroupTotp), TextAttributes{text::NewInfoLogin(), "totp_secret_key"}, {}, {}};
    EXPECT_EQ(
        txt.ToJson()["attributes"],
        json::parse(
            R"({"text":{"id":1010001,"text":"Sign in","type":"info"},"id":"totp_secret_key","node_type":"text"})"));
    Node a{std::string(kGroupDefault), AnchorAttributes{"https://x", text::NewInfoLogin(), "link"}, {}, {}};
    EXPECT_EQ(a.ToJson()["attributes"]["node_type"], "a");
    EXPECT_EQ(a.ToJson()["attributes"]["href"], "https://x");
    Node s{std::string(kGroupWebauthn),
           ScriptAttributes{"https://p/.well-known/ory/webauthn.js", true, "no-referrer", "anonymous", "sha512-x",
                            "text/javascript", "webauthn_script", "n"},
           {},
           {}};
    EXPECT_EQ(s.ToJson()["attributes"], json::parse(R"({"src":"https://p/.well-known/ory/webauthn.js","async":true,
      "referrerpolicy":"no-referrer","crossorigin":"anonymous","integrity":"sha512-x","type":"text/javascript",
      "id":"webauthn_script","nonce":"n","node_type":"script"})"));
}

TEST(UiNode, TraitNodesFollowTheSchemaFields) {
    std::vector<schema::FormField> fields(3);
    fields[0] = {"traits.email", "email", "string", true, std::nullopt, std::string("E-Mail"), std::string("email")};
    fields[1] = {"traits.name.first", "text", "string", false, std::string("^[A-Z]"), std::nullopt, std::nullopt};
    fields[2] = {"traits.age", "number", "integer", false, std::nullopt, std::nullopt, std::nullopt};
    auto nodes = NewTraitNodes(fields, kGroupDefault, json::parse(R"({"email":"a@b.c","name":{"first":"Ann"}})"));
    ASSERT_EQ(nodes.size(), 3u);
    json all = json::array();
    for (const auto& n : nodes) all.push_back(n.ToJson());
    EXPECT_EQ(all, json::parse(R"([
      {"type":"input","group":"default","attributes":{"name":"traits.email","type":"email","value":"a@b.c","required":true,
        "disabled":false,"autocomplete":"email","node_type":"input"},"messages":[],
        "meta":{"label":{"id":1070002,"text":"E-Mail","type":"info","context":{"title":"E-Mail","name":"traits.email"}}}},
      {"type":"input","group":"default","attributes":{"name":"traits.name.first","type":"text","value":"Ann","pattern":"^[A-Z]",
        "disabled":false,"node_type":"input"},"messages":[],"meta":{}},
      {"type":"input","group":"default","attributes":{"name":"traits.age","type":"number","disabled":false,"node_type":"input"},
        "messages":[],"meta":{}}])"));
}

TEST(UiNode, ValueAtPath) {
    const json t = json::parse(R"({"a":{"b":1},"c":"x"})");
    EXPECT_EQ(ValueAtPath(t, "traits", "traits.a.b"), 1);
    EXPECT_EQ(ValueAtPath(t, "traits", "traits.c"), "x");
    EXPECT_TRUE(ValueAtPath(t, "traits", "traits.a.z").is_null());
    EXPECT_TRUE(ValueAtPath(t, "traits", "traitsx.c").is_null());
    EXPECT_TRUE(ValueAtPath(t, "traits", "traits.c.d").is_null());
}

TEST(UiContainer, MessagesAlwaysAnArray) {
    Container c;
    c.action = "https://a/self-service/login?flow=1";
    EXPECT_EQ(
        c.ToJson(),
        json::parse(R"({"action":"https://a/self-service/login?flow=1","method":"POST","nodes":[],"messages":[]})"));
}

TEST(UiContainer, EditsForReRendering) {
    Container c;
    c.nodes.push_back(NewInput("identifier", kGroupDefault, kInputText, nullptr, true));
    c.nodes.push_back(NewInput("password", kGroupPassword, kInputPassword, nullptr, true));
    c.SetCsrf("one");
    c.SetCsrf("two");  // idempotent: replaced, not duplicated
    ASSERT_EQ(c.nodes.size(), 3u);
    EXPECT_EQ(c.Find("csrf_token")->Input()->value, "two");
    c.SetValue("identifier", "me@x.y");
    c.SetValue("password", "secret");
    c.ClearValue("password");
    EXPECT_EQ(c.Find("identifier")->Input()->value, "me@x.y");
    EXPECT_TRUE(c.Find("password")->Input()->value.is_null());
    c.AddNodeMessage("password", text::NewValidationErrorRequired("password"));
    c.AddNodeMessage("nope", text::NewErrorValidationInvalidCredentials());
    EXPECT_EQ(c.Find("password")->messages.size(), 1u);
    ASSERT_EQ(c.messages.size(), 1u);
    EXPECT_EQ(c.messages[0].id, 4000006);
    c.ResetMessages();
    EXPECT_TRUE(c.messages.empty());
    EXPECT_TRUE(c.Find("password")->messages.empty());
}

TEST(UiContainer, JsonRoundTripKeepsEveryNodeType) {
    Container c;
    c.action = "https://a/x";
    c.nodes.push_back(WithLabel(NewInput("traits.email", kGroupDefault, kInputEmail, "a@b.c", true),
                                text::NewInfoNodeLabelGenerated("E-Mail", "traits.email")));
    c.nodes.back().Input()->maxlength = 12;
    c.nodes.push_back(Node{std::string(kGroupTotp), ImageAttributes{"s", "totp_qr", 256, 256}, {}, {}});
    c.nodes.push_back(Node{std::string(kGroupTotp), TextAttributes{text::NewInfoLogin(), "t"}, {}, {}});
    c.nodes.push_back(Node{std::string(kGroupOidc), AnchorAttributes{"h", text::NewInfoLogin(), "a"}, {}, {}});
    c.nodes.push_back(
        Node{std::string(kGroupWebauthn), ScriptAttributes{"s", true, "r", "c", "i", "t", "id", "n"}, {}, {}});
    c.messages.push_back(text::NewInfoLoginReAuth());
    auto back = Container::FromJson(c.ToJson());
    ASSERT_TRUE(back.ok()) << back.error().reason;
    EXPECT_EQ(back->ToJson(), c.ToJson());
    EXPECT_FALSE(Container::FromJson(json::parse(R"({"nodes":[{"type":"blink","attributes":{}}]})")).ok());
}

// Container::Dump writes the JSON text without the DOM: it must be ToJson().dump() to the byte,
// for every node type and every optional key set or unset.
Container EveryShapeOfNode() {
    Container c;
    c.action = "https://a/self-service/settings?flow=1&x=\"q\"";
    c.nodes.push_back(NewCsrfTokenNode("tok/en+=="));
    c.nodes.push_back(NewCsrfTokenNode(""));
    c.nodes.push_back(WithLabel(NewInput("traits.email", kGroupProfile, kInputEmail, "a@b.c", true),
                                text::NewInfoNodeLabelGenerated("E-Mail", "traits.email")));
    auto* in = c.nodes.back().Input();
    in->pattern = "^[a-z]+\\d$";
    in->autocomplete = "email";
    in->maxlength = 12;
    in->onclick = "go(\"x\");";
    in->onclick_trigger = "oryWebAuthnRegistration";
    in->onload = "l();";
    in->onload_trigger = "oryWebAuthnLogin";
    in->disabled = true;
    in->label = text::NewInfoNodeLabelSave();
    c.nodes.back().messages.push_back(text::NewValidationErrorRequired("email"));
    c.nodes.back().messages.push_back(text::NewErrorValidationMinLength(8, 3));
    c.nodes.push_back(NewInput("traits.name.first", kGroupProfile, kInputText, "Zoë 🙂 \t\n", false));
    c.nodes.push_back(NewInput("traits.age", kGroupProfile, kInputNumber, 42));
    c.nodes.push_back(NewInput("traits.ratio", kGroupProfile, kInputNumber, 0.25));
    c.nodes.push_back(NewInput("traits.ok", kGroupProfile, kInputCheckbox, true));
    c.nodes.push_back(NewInput("traits.tags", kGroupProfile, kInputText, json::array({"a", 1, nullptr})));
    c.nodes.push_back(NewInput("traits.obj", kGroupProfile, kInputText, json::parse(R"({"b":1,"a":[{}]})")));
    c.nodes.push_back(NewInput("traits.empty", kGroupProfile, kInputText, ""));
    c.nodes.push_back(NewInput("method", kGroupProfile, kInputSubmit, "profile"));
    c.nodes.push_back(
        Node{std::string(kGroupTotp), ImageAttributes{"data:image/png;base64,AA", "totp_qr", 256, 256}, {}, {}});
    c.nodes.push_back(Node{std::string(kGroupTotp),
                           TextAttributes{text::NewInfoSettingsTotpSecret("ABC"), "s"},
                           {},
                           {text::NewInfoSettingsTotpSecretLabel()}});
    c.nodes.push_back(Node{std::string(kGroupOidc), AnchorAttributes{"h?a=1&b=2", text::NewInfoLogin(), "a"}, {}, {}});
    c.nodes.push_back(
        Node{std::string(kGroupWebauthn), ScriptAttributes{"s", true, "r", "c", "i", "t", "id", "n"}, {}, {}});
    c.nodes.push_back(Node{std::string(kGroupWebauthn), ScriptAttributes{}, {}, {}});
    c.messages.push_back(text::NewInfoLoginReAuth());
    c.messages.push_back(text::NewInfoSettingsUpdateSuccess());
    return c;
}

TEST(UiContainer, DumpIsToJsonDumpByteForByte) {
    const Container c = EveryShapeOfNode();
    EXPECT_EQ(c.Dump(), c.ToJson().dump());
    for (const auto& n : c.nodes) {
        std::string out;
        n.AppendJson(out);
        EXPECT_EQ(out, n.ToJson().dump());
    }
    for (const auto& m : c.messages) {
        std::string out;
        m.AppendJson(out);
        EXPECT_EQ(out, m.ToJson().dump());
    }
    EXPECT_EQ(Container().Dump(), Container().ToJson().dump());
    // What the store reads back is what it wrote, through the DOM (FromJson, FromJsonText's
    // fallback): from a temporary, from a DOM that is only read and must stay as it was, and from
    // an expiring one.
    auto back = Container::FromJson(json::parse(c.Dump()));
    ASSERT_TRUE(back.ok()) << back.error().reason;
    EXPECT_EQ(back->Dump(), c.Dump());
    const json dom = json::parse(c.Dump());
    auto read = Container::FromJson(dom);
    ASSERT_TRUE(read.ok()) << read.error().reason;
    EXPECT_EQ(read->Dump(), c.Dump());
    EXPECT_EQ(dom, json::parse(c.Dump())) << "a DOM that is only read stays as it was";
    json consumed = dom;
    auto moved = Container::FromJson(std::move(consumed));
    ASSERT_TRUE(moved.ok()) << moved.error().reason;
    EXPECT_EQ(moved->Dump(), c.Dump());
}

// `j` as JSON text with every object's keys in reverse order and spaces around the punctuation
// (a writer other than Dump: PostgreSQL's jsonb reorders keys, too).
std::string ReversedText(const json& j) {
    if (j.is_object()) {
        std::string out = "{ ";
        bool first = true;
        std::vector<std::pair<std::string, const json*>> members;
        for (const auto& [k, v] : j.items()) members.emplace_back(k, &v);
        for (auto it = members.rbegin(); it != members.rend(); ++it) {
            if (!first) out += " , ";
            first = false;
            out += json(it->first).dump() + " : " + ReversedText(*it->second);
        }
        return out + " }";
    }
    if (j.is_array()) {
        std::string out = "[ ";
        for (size_t i = 0; i < j.size(); ++i) out += (i ? " , " : "") + ReversedText(j[i]);
        return out + " ]";
    }
    return j.dump();
}

// FromJsonText answers what FromJson(json::parse(text)) answers: the same container, or the same
// error.
void ExpectSameAsDom(const std::string& text) {
    SCOPED_TRACE(text);
    auto fast = Container::FromJsonText(text);
    auto dom = Container::FromJson(json::parse(text, nullptr, false));
    ASSERT_EQ(fast.ok(), dom.ok());
    if (fast.ok()) {
        EXPECT_EQ(fast->Dump(json::error_handler_t::replace), dom->Dump(json::error_handler_t::replace));
    } else {
        EXPECT_EQ(fast.error().reason, dom.error().reason);
    }
}

TEST(UiContainer, ReadFromTextWithoutADom) {
    const Container c = EveryShapeOfNode();
    const std::string text = c.Dump();
    // Dump's own text, pretty-printed, and with every key order reversed: read by the fast reader.
    for (const std::string& t : {text, json::parse(text).dump(2), ReversedText(json::parse(text))}) {
        auto read = ReadContainerText(t);
        ASSERT_TRUE(read.has_value()) << t;
        EXPECT_EQ(read->Dump(), text);
        ExpectSameAsDom(t);
    }
    EXPECT_TRUE(ReadContainerText("{}").has_value());
    EXPECT_EQ(ReadContainerText("{}")->method, "POST");
    // Values and message contexts of any shape are built as the DOM parser builds them.
    Container values;
    values.nodes.push_back(NewInput("v", kGroupProfile, kInputText,
                                    json::parse(R"({"a":[1,-2,3.5,true,null,{"b":{}},[]],"c":"d","":"e"})")));
    values.nodes.push_back(NewInput("n", kGroupProfile, kInputNumber, -7));
    values.nodes.push_back(NewInput("u", kGroupProfile, kInputNumber, 18446744073709551615ull));
    values.nodes.push_back(NewInput("f", kGroupProfile, kInputNumber, 1e300));
    values.messages.push_back(text::Message{4000001, "t", "error", json::parse(R"({"x":[{"y":null}],"z":-1})")});
    values.messages.push_back(text::Message{4000002, "t", "error", json("plain")});
    values.messages.push_back(text::Message{4000003, "t", "error", json(nullptr)});
    auto back = ReadContainerText(values.Dump());
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->Dump(), values.Dump());
    EXPECT_EQ(back->nodes[0].Input()->value, values.nodes[0].Input()->value);
    EXPECT_EQ(back->nodes[2].Input()->value.type(), json::value_t::number_unsigned);
    EXPECT_EQ(back->messages[2].context, std::optional<json>(nullptr));
    EXPECT_EQ(back->messages[1].context, std::optional<json>("plain"));
}

TEST(UiContainer, TextTheReaderDeclinesIsReadAsTheDomReadsIt) {
    const std::string node = R"("attributes":{"name":"n","node_type":"input","type":"text"},"group":"g")";
    const std::vector<std::string> declined = {
        "",
        "{",
        "null",
        "[]",
        R"("x")",
        R"({} {})",
        R"({"nodes":{}})",
        R"({"nodes":[1]})",
        R"({"nodes":[{}]})",
        R"({"unknown":1})",
        R"({"messages":[{"id":1,"text":"t","type":"info","extra":1}]})",
        R"({"messages":[{"id":1.5,"text":"t","type":"info"}]})",
        R"({"messages":[{"text":"t","type":"info"}]})",
        R"({"messages":[{"id":1,"text":2,"type":"info"}]})",
        R"({"messages":[1]})",
        R"({"method":"GET","method":"POST"})",
        R"({"nodes":[{)" + node + R"(,"type":"blink"}]})",
        R"({"nodes":[{)" + node + R"(}]})",
        R"({"nodes":[{"group":"g","type":"input"}]})",
        R"({"nodes":[{"attributes":1,"group":"g","type":"input"}]})",
        R"({"nodes":[{)" + node + R"(,"type":"input","group":"h"}]})",
        R"({"nodes":[{)" + node + R"(,"type":"input","meta":{"x":1}}]})",
        R"({"nodes":[{)" + node + R"(,"type":"input","meta":1}]})",
        R"({"nodes":[{)" + node + R"(,"type":"input","meta":{"label":{"id":1}}}]})",
        R"({"nodes":[{"attributes":{"maxlength":1.5,"name":"n"},"group":"g","type":"input"}]})",
        R"({"nodes":[{"attributes":{"required":1,"name":"n"},"group":"g","type":"input"}]})",
        R"({"nodes":[{"attributes":{"label":"x","name":"n"},"group":"g","type":"input"}]})",
        R"({"nodes":[{"attributes":{"name":5},"group":"g","type":"input"}]})",
        R"({"nodes":[{"attributes":{"href":"h","id":"a"},"group":"g","type":"a"}]})",
        R"({"nodes":[{"attributes":{"id":"t"},"group":"g","type":"text"}]})",
        R"({"nodes":[{"attributes":{"id":"t","width":"9"},"group":"g","type":"img"}]})",
        R"({"nodes":[{"attributes":{"value":{"a":1,"a":2},"name":"n"},"group":"g","type":"input","x":0}]})",
    };
    for (const auto& t : declined) {
        EXPECT_FALSE(ReadContainerText(t).has_value()) << t;
        ExpectSameAsDom(t);
    }
    // Taken by the reader, and the same as the DOM's: duplicate keys inside a value (the last
    // wins), meta without a label, nodes of every type with the keys other types use.
    const std::vector<std::string> read = {
        R"({"nodes":[{"attributes":{"value":{"a":1,"a":2},"name":"n"},"group":"g","type":"input"}]})",
        R"({"nodes":[{"attributes":{"name":"n"},"group":"g","meta":{},"type":"input","messages":[]}]})",
        R"({"nodes":[{"attributes":{"src":"s","id":"i","width":3,"height":4,"name":"x"},"group":"g","type":"img"}]})",
        R"({"nodes":[{"attributes":{"id":"i","text":{"id":1,"text":"t","type":"info","context":[1]}},"group":"g","type":"text"}]})",
        R"({"nodes":[{"attributes":{"id":"i","value":null},"group":"g","type":"script"}]})",
        R"({"action":"","method":"","nodes":[],"messages":[]})",
    };
    for (const auto& t : read) {
        EXPECT_TRUE(ReadContainerText(t).has_value()) << t;
        ExpectSameAsDom(t);
    }
}

TEST(UiContainer, DumpHandlesInvalidUtf8AsDumpDoes) {
    Container c;
    c.nodes.push_back(NewInput("traits.name", kGroupProfile, kInputText, std::string("bad \xff byte")));
    EXPECT_THROW(c.Dump(), json::type_error);
    EXPECT_EQ(c.Dump(json::error_handler_t::replace), c.ToJson().dump(-1, ' ', false, json::error_handler_t::replace));
}

TEST(UiSort, SettingsOrderGroupsThenSchemaKeysMethodLast) {
    std::vector<Node> nodes;
    nodes.push_back(NewInput("method", kGroupPassword, kInputSubmit, "password"));
    nodes.push_back(NewInput("password", kGroupPassword, kInputPassword, nullptr, true));
    nodes.push_back(NewInput("totp_code", kGroupTotp, kInputText));
    nodes.push_back(NewInput("method", kGroupProfile, kInputSubmit, "profile"));
    nodes.push_back(NewInput("traits.email", kGroupProfile, kInputEmail));
    nodes.push_back(NewInput("lookup_secret_regenerate", kGroupLookupSecret, kInputSubmit, "true"));
    nodes.push_back(NewCsrfTokenNode("x"));
    nodes.push_back(NewInput("lookup_secret_reveal", kGroupLookupSecret, kInputSubmit, "true"));
    nodes.push_back(NewInput("custom", "zzz", kInputText));
    SortNodes(nodes, SettingsSortOptions({"traits", "traits.email"},
                                         {"lookup_secret_reveal", "lookup_secret_regenerate", "totp_code"}));
    EXPECT_EQ(Ids(nodes),
              (std::vector<std::string>{"default:csrf_token", "profile:traits.email", "profile:method",
                                        "password:password", "password:method", "lookup_secret:lookup_secret_reveal",
                                        "lookup_secret:lookup_secret_regenerate", "totp:totp_code", "zzz:custom"}));
}

TEST(UiSort, FirstPrefixWinsAndTiesCompareValues) {
    // "traits" prefixes every trait name, so trait inputs share one position (§7.5 as specified)
    // and fall back to their values; nodes without values keep their order.
    std::vector<Node> nodes;
    nodes.push_back(NewInput("traits.b", kGroupProfile, kInputText, "zeta"));
    nodes.push_back(NewInput("traits.a", kGroupProfile, kInputText, "alpha"));
    nodes.push_back(NewInput("other", kGroupProfile, kInputText, "0"));
    SortNodes(nodes, SortOptions{{"profile"}, {"traits", "traits.a", "traits.b"}});
    EXPECT_EQ(Ids(nodes), (std::vector<std::string>{"profile:traits.a", "profile:traits.b", "profile:other"}));

    std::vector<Node> plain;
    plain.push_back(NewInput("password", kGroupPassword, kInputPassword));
    plain.push_back(NewInput("identifier", kGroupDefault, kInputText));
    plain.push_back(NewInput("csrf_token", kGroupDefault, kInputHidden));
    SortNodes(plain, SortOptions{{"default", "password"}, {"csrf_token", "identifier", "password"}});
    EXPECT_EQ(Ids(plain), (std::vector<std::string>{"default:csrf_token", "default:identifier", "password:password"}));

    // Values that are not strings compare by their JSON text ("10" < "9"), absent values first.
    std::vector<Node> numbers;
    numbers.push_back(NewInput("traits.n9", kGroupProfile, kInputNumber, 9));
    numbers.push_back(NewInput("traits.n10", kGroupProfile, kInputNumber, 10));
    numbers.push_back(NewInput("traits.none", kGroupProfile, kInputNumber));
    numbers.push_back(NewInput("traits.obj", kGroupProfile, kInputText, json::object({{"a", 1}})));
    SortNodes(numbers, SortOptions{{"profile"}, {"traits"}});
    EXPECT_EQ(Ids(numbers), (std::vector<std::string>{"profile:traits.none", "profile:traits.n10", "profile:traits.n9",
                                                      "profile:traits.obj"}));
}

}  // namespace
}  // namespace bia::ui
