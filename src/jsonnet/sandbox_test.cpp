#include "jsonnet/sandbox.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace bia::jsonnet {
namespace {

TEST(JsonnetSandbox, EvaluatesWithExternalVariablesAndTopLevelArguments) {
    auto e = Evaluate("t", "local c = std.extVar('claims'); { email: c.email }", {{"claims", R"({"email":"a@b.c"})"}});
    ASSERT_TRUE(e.ok) << e.text;
    EXPECT_NE(e.text.find("\"email\": \"a@b.c\""), std::string::npos) << e.text;

    auto f = Evaluate("t", "function(ctx) { n: ctx.n + 1 }", {{"ctx", R"({"n":1})", true}});
    ASSERT_TRUE(f.ok) << f.text;
    EXPECT_NE(f.text.find("\"n\": 2"), std::string::npos) << f.text;
}

TEST(JsonnetSandbox, RefusesImportsAndReportsErrorsWithoutTrailingNewLines) {
    auto e = Evaluate("t", "import '/etc/passwd'", {});
    EXPECT_FALSE(e.ok);
    EXPECT_NE(e.text.find("import not available"), std::string::npos) << e.text;
    EXPECT_NE(e.text.back(), '\n');
    auto g = Evaluate("t", "error 'cancel'", {});
    EXPECT_FALSE(g.ok);
    EXPECT_NE(g.text.find("RUNTIME ERROR: cancel"), std::string::npos) << g.text;
}

TEST(JsonnetSandbox, SyntaxCheckFindsStaticErrorsOnly) {
    EXPECT_TRUE(CheckSyntax("ok", "function(ctx) { a: ctx.b }"));
    // Reading a variable only a real evaluation has is not a syntax error.
    EXPECT_TRUE(CheckSyntax("ok", "{ a: std.extVar('claims').email }"));
    auto bad = CheckSyntax("broken", "{ a: ");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().reason.find("STATIC ERROR"), std::string::npos) << bad.error().reason;
    EXPECT_FALSE(CheckSyntax("unbound", "{ a: nope }"));
}

TEST(JsonnetSandbox, ReadFileCapsTheSize) {
    const auto path = std::filesystem::temp_directory_path() / "bia-jsonnet-sandbox-test.jsonnet";
    {
        std::ofstream out(path, std::ios::binary);
        out << std::string(3000, ' ') << "{}";
    }
    auto ok = ReadFile(path.string(), 4096);
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->size(), 3002u);
    auto big = ReadFile(path.string(), 2048);
    ASSERT_FALSE(big);
    EXPECT_NE(big.error().reason.find("larger than 2 KiB"), std::string::npos) << big.error().reason;
    EXPECT_FALSE(ReadFile((path.string() + ".missing"), 4096));
    std::filesystem::remove(path);
}

}  // namespace
}  // namespace bia::jsonnet
