// 128-bit ids: random (RFC 4122 v4) for identities, sessions, addresses and errors; time-ordered
// (RFC 9562 v7) for self-service flows, whose rows are written most often.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/random.hpp"

namespace bia::core {

class Uuid {
  public:
    Uuid() = default;  // the nil UUID
    static Uuid V4(Random& random);
    // RFC 9562 version 7: the Unix time in milliseconds (48 bits), then 74 random bits. Ids made
    // one after another sort by time, so a b-tree index on them grows at its right edge.
    static Uuid V7(Random& random, int64_t unix_ms);
    // Accepts the canonical 8-4-4-4-12 form (any hex case); nullopt otherwise.
    static std::optional<Uuid> Parse(std::string_view s);

    bool IsNil() const;
    std::string ToString() const;  // lower-case canonical form
    const std::array<uint8_t, 16>& bytes() const { return b_; }

    friend bool operator==(const Uuid&, const Uuid&) = default;
    // clang-tidy 14 misreads the defaulted <=> as a literal 0 compared with a pointer.
    friend auto operator<=>(const Uuid&, const Uuid&) = default;  // NOLINT(modernize-use-nullptr)

  private:
    std::array<uint8_t, 16> b_{};
};

}  // namespace bia::core
