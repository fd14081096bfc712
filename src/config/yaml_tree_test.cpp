#include "config/yaml_tree.hpp"

#include <gtest/gtest.h>

namespace bia::config {
namespace {

using nlohmann::json;

TEST(YamlTree, PlainScalarsFollowTheCoreSchema) {
    EXPECT_EQ(ResolvePlainScalar("true"), json(true));
    EXPECT_EQ(ResolvePlainScalar("False"), json(false));
    EXPECT_TRUE(ResolvePlainScalar("~").is_null());
    EXPECT_TRUE(ResolvePlainScalar("null").is_null());
    EXPECT_EQ(ResolvePlainScalar("4433"), json(4433));
    EXPECT_EQ(ResolvePlainScalar("-12"), json(-12));
    EXPECT_EQ(ResolvePlainScalar("0x1F"), json(31));
    EXPECT_EQ(ResolvePlainScalar("0o17"), json(15));
    EXPECT_EQ(ResolvePlainScalar("1.5"), json(1.5));
    EXPECT_EQ(ResolvePlainScalar("1e3"), json(1000.0));
    // YAML 1.1 booleans are plain strings in 1.2.
    EXPECT_EQ(ResolvePlainScalar("yes"), json("yes"));
    EXPECT_EQ(ResolvePlainScalar("1h"), json("1h"));
    EXPECT_EQ(ResolvePlainScalar("128MB"), json("128MB"));
}

TEST(YamlTree, QuotedScalarsStayStrings) {
    auto tree = ParseYaml("a: \"4433\"\nb: 'true'\nc: 4433\nd: true\ne:\n", "t.yml");
    ASSERT_TRUE(tree.ok()) << tree.error().reason;
    EXPECT_EQ((*tree)["a"], json("4433"));
    EXPECT_EQ((*tree)["b"], json("true"));
    EXPECT_EQ((*tree)["c"], json(4433));
    EXPECT_EQ((*tree)["d"], json(true));
    EXPECT_TRUE((*tree)["e"].is_null());
}

TEST(YamlTree, ExplicitTagsAreHonoured) {
    auto tree = ParseYaml("a: !!str 12\nb: !!int \"7\"\n", "t.yml");
    ASSERT_TRUE(tree.ok()) << tree.error().reason;
    EXPECT_EQ((*tree)["a"], json("12"));
    EXPECT_EQ((*tree)["b"], json(7));
}

TEST(YamlTree, NestedMapsAndSequences) {
    auto tree = ParseYaml("serve:\n  public:\n    port: 1\nlist: [a, 2, {x: y}]\n", "t.yml");
    ASSERT_TRUE(tree.ok()) << tree.error().reason;
    EXPECT_EQ(*tree, json::parse(R"({"serve":{"public":{"port":1}},"list":["a",2,{"x":"y"}]})"));
}

TEST(YamlTree, EmptyDocumentIsAnEmptyMap) {
    auto tree = ParseYaml("", "t.yml");
    ASSERT_TRUE(tree.ok());
    EXPECT_EQ(*tree, json::object());
    auto comments = ParseYaml("# only a comment\n", "t.yml");
    ASSERT_TRUE(comments.ok());
    EXPECT_EQ(*comments, json::object());
}

TEST(YamlTree, TopLevelMustBeAMap) {
    auto tree = ParseYaml("- a\n- b\n", "t.yml");
    ASSERT_FALSE(tree.ok());
    EXPECT_EQ(tree.error().reason, "config: t.yml: the top level must be a map of keys");
}

TEST(YamlTree, SyntaxErrorsNameFileAndLine) {
    auto tree = ParseYaml("a: 1\nb: [unclosed\n", "bad.yml");
    ASSERT_FALSE(tree.ok());
    EXPECT_EQ(tree.error().reason.rfind("config: bad.yml: line ", 0), 0u) << tree.error().reason;
    EXPECT_EQ(tree.error().reason.find('\n'), std::string::npos);
}

TEST(YamlTree, DuplicateKeysAreRejected) {
    auto tree = ParseYaml("dsn: a\ndsn: b\n", "dup.yml");
    ASSERT_FALSE(tree.ok());
    EXPECT_EQ(tree.error().reason, "config: dup.yml: line 2, column 1: key \"dsn\" is defined twice");
}

TEST(YamlTree, MergeIsDeepForMapsAndReplacesEverythingElse) {
    json base = json::parse(R"({"a":{"b":1,"c":[1,2]},"d":"x"})");
    MergeTree(base, json::parse(R"({"a":{"c":[3],"e":true},"d":null})"));
    EXPECT_EQ(base, json::parse(R"({"a":{"b":1,"c":[3],"e":true},"d":null})"));
}

TEST(YamlTree, FindAndSetByDottedPath) {
    json tree = json::object();
    SetAtPath(tree, "serve.public.port", 4500);
    SetAtPath(tree, "serve.public.host", "::1");
    ASSERT_NE(FindAtPath(tree, "serve.public.port"), nullptr);
    EXPECT_EQ(*FindAtPath(tree, "serve.public.port"), json(4500));
    EXPECT_EQ(FindAtPath(tree, "serve.admin.port"), nullptr);
    EXPECT_EQ(FindAtPath(tree, "serve.public.port.x"), nullptr);
    // A scalar in the way is replaced by a map.
    tree["log"] = 5;
    SetAtPath(tree, "log.level", "debug");
    EXPECT_EQ(tree["log"], json::parse(R"({"level":"debug"})"));
}

TEST(YamlTree, MissingFileIsAnError) {
    auto tree = ReadYamlFile("/nonexistent/bia/kratos.yml");
    ASSERT_FALSE(tree.ok());
    EXPECT_EQ(tree.error().reason,
              "config: cannot read config file \"/nonexistent/bia/kratos.yml\": No such file or directory");
}

}  // namespace
}  // namespace bia::config
