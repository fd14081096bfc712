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

TEST(JsonText, EveryPositionOfASpecialByteIsSeen) {
    // Each special byte at every position of short strings: none may be copied unescaped.
    const std::string specials[] = {"\"", "\\", "\x01", "\x1f", "\x7f", " ", "\xc3\xa9", "\xff", "\xe2\x82", "/"};
    for (size_t len = 0; len < 20; ++len) {
        for (size_t at = 0; at <= len; ++at) {
            for (const auto& sp : specials) {
                std::string s(len, 'a');
                s.insert(at, sp);
                for (auto errors : {JsonUtf8Errors::strict, JsonUtf8Errors::replace}) {
                    std::string want, got;
                    bool want_threw = false, got_threw = false;
                    try {
                        want = json(s).dump(-1, ' ', false, errors);
                    } catch (const json::type_error&) {
                        want_threw = true;
                    }
                    try {
                        got = Str(s, errors);
                    } catch (const json::type_error&) {
                        got_threw = true;
                    }
                    EXPECT_EQ(got, want) << len << " " << at;
                    EXPECT_EQ(got_threw, want_threw) << len << " " << at;
                    std::string key;
                    if (!want_threw && errors == JsonUtf8Errors::strict) {
                        AppendJsonKey(key, s);
                        EXPECT_EQ(key, want + ":");
                    }
                }
            }
        }
    }
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

TEST(JsonText, DumpJsonTextIsDumpForWholeDocuments) {
    const json docs[] = {
        json::parse(R"({"z":1,"a":[1,-2,3.5,1e-7,true,false,null,"x",{"k":"v"},[]],"m":{},"é\n":"tab\there",
                        "u":18446744073709551615,"i":-9223372036854775808,"f":0.1,"g":-0.0,"h":1e308})"),
        json::array(),
        json::object(),
        json("just a string"),
        json(12),
        json(2.5),
        json(nullptr),
        json::parse(R"([[[[{"deep":[{"er":"\u0000\u001f\u007f\u00e9\ud83d\ude42"}]}]]]])"),
        json::parse(R"({"a":"plain","b":"needs \"escape\"","c":"back\\slash"})"),
    };
    for (const auto& d : docs) {
        EXPECT_EQ(DumpJsonText(d), d.dump()) << d.dump();
        EXPECT_EQ(DumpJsonText(d, JsonUtf8Errors::replace), d.dump(-1, ' ', false, JsonUtf8Errors::replace));
    }
    json bad = {{"k", std::string("x\xc3(")}, {"n", {1, std::string("\xff")}}};
    EXPECT_THROW(DumpJsonText(bad), json::type_error);
    EXPECT_EQ(DumpJsonText(bad, JsonUtf8Errors::replace), bad.dump(-1, ' ', false, JsonUtf8Errors::replace));
    EXPECT_EQ(DumpJsonText(bad, JsonUtf8Errors::ignore), bad.dump(-1, ' ', false, JsonUtf8Errors::ignore));
}

// Same value and the same types all the way down (== would equate 1 and 1u).
bool SameDom(const json& a, const json& b) {
    if (a.type() != b.type()) return false;
    if (a.is_discarded()) return true;
    if (a.is_object()) {
        if (a.size() != b.size()) return false;
        for (auto ia = a.begin(), ib = b.begin(); ia != a.end(); ++ia, ++ib) {
            if (ia.key() != ib.key() || !SameDom(*ia, *ib)) return false;
        }
        return true;
    }
    if (a.is_array()) {
        if (a.size() != b.size()) return false;
        for (size_t i = 0; i < a.size(); ++i) {
            if (!SameDom(a[i], b[i])) return false;
        }
        return true;
    }
    return a == b;
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

TEST(JsonText, AnswersAreTextOrADomWrittenLikeEveryAnswer) {
    const json dom = {{"b", "\xff"}, {"a", {1, 2}}};
    JsonAnswer built = dom;
    EXPECT_FALSE(built.is_text());
    EXPECT_EQ(built.Dom(), dom);
    EXPECT_EQ(std::move(built).TakeText(), "{\"a\":[1,2],\"b\":\"\xEF\xBF\xBD\"}")
        << "invalid UTF-8 replaced, not thrown";
    JsonAnswer text = JsonAnswer::Text(R"({"x":true})");
    EXPECT_TRUE(text.is_text());
    EXPECT_EQ(text.Dom(), json({{"x", true}}));
    EXPECT_EQ(std::move(text).TakeText(), R"({"x":true})");
    EXPECT_TRUE(JsonAnswer::Text("{not json").Dom().is_null());
    static_assert(!std::is_constructible_v<JsonAnswer, json::initializer_list_t>,
                  "answer = {{k, v}} must not compile into an array");
}

// Floats with no fractional part, at any depth, are what a jsonb round trip may turn into integers.
TEST(JsonText, HasIntegralFloatFindsFloatsWithoutAFractionAtAnyDepth) {
    using nlohmann::json;
    EXPECT_FALSE(HasIntegralFloat(json::parse(R"({"email":"a@b.c","name":{"first":"A"},"n":[1,2,-3]})")));
    EXPECT_FALSE(HasIntegralFloat(json::parse(R"({"age":1.5,"ratio":[0.25,-2.75]})")));
    EXPECT_TRUE(HasIntegralFloat(json::parse("1e2")));
    EXPECT_TRUE(HasIntegralFloat(json::parse(R"({"a":{"b":[1,"x",{"c":100.0}]}})")));
    EXPECT_TRUE(HasIntegralFloat(json::parse(R"([1e30])")));
}

}  // namespace
}  // namespace bia::core
