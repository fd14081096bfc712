#include <gtest/gtest.h>

#include "core/json_text.hpp"

namespace bia::core {
namespace {

using nlohmann::json;

std::string Str(std::string_view s, JsonUtf8Errors errors = JsonUtf8Errors::strict) {
    std::string out;
    AppendJsonString(out, s, errors);
    return out;
}

TEST(JsonText, StringsAreDumpsBytes) {
    const std::string cases[] = {"",
                                 "plain ascii with spaces ~!@#$%^&*()",
                                 "quote \" and backslash \\ and slash /",
                                 std::string("controls \b\f\n\r\t \x01 \x1f ") + '\0' + " end",
                                 "del \x7f stays",
                                 "utf-8: é ß 中文 🙂",
                                 "<script>&amp;</script>"};
    for (const auto& s : cases) EXPECT_EQ(Str(s), json(s).dump()) << s;
}

TEST(JsonText, InvalidUtf8ThrowsOrIsReplacedLikeDump) {
    const std::string bad = "bad \xff\xfe byte";
    EXPECT_THROW(Str(bad), json::type_error);
    EXPECT_EQ(Str(bad, JsonUtf8Errors::replace), json(bad).dump(-1, ' ', false, JsonUtf8Errors::replace));
}

TEST(JsonText, NumbersBoolsAndValues) {
    for (int64_t v : {int64_t{0}, int64_t{-1}, int64_t{42}, INT64_MIN, INT64_MAX}) {
        std::string out;
        AppendJsonInt(out, v);
        EXPECT_EQ(out, json(v).dump());
    }
    const json values[] = {nullptr,
                           true,
                           false,
                           "s\"x",
                           7,
                           -3,
                           2.5,
                           1e300,
                           json::array({1, "a", nullptr}),
                           json::parse(R"({"b":1,"a":{"z":[],"y":{}},"é":"\u0001"})")};
    for (const auto& v : values) {
        std::string out;
        AppendJsonValue(out, v);
        EXPECT_EQ(out, v.dump()) << v.dump();
    }
}

TEST(JsonText, MembersWriteCommasAndKeys) {
    std::string out = "{";
    JsonMembers m(out);
    m.String("a", "x");
    m.StringIfNotEmpty("b", "");
    m.Int("c", 3);
    m.Bool("d", false);
    m.Value("e", json::object());
    out += '}';
    EXPECT_EQ(out, R"({"a":"x","c":3,"d":false,"e":{}})");
    EXPECT_EQ(json::parse(out).dump(), out);
}

}  // namespace
}  // namespace bia::core
