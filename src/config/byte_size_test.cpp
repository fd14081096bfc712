#include "config/byte_size.hpp"

#include <gtest/gtest.h>

namespace bia::config {
namespace {

TEST(ByteSize, ParsesUnitsAsPowersOf1024) {
    EXPECT_EQ(ParseByteSize("128MB"), 128ULL * 1024 * 1024);
    EXPECT_EQ(ParseByteSize("1GB"), 1ULL << 30);
    EXPECT_EQ(ParseByteSize("64KB"), 64ULL * 1024);
    EXPECT_EQ(ParseByteSize("1024B"), 1024ULL);
    EXPECT_EQ(ParseByteSize("2TB"), 2ULL << 40);
    EXPECT_EQ(ParseByteSize("1PB"), 1ULL << 50);
    EXPECT_EQ(ParseByteSize("3EB"), 3ULL << 60);
}

TEST(ByteSize, AcceptsSpacesLowerCaseAndLongUnitNames) {
    EXPECT_EQ(ParseByteSize(" 1 GB "), 1ULL << 30);
    EXPECT_EQ(ParseByteSize("128mb"), 128ULL << 20);
    EXPECT_EQ(ParseByteSize("64kilobytes"), 64ULL << 10);
    EXPECT_EQ(ParseByteSize("1 megabyte"), 1ULL << 20);
    EXPECT_EQ(ParseByteSize("5 bytes"), 5ULL);
}

TEST(ByteSize, BareDigitsAreBytes) {
    EXPECT_EQ(ParseByteSize("131072"), 131072ULL);
    EXPECT_EQ(ParseByteSize("0"), 0ULL);
}

TEST(ByteSize, RejectsMalformedInput) {
    EXPECT_FALSE(ParseByteSize(""));
    EXPECT_FALSE(ParseByteSize("MB"));
    EXPECT_FALSE(ParseByteSize("1.5GB"));  // fractions are not accepted (as in Kratos)
    EXPECT_FALSE(ParseByteSize("12XB"));
    EXPECT_FALSE(ParseByteSize("-1MB"));
    EXPECT_FALSE(ParseByteSize("12 MB extra"));
    EXPECT_FALSE(ParseByteSize("kilobytesss"));
}

TEST(ByteSize, RejectsOverflow) {
    EXPECT_FALSE(ParseByteSize("16EB"));                     // 2^64
    EXPECT_FALSE(ParseByteSize("99999999999999999999999"));  // > uint64
    EXPECT_EQ(ParseByteSize("15EB"), 15ULL << 60);
}

TEST(ByteSize, FormatsWithLargestExactUnit) {
    EXPECT_EQ(FormatByteSize(128ULL << 20), "128MB");
    EXPECT_EQ(FormatByteSize(1ULL << 30), "1GB");
    EXPECT_EQ(FormatByteSize(1536), "1536B");
    EXPECT_EQ(FormatByteSize(3072), "3KB");
    EXPECT_EQ(FormatByteSize(1000), "1000B");
    EXPECT_EQ(FormatByteSize(0), "0B");
}

}  // namespace
}  // namespace bia::config
