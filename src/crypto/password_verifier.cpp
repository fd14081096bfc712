#include "crypto/password_verifier.hpp"

#include <algorithm>
#include <string>

#include "core/crypto_util.hpp"
#include "crypto/hash_format.hpp"
#include "crypto/kdf.hpp"

namespace bia::crypto {

core::Error UnknownHashFormatError() { return core::BadRequest(std::string(kUnknownHashFormatReason)); }

namespace {

core::Result<bool> VerifyBcrypt(std::string_view password, const BcryptHash& h) {
    if (password.size() > kBcryptMaxPasswordBytes) return false;
    if (password.find('\0') != std::string_view::npos) return false;
    // Go's bcrypt (Kratos) ignores the minor version. libxcrypt's "$2a$" adds crypt_blowfish's
    // safety tweak for some passwords containing 0xFF bytes, so compute every minor as "$2b$"
    // to match what Kratos computed. The checksum alone is compared: crypt_r normalises the
    // last salt character, whose low bits bcrypt never uses.
    const std::string setting =
        "$2b$" + std::string(h.cost < 10 ? "0" : "") + std::to_string(h.cost) + "$" + std::string(h.salt);
    BIA_TRY_ASSIGN(std::string computed, BcryptCrypt(password, setting));
    return core::ConstantTimeEquals(std::string_view(computed).substr(29), h.checksum);
}

core::Result<bool> VerifyArgon2(std::string_view password, const Argon2Hash& h) {
    const Argon2Cost cost{h.memory_kib, h.iterations, h.parallelism, 0};
    BIA_TRY_ASSIGN(std::string computed, Argon2Derive(h.variant, cost, password, h.salt, h.key.size()));
    return core::ConstantTimeEquals(computed, h.key);
}

core::Result<bool> VerifyPbkdf2(std::string_view password, const Pbkdf2Hash& h) {
    BIA_TRY_ASSIGN(std::string computed, Pbkdf2Derive(h.digest, h.iterations, password, h.salt, h.key.size()));
    return core::ConstantTimeEquals(computed, h.key);
}

}  // namespace

namespace {
// Output bytes of one PBKDF2 block: a key longer than that costs another full run of iterations.
uint64_t Pbkdf2DigestSize(Pbkdf2Digest digest) {
    switch (digest) {
        case Pbkdf2Digest::kSha1:
            return 20;
        case Pbkdf2Digest::kSha256:
            return 32;
        case Pbkdf2Digest::kSha512:
            return 64;
        case Pbkdf2Digest::kSha3_224:
            return 28;
        case Pbkdf2Digest::kSha3_384:
            return 48;
    }
    return 20;
}
}  // namespace

std::optional<std::string> HashWorkOverLimit(std::string_view encoded) {
    auto over = [](std::string_view what, uint64_t value, uint64_t limit) -> std::optional<std::string> {
        if (value <= limit) return std::nullopt;
        return std::string(what) + " " + std::to_string(value) + " exceeds the limit of " + std::to_string(limit);
    };
    switch (DetectHashFormat(encoded)) {
        case HashFormat::kBcrypt:
            if (auto h = ParseBcrypt(encoded))
                return over("bcrypt cost", static_cast<uint64_t>(h->cost), kMaxBcryptCost);
            break;
        case HashFormat::kArgon2id:
        case HashFormat::kArgon2i:
            if (auto h = ParseArgon2(encoded)) {
                if (auto r = over("argon2 memory (KiB)", h->memory_kib, kMaxArgon2MemoryKiB)) return r;
                if (auto r = over("argon2 iterations", h->iterations, kMaxArgon2Iterations)) return r;
                return over("argon2 parallelism", h->parallelism, kMaxArgon2Parallelism);
            }
            break;
        case HashFormat::kPbkdf2:
            if (auto h = ParsePbkdf2(encoded)) {
                const uint64_t digest = Pbkdf2DigestSize(h->digest);
                const uint64_t blocks = (h->key.size() + digest - 1) / digest;
                return over("pbkdf2 work (iterations × key blocks)",
                            uint64_t{h->iterations} * std::max<uint64_t>(blocks, 1), kMaxPbkdf2Work);
            }
            break;
        case HashFormat::kUnknown:
            break;
    }
    return std::nullopt;
}

core::Result<bool> PasswordVerifier::Verify(std::string_view password, std::string_view encoded) const {
    // Bounded before anything runs (issue 13): such a hash or password is a mismatch.
    if (password.size() > kMaxPasswordBytes || HashWorkOverLimit(encoded)) return false;
    switch (DetectHashFormat(encoded)) {
        case HashFormat::kBcrypt:
            if (auto h = ParseBcrypt(encoded)) return VerifyBcrypt(password, *h);
            break;
        case HashFormat::kArgon2id:
        case HashFormat::kArgon2i:
            if (auto h = ParseArgon2(encoded)) return VerifyArgon2(password, *h);
            break;
        case HashFormat::kPbkdf2:
            if (auto h = ParsePbkdf2(encoded)) return VerifyPbkdf2(password, *h);
            break;
        case HashFormat::kUnknown:
            break;
    }
    return UnknownHashFormatError();
}

bool PasswordVerifier::IsKnownFormat(std::string_view encoded) const {
    switch (DetectHashFormat(encoded)) {
        case HashFormat::kBcrypt:
            return ParseBcrypt(encoded).has_value();
        case HashFormat::kArgon2id:
        case HashFormat::kArgon2i:
            return ParseArgon2(encoded).has_value();
        case HashFormat::kPbkdf2:
            return ParsePbkdf2(encoded).has_value();
        case HashFormat::kUnknown:
            return false;
    }
    return false;
}

core::Status PasswordVerifier::CheckImportable(std::string_view encoded) const {
    if (!IsKnownFormat(encoded)) return UnknownHashFormatError();
    if (auto reason = HashWorkOverLimit(encoded))
        return core::BadRequest("The imported password hash asks for more work than Bia allows: " + *reason + ".");
    return {};
}

bool PasswordVerifier::NeedsRehash(std::string_view encoded, const PasswordHasher& current) const {
    return !current.Understands(encoded) || !current.MatchesParameters(encoded);
}

}  // namespace bia::crypto
