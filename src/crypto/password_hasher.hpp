// The password hasher interface: one implementation per `hashers.algorithm` (bcrypt, argon2).
// Hashes are produced in the formats of settings-flow.md §15; verification of every accepted
// format (including imported ones) is PasswordVerifier's job.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace bia::crypto {

// bcrypt only reads the first 72 bytes; Kratos refuses longer passwords instead of silently
// truncating them (settings-flow.md §8.2.1, last row).
inline constexpr size_t kBcryptMaxPasswordBytes = 72;
inline constexpr std::string_view kBcryptTooLongReason = "passwords are limited to a maximum length of 72 characters";

// Bia's hard cap on any password, whatever the hasher, enforced before any policy check, hash or
// verification (issue 13): the similarity check costs identifier × password length and runs on
// the request threads, so a megabyte password must be refused before it does any work.
inline constexpr size_t kMaxPasswordBytes = 4096;

// The distinct error BcryptHasher::Hash returns for a password over 72 bytes; the password
// policy turns it into message 4000005 (G1) / 4000033 (G2).
core::Error PasswordTooLongError();
bool IsPasswordTooLongError(const core::Error& error);

class PasswordHasher {
  public:
    virtual ~PasswordHasher() = default;

    // Hashes with a fresh random salt. Safe to call from several threads at once when the
    // Random the hasher was given is (core::SecureRandom is).
    virtual core::Result<std::string> Hash(std::string_view password) const = 0;

    // Whether `encoded` belongs to this hasher's algorithm family, whatever its parameters
    // (Kratos's "Understands": a bcrypt hasher understands every "$2a$/$2b$/$2y$" hash).
    virtual bool Understands(std::string_view encoded) const = 0;

    // Whether `encoded` was produced by this algorithm with exactly the configured parameters.
    virtual bool MatchesParameters(std::string_view encoded) const = 0;

    // The `hashers.algorithm` value this hasher implements: "bcrypt" or "argon2".
    virtual std::string_view Algorithm() const = 0;

    // Working memory one Hash() call needs, so the hash pool can bound concurrency by memory.
    virtual uint64_t MemoryKibPerHash() const = 0;
};

}  // namespace bia::crypto
