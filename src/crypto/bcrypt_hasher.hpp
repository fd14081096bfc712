// bcrypt password hashing through libxcrypt, the default `hashers.algorithm`
// (settings-flow.md §15, §18: cost 12 by default, lower only in dev mode).
#pragma once

#include "core/random.hpp"
#include "crypto/password_hasher.hpp"

namespace bia::crypto {

inline constexpr int kBcryptMinCost = 4;
inline constexpr int kBcryptMaxCost = 31;

// Emits "$2b$<cost>$…" (60 characters). Kratos emits "$2a$"; for passwords of at most 72 bytes
// the two minors compute the same function in Go's bcrypt, which Kratos uses, so either side
// verifies the other's hashes (PasswordVerifier reads "$2a$" with Go's semantics).
class BcryptHasher final : public PasswordHasher {
  public:
    // `random` supplies the salt and must outlive the hasher.
    BcryptHasher(int cost, core::Random& random) : cost_(cost), random_(random) {}

    // Fails with PasswordTooLongError() for passwords over 72 bytes, with a 400 for passwords
    // containing a NUL byte (crypt(3) would silently cut them there), and with a 500 when the
    // configured cost is outside 4..31.
    core::Result<std::string> Hash(std::string_view password) const override;
    bool Understands(std::string_view encoded) const override;
    bool MatchesParameters(std::string_view encoded) const override;
    std::string_view Algorithm() const override { return "bcrypt"; }
    uint64_t MemoryKibPerHash() const override { return 5; }  // S-boxes + P-array, ~4.2 KiB

    int cost() const { return cost_; }

  private:
    int cost_;
    core::Random& random_;
};

}  // namespace bia::crypto
