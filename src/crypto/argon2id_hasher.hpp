// argon2id password hashing through libargon2 (`hashers.algorithm: argon2`), producing the PHC
// string of settings-flow.md §15: "$argon2id$v=19$m=<KiB>,t=<iter>,p=<lanes>$<salt>$<key>".
#pragma once

#include <cstdint>

#include "core/random.hpp"
#include "crypto/password_hasher.hpp"

namespace bia::crypto {

// `hashers.argon2.*`. Kratos's defaults are 128 MB, 1 iteration, 2×CPU lanes, 16-byte salt,
// 32-byte key; the config module supplies them. `threads` is ours: how many threads one hash
// may use (0 = min(lanes, cores)); it changes speed, never the result.
struct Argon2Params {
    uint32_t memory_kib = 131072;
    uint32_t iterations = 1;
    uint32_t parallelism = 4;
    uint32_t salt_length = 16;
    uint32_t key_length = 32;
    uint32_t threads = 0;
};

class Argon2idHasher final : public PasswordHasher {
  public:
    // `random` supplies the salt and must outlive the hasher.
    Argon2idHasher(Argon2Params params, core::Random& random) : params_(params), random_(random) {}

    // libargon2's limits, checked at startup so a bad config fails early rather than per login:
    // iterations >= 1, 1..255 lanes, memory >= 8 KiB per lane, salt >= 8 bytes, key >= 4 bytes.
    static core::Status Validate(const Argon2Params& params);

    core::Result<std::string> Hash(std::string_view password) const override;
    bool Understands(std::string_view encoded) const override;
    bool MatchesParameters(std::string_view encoded) const override;
    std::string_view Algorithm() const override { return "argon2"; }
    uint64_t MemoryKibPerHash() const override { return params_.memory_kib; }

    const Argon2Params& params() const { return params_; }

  private:
    Argon2Params params_;
    core::Random& random_;
};

}  // namespace bia::crypto
