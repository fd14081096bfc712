// 128-bit ids (RFC 4122 v4) for identities, sessions, flows, addresses and errors.
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
