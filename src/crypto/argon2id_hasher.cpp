#include "crypto/argon2id_hasher.hpp"

#include "core/encoding.hpp"
#include "crypto/hash_format.hpp"
#include "crypto/kdf.hpp"

namespace bia::crypto {

core::Status Argon2idHasher::Validate(const Argon2Params& p) {
    if (p.iterations < 1) return core::Internal("argon2: iterations must be at least 1");
    if (p.parallelism < 1 || p.parallelism > 255) {
        return core::Internal("argon2: parallelism must be between 1 and 255");
    }
    if (p.memory_kib < 8ULL * p.parallelism) {
        return core::Internal("argon2: memory must be at least 8 KiB per lane");
    }
    if (p.salt_length < 8) return core::Internal("argon2: salt_length must be at least 8 bytes");
    if (p.key_length < 4) return core::Internal("argon2: key_length must be at least 4 bytes");
    return core::Status::Ok();
}

core::Result<std::string> Argon2idHasher::Hash(std::string_view password) const {
    BIA_TRY(Validate(params_));
    if (password.size() > kMaxPasswordBytes)
        return core::BadRequest("passwords are limited to a maximum length of " + std::to_string(kMaxPasswordBytes) +
                                " characters");
    Argon2Hash h;
    h.variant = Argon2Variant::kArgon2id;
    h.memory_kib = params_.memory_kib;
    h.iterations = params_.iterations;
    h.parallelism = params_.parallelism;
    const auto salt = random_.Bytes(params_.salt_length);
    h.salt.assign(core::AsChars(salt));
    const Argon2Cost cost{params_.memory_kib, params_.iterations, params_.parallelism, params_.threads};
    BIA_TRY_ASSIGN(h.key, Argon2Derive(Argon2Variant::kArgon2id, cost, password, h.salt, params_.key_length));
    return FormatArgon2(h);
}

bool Argon2idHasher::Understands(std::string_view encoded) const {
    return DetectHashFormat(encoded) == HashFormat::kArgon2id;
}

bool Argon2idHasher::MatchesParameters(std::string_view encoded) const {
    auto h = ParseArgon2(encoded);
    return h && h->variant == Argon2Variant::kArgon2id && h->memory_kib == params_.memory_kib &&
           h->iterations == params_.iterations && h->parallelism == params_.parallelism &&
           h->salt.size() == params_.salt_length && h->key.size() == params_.key_length;
}

}  // namespace bia::crypto
