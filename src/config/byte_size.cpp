#include "config/byte_size.hpp"

#include <array>
#include <cctype>
#include <limits>
#include <utility>

namespace bia::config {
namespace {

struct Unit {
    std::string_view short_name;
    std::string_view long_name;  // singular; a trailing 's' is also accepted
    uint64_t factor;
};

constexpr std::array<Unit, 7> kUnits{{
    {"B", "BYTE", 1ULL},
    {"KB", "KILOBYTE", 1ULL << 10},
    {"MB", "MEGABYTE", 1ULL << 20},
    {"GB", "GIGABYTE", 1ULL << 30},
    {"TB", "TERABYTE", 1ULL << 40},
    {"PB", "PETABYTE", 1ULL << 50},
    {"EB", "EXABYTE", 1ULL << 60},
}};

std::string_view Trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

std::optional<uint64_t> UnitFactor(std::string_view unit) {
    std::string upper;
    upper.reserve(unit.size());
    for (char c : unit) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    for (const Unit& u : kUnits) {
        if (upper == u.short_name || upper == u.long_name) return u.factor;
        if (upper.size() == u.long_name.size() + 1 && upper.back() == 'S' &&
            std::string_view(upper).substr(0, u.long_name.size()) == u.long_name)
            return u.factor;
    }
    return std::nullopt;
}

}  // namespace

std::optional<uint64_t> ParseByteSize(std::string_view text) {
    std::string_view s = Trim(text);
    size_t digits = 0;
    while (digits < s.size() && std::isdigit(static_cast<unsigned char>(s[digits]))) ++digits;
    if (digits == 0) return std::nullopt;
    uint64_t value = 0;
    for (size_t i = 0; i < digits; ++i) {
        const uint64_t d = static_cast<uint64_t>(s[i] - '0');
        if (value > (std::numeric_limits<uint64_t>::max() - d) / 10) return std::nullopt;
        value = value * 10 + d;
    }
    std::string_view unit = Trim(s.substr(digits));
    uint64_t factor = 1;
    if (!unit.empty()) {
        auto f = UnitFactor(unit);
        if (!f) return std::nullopt;
        factor = *f;
    }
    if (value != 0 && factor > std::numeric_limits<uint64_t>::max() / value) return std::nullopt;
    return value * factor;
}

std::string FormatByteSize(uint64_t bytes) {
    for (auto it = kUnits.rbegin(); it != kUnits.rend(); ++it) {
        if (bytes != 0 && bytes % it->factor == 0)
            return std::to_string(bytes / it->factor) + std::string(it->short_name);
    }
    return std::to_string(bytes) + "B";
}

}  // namespace bia::config
