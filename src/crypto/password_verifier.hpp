// Verifies a password against any stored or imported hash Bia accepts: bcrypt ($2a$/$2b$/$2y$),
// argon2id, argon2i and pbkdf2 (sha1/sha256/sha512, plus Kratos's sha224/sha384 quirk), in the
// encodings Kratos reads (surrounding-api.md §4), and says when a login should re-hash.
#pragma once

#include <string_view>

#include "core/result.hpp"
#include "crypto/password_hasher.hpp"

namespace bia::crypto {

inline constexpr std::string_view kUnknownHashFormatReason =
    "The imported password does not match any known hash format. For more information see "
    "https://www.ory.sh/dr/2";

// The 400 error for a hash in no accepted format (surrounding-api.md §4).
core::Error UnknownHashFormatError();

class PasswordVerifier {
  public:
    // true = match, false = mismatch. Every comparison of derived keys is constant-time.
    // A hash that is not in an accepted format, or that is but does not parse, fails with
    // UnknownHashFormatError(). For bcrypt hashes a password over 72 bytes, or containing a
    // NUL byte, is a mismatch (Kratos refuses the first; crypt(3) cannot represent the second).
    core::Result<bool> Verify(std::string_view password, std::string_view encoded) const;

    // Whether `encoded` is accepted for import. Stricter than Kratos's prefix test: the whole
    // string must parse and be within what we can verify, so an unusable hash is refused at
    // import time instead of failing every later login.
    bool IsKnownFormat(std::string_view encoded) const;

    // Whether a successful login with `encoded` should store a fresh hash from `current`:
    // true when the hash is of another algorithm (an import, or a changed `hashers.algorithm`)
    // or of the same algorithm with other parameters (e.g. a raised bcrypt cost).
    bool NeedsRehash(std::string_view encoded, const PasswordHasher& current) const;
};

}  // namespace bia::crypto
