// Parsing of the encoded password hashes Bia stores or accepts on import (settings-flow.md §15,
// surrounding-api.md §4): bcrypt MCF strings and the PHC-style argon2 / pbkdf2 strings in the
// exact shape Kratos reads them. Parsing is strict: what parses here can be verified.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/kdf.hpp"

namespace bia::crypto {

enum class HashFormat { kUnknown, kBcrypt, kArgon2id, kArgon2i, kPbkdf2 };

// Classifies by prefix only, as Kratos does ("$2a$", "$argon2id$", "$pbkdf2-sha256$", ...).
// A recognised prefix does not mean the rest parses; use the Parse* functions for that.
HashFormat DetectHashFormat(std::string_view encoded);

// "$2<a|b|y>$<cost>$<22 salt chars><31 checksum chars>".
struct BcryptHash {
    char minor = 'b';
    int cost = 0;               // 4..31
    std::string_view salt;      // 22 characters of bcrypt's base64 alphabet
    std::string_view checksum;  // 31 characters
};
std::optional<BcryptHash> ParseBcrypt(std::string_view encoded);

// "$argon2id$v=19$m=<KiB>,t=<iterations>,p=<lanes>$<salt>$<key>" (or "$argon2i$..."), salt and
// key in standard base64 without padding. Only version 19 exists in the wild and in Kratos.
struct Argon2Hash {
    Argon2Variant variant = Argon2Variant::kArgon2id;
    uint32_t memory_kib = 0;
    uint32_t iterations = 0;
    uint32_t parallelism = 0;
    std::string salt;  // raw bytes
    std::string key;   // raw bytes
};
std::optional<Argon2Hash> ParseArgon2(std::string_view encoded);
std::string FormatArgon2(const Argon2Hash& hash);

// "$pbkdf2-<digest>$i=<iterations>,l=<length>$<salt>$<key>", salt and key in standard base64
// without padding. As in Kratos, the derived length is the decoded key's length (the `l`
// field is read but not trusted), and a digest name Kratos does not know falls back to SHA-256.
struct Pbkdf2Hash {
    Pbkdf2Digest digest = Pbkdf2Digest::kSha256;
    uint32_t iterations = 0;
    std::string salt;
    std::string key;
};
std::optional<Pbkdf2Hash> ParsePbkdf2(std::string_view encoded);

// Strict base64 (standard alphabet, no padding, canonical trailing bits) as Go's
// RawStdEncoding.Strict() reads it.
std::optional<std::string> DecodeRawStdBase64(std::string_view text);

}  // namespace bia::crypto
