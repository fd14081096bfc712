// Verifies a password against any stored or imported hash Bia accepts: bcrypt ($2a$/$2b$/$2y$),
// argon2id, argon2i and pbkdf2 (sha1/sha256/sha512, plus Kratos's sha224/sha384 quirk), in the
// encodings Kratos reads (surrounding-api.md §4), and says when a login should re-hash.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "crypto/password_hasher.hpp"

namespace bia::crypto {

inline constexpr std::string_view kUnknownHashFormatReason =
    "The imported password does not match any known hash format. For more information see "
    "https://www.ory.sh/dr/2";

// The 400 error for a hash in no accepted format (surrounding-api.md §4).
core::Error UnknownHashFormatError();

// The most work one verification may cost (issue 13): an imported hash above these bounds would
// hold a hash worker for minutes or hours on every login attempt, so it is refused on import and
// never run at login. Argon2 lanes are bounded too: libargon2 starts a thread per lane.
inline constexpr int kMaxBcryptCost = 16;
inline constexpr uint32_t kMaxArgon2MemoryKiB = 1024 * 1024;  // 1 GiB
inline constexpr uint32_t kMaxArgon2Iterations = 10;
inline constexpr uint32_t kMaxArgon2Parallelism = 64;
inline constexpr uint64_t kMaxPbkdf2Work = 10'000'000;  // iterations × digest blocks of the key

// nullopt when `encoded` (in an accepted format) is within the bounds above; otherwise the reason,
// naming the limit ("bcrypt cost 31 exceeds the limit of 16").
std::optional<std::string> HashWorkOverLimit(std::string_view encoded);

class PasswordVerifier {
  public:
    // true = match, false = mismatch. Every comparison of derived keys is constant-time.
    // A hash that is not in an accepted format, or that is but does not parse, fails with
    // UnknownHashFormatError(). For bcrypt hashes a password over 72 bytes, or containing a
    // NUL byte, is a mismatch (Kratos refuses the first; crypt(3) cannot represent the second).
    // A hash whose work is over the bounds (HashWorkOverLimit), or a password over
    // kMaxPasswordBytes, is a mismatch without running anything.
    core::Result<bool> Verify(std::string_view password, std::string_view encoded) const;

    // Whether `encoded` is accepted for import. Stricter than Kratos's prefix test: the whole
    // string must parse and be within what we can verify, so an unusable hash is refused at
    // import time instead of failing every later login.
    bool IsKnownFormat(std::string_view encoded) const;

    // For an import: UnknownHashFormatError() unless IsKnownFormat, a 400 naming the limit when
    // the hash's work is over the bounds, else ok.
    core::Status CheckImportable(std::string_view encoded) const;

    // Whether a successful login with `encoded` should store a fresh hash from `current`:
    // true when the hash is of another algorithm (an import, or a changed `hashers.algorithm`)
    // or of the same algorithm with other parameters (e.g. a raised bcrypt cost).
    bool NeedsRehash(std::string_view encoded, const PasswordHasher& current) const;
};

}  // namespace bia::crypto
