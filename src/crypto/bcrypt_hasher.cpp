#include "crypto/bcrypt_hasher.hpp"

#include "core/encoding.hpp"
#include "crypto/hash_format.hpp"
#include "crypto/kdf.hpp"

namespace bia::crypto {

core::Result<std::string> BcryptHasher::Hash(std::string_view password) const {
    if (password.size() > kBcryptMaxPasswordBytes) return PasswordTooLongError();
    if (cost_ < kBcryptMinCost || cost_ > kBcryptMaxCost) {
        return core::Internal("bcrypt cost must be between 4 and 31, got " + std::to_string(cost_));
    }
    const auto salt = random_.Bytes(16);
    BIA_TRY_ASSIGN(std::string setting, BcryptSetting(cost_, core::AsChars(salt)));
    return BcryptCrypt(password, setting);
}

bool BcryptHasher::Understands(std::string_view encoded) const {
    return DetectHashFormat(encoded) == HashFormat::kBcrypt;
}

bool BcryptHasher::MatchesParameters(std::string_view encoded) const {
    auto parsed = ParseBcrypt(encoded);
    return parsed && parsed->cost == cost_;
}

}  // namespace bia::crypto
