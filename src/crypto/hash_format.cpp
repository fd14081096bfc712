#include "crypto/hash_format.hpp"

#include <charconv>
#include <vector>

#include "core/encoding.hpp"

namespace bia::crypto {

namespace {

constexpr uint32_t kArgon2Version = 19;
// Bounds that keep a hostile import from asking for absurd work or memory; every real-world
// hash sits far inside them.
constexpr size_t kMaxSaltBytes = 1024;
constexpr size_t kMaxKeyBytes = 1024;

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

std::vector<std::string_view> Split(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    size_t start = 0;
    while (true) {
        size_t pos = s.find(sep, start);
        if (pos == std::string_view::npos) {
            out.push_back(s.substr(start));
            return out;
        }
        out.push_back(s.substr(start, pos - start));
        start = pos + 1;
    }
}

// Plain decimal digits only (no sign, no spaces), fitting in uint32.
std::optional<uint32_t> ParseU32(std::string_view s) {
    if (s.empty() || s.size() > 10) return std::nullopt;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
    }
    uint64_t v = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || ptr != s.data() + s.size() || v > UINT32_MAX) return std::nullopt;
    return static_cast<uint32_t>(v);
}

// "k=<u32>" → value.
std::optional<uint32_t> ParseField(std::string_view s, std::string_view key) {
    if (s.size() <= key.size() + 1 || s.substr(0, key.size()) != key || s[key.size()] != '=') {
        return std::nullopt;
    }
    return ParseU32(s.substr(key.size() + 1));
}

bool IsBcryptChar(char c) {
    return c == '.' || c == '/' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool IsPbkdf2Prefix(std::string_view encoded) {
    // ^\$pbkdf2-sha[0-9]{1,3}\$
    constexpr std::string_view kHead = "$pbkdf2-sha";
    if (!StartsWith(encoded, kHead)) return false;
    size_t i = kHead.size();
    size_t digits = 0;
    while (i < encoded.size() && digits < 4 && encoded[i] >= '0' && encoded[i] <= '9') {
        ++i;
        ++digits;
    }
    return digits >= 1 && digits <= 3 && i < encoded.size() && encoded[i] == '$';
}

}  // namespace

std::optional<std::string> DecodeRawStdBase64(std::string_view text) {
    if (text.find('=') != std::string_view::npos) return std::nullopt;
    auto decoded = core::Base64Decode(text);
    // Re-encoding catches non-zero trailing bits, which a strict decoder rejects.
    if (!decoded || core::Base64Encode(*decoded, /*pad=*/false) != text) return std::nullopt;
    return decoded;
}

HashFormat DetectHashFormat(std::string_view encoded) {
    if (StartsWith(encoded, "$2a$") || StartsWith(encoded, "$2b$") || StartsWith(encoded, "$2y$")) {
        return HashFormat::kBcrypt;
    }
    if (StartsWith(encoded, "$argon2id$")) return HashFormat::kArgon2id;
    if (StartsWith(encoded, "$argon2i$")) return HashFormat::kArgon2i;
    if (IsPbkdf2Prefix(encoded)) return HashFormat::kPbkdf2;
    return HashFormat::kUnknown;
}

std::optional<BcryptHash> ParseBcrypt(std::string_view encoded) {
    if (encoded.size() != 60 || DetectHashFormat(encoded) != HashFormat::kBcrypt) return std::nullopt;
    if (encoded[6] != '$') return std::nullopt;
    auto cost = ParseU32(encoded.substr(4, 2));
    if (!cost || *cost < 4 || *cost > 31) return std::nullopt;
    for (char c : encoded.substr(7)) {
        if (!IsBcryptChar(c)) return std::nullopt;
    }
    BcryptHash h;
    h.minor = encoded[2];
    h.cost = static_cast<int>(*cost);
    h.salt = encoded.substr(7, 22);
    h.checksum = encoded.substr(29, 31);
    return h;
}

std::optional<Argon2Hash> ParseArgon2(std::string_view encoded) {
    const HashFormat format = DetectHashFormat(encoded);
    if (format != HashFormat::kArgon2id && format != HashFormat::kArgon2i) return std::nullopt;
    auto parts = Split(encoded, '$');
    if (parts.size() != 6) return std::nullopt;
    auto version = ParseField(parts[2], "v");
    if (!version || *version != kArgon2Version) return std::nullopt;
    auto params = Split(parts[3], ',');
    if (params.size() != 3) return std::nullopt;
    auto m = ParseField(params[0], "m");
    auto t = ParseField(params[1], "t");
    auto p = ParseField(params[2], "p");
    // Kratos reads p into a uint8; libargon2 needs at least 8 KiB of memory per lane.
    if (!m || !t || !p || *t < 1 || *p < 1 || *p > 255 || *m < 8ULL * *p) return std::nullopt;
    auto salt = DecodeRawStdBase64(parts[4]);
    auto key = DecodeRawStdBase64(parts[5]);
    if (!salt || !key || salt->size() < 8 || salt->size() > kMaxSaltBytes || key->size() < 4 ||
        key->size() > kMaxKeyBytes) {
        return std::nullopt;
    }
    Argon2Hash h;
    h.variant = format == HashFormat::kArgon2id ? Argon2Variant::kArgon2id : Argon2Variant::kArgon2i;
    h.memory_kib = *m;
    h.iterations = *t;
    h.parallelism = *p;
    h.salt = std::move(*salt);
    h.key = std::move(*key);
    return h;
}

std::string FormatArgon2(const Argon2Hash& h) {
    std::string out = h.variant == Argon2Variant::kArgon2id ? "$argon2id" : "$argon2i";
    out += "$v=" + std::to_string(kArgon2Version);
    out += "$m=" + std::to_string(h.memory_kib) + ",t=" + std::to_string(h.iterations) +
           ",p=" + std::to_string(h.parallelism);
    out += "$" + core::Base64Encode(h.salt, /*pad=*/false);
    out += "$" + core::Base64Encode(h.key, /*pad=*/false);
    return out;
}

std::optional<Pbkdf2Hash> ParsePbkdf2(std::string_view encoded) {
    if (DetectHashFormat(encoded) != HashFormat::kPbkdf2) return std::nullopt;
    auto parts = Split(encoded, '$');
    if (parts.size() != 5) return std::nullopt;
    const std::string_view name = parts[1].substr(std::string_view("pbkdf2-").size());
    Pbkdf2Hash h;
    if (name == "sha1") {
        h.digest = Pbkdf2Digest::kSha1;
    } else if (name == "sha224") {
        h.digest = Pbkdf2Digest::kSha3_224;
    } else if (name == "sha384") {
        h.digest = Pbkdf2Digest::kSha3_384;
    } else if (name == "sha512") {
        h.digest = Pbkdf2Digest::kSha512;
    } else {
        h.digest = Pbkdf2Digest::kSha256;  // "sha256" and, like Kratos, any other sha<digits>
    }
    auto params = Split(parts[2], ',');
    if (params.size() != 2) return std::nullopt;
    auto iterations = ParseField(params[0], "i");
    auto length = ParseField(params[1], "l");
    // Zero iterations would be one iteration in Go but an error in OpenSSL: refuse it upfront.
    if (!iterations || !length || *iterations < 1 || *iterations > INT32_MAX) return std::nullopt;
    auto salt = DecodeRawStdBase64(parts[3]);
    auto key = DecodeRawStdBase64(parts[4]);
    // An empty key would compare equal to an empty derivation for every password; refuse it.
    if (!salt || !key || key->empty() || salt->size() > kMaxSaltBytes || key->size() > kMaxKeyBytes) {
        return std::nullopt;
    }
    h.iterations = *iterations;
    h.salt = std::move(*salt);
    h.key = std::move(*key);
    return h;
}

}  // namespace bia::crypto
