// Byte-size strings as kratos.yml writes them ("128MB", "1 GB", "64kilobytes"), used by the
// argon2 hasher settings. Units are powers of 1024, as in the Go library Kratos relies on.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bia::config {

// "<digits>[ ]<unit>", unit case-insensitive: B, KB, MB, GB, TB, PB, EB or the long forms
// (byte(s), kilobyte(s), …). A bare number of digits counts as bytes (Bia extension: Kratos
// requires a unit in strings). nullopt on anything else, including overflow of 64 bits.
std::optional<uint64_t> ParseByteSize(std::string_view text);

// Largest exact unit, for messages: 134217728 → "128MB", 1000 → "1000B".
std::string FormatByteSize(uint64_t bytes);

}  // namespace bia::config
