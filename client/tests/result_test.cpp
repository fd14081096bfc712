#include <gtest/gtest.h>

#include <bia/client/error.hpp>
#include <bia/client/result.hpp>
#include <string>
#include <type_traits>

namespace bia::client {
namespace {

using IntResult = Result<int, std::string>;

static_assert(!std::is_convertible_v<IntResult, bool>, "operator bool must be explicit");
static_assert(std::is_constructible_v<bool, IntResult>);

TEST(Result, HoldsAValue) {
    IntResult r = 42;
    EXPECT_TRUE(r.has_value());
    EXPECT_TRUE(static_cast<bool>(r));
    EXPECT_EQ(r.value(), 42);
    EXPECT_EQ(*r, 42);
    EXPECT_THROW((void)r.error(), BadResultAccess);
}

TEST(Result, HoldsAnError) {
    IntResult r = std::string("boom");
    EXPECT_FALSE(r.has_value());
    EXPECT_FALSE(static_cast<bool>(r));
    EXPECT_EQ(r.error(), "boom");
    EXPECT_THROW((void)r.value(), BadResultAccess);
}

TEST(Result, MovesTheValueOut) {
    Result<std::string, int> r = std::string(100, 'x');
    std::string taken = std::move(r).value();
    EXPECT_EQ(taken.size(), 100u);
}

TEST(Result, ArrowReachesMembers) {
    Result<std::string, int> r = std::string("abc");
    EXPECT_EQ(r->size(), 3u);
}

TEST(Error, DescribeNamesTheAlternative) {
    Error<int> transport = TransportError{7, "Couldn't connect to server"};
    EXPECT_EQ(describe(transport), "transport error (curl 7): Couldn't connect to server");
    EXPECT_FALSE(status_of(transport).has_value());
    Error<int> serde = SerdeError{"missing required key at `id`", 200, "{}"};
    EXPECT_EQ(describe(serde), "could not decode the answer (HTTP 200): missing required key at `id`");
    EXPECT_EQ(status_of(serde), 200);
    Error<int> response = ResponseContent<int>{410, R"({"error":{}})", 1};
    EXPECT_EQ(describe(response), R"(HTTP 410: {"error":{}})");
    EXPECT_EQ(status_of(response), 410);
}

}  // namespace
}  // namespace bia::client
