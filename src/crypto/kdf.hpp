// The raw password-hashing primitives behind the hashers and the verifier: Argon2 (libargon2),
// PBKDF2 (OpenSSL) and bcrypt (libxcrypt's crypt_r). They know nothing about encoded hash
// strings; hash_format.hpp parses those, and settings-flow.md §15 names what we produce.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace bia::crypto {

enum class Argon2Variant { kArgon2i, kArgon2id };

struct Argon2Cost {
    uint32_t memory_kib = 0;
    uint32_t iterations = 0;
    uint32_t parallelism = 0;  // lanes; part of the hash
    uint32_t threads = 0;      // worker threads for one hash; 0 = min(lanes, cores). Not part of the hash.
};

// The derived key of `key_length` bytes. libargon2's own limits apply (salt >= 8 bytes,
// memory >= 8 KiB per lane, key >= 4 bytes): outside them this returns an error.
core::Result<std::string> Argon2Derive(Argon2Variant variant, const Argon2Cost& cost, std::string_view password,
                                       std::string_view salt, size_t key_length);

// sha224/sha384 are SHA3-224/SHA3-384 on purpose: Kratos's PBKDF2 comparator maps those two
// names to SHA-3, so a hash it accepts must verify the same way here.
enum class Pbkdf2Digest { kSha1, kSha256, kSha512, kSha3_224, kSha3_384 };

core::Result<std::string> Pbkdf2Derive(Pbkdf2Digest digest, uint32_t iterations, std::string_view password,
                                       std::string_view salt, size_t key_length);

// crypt_r(password, setting) for a bcrypt setting ("$2b$NN$<22 salt chars>[checksum]"): the full
// 60-character result. The C interface stops at a NUL byte, so passwords containing one are
// refused here rather than silently truncated.
core::Result<std::string> BcryptCrypt(std::string_view password, std::string_view setting);

// A fresh bcrypt setting string "$2b$NN$<salt>" from 16 salt bytes.
core::Result<std::string> BcryptSetting(int cost, std::string_view salt16);

}  // namespace bia::crypto
