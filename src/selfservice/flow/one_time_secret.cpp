#include "selfservice/flow/one_time_secret.hpp"

#include "core/crypto_util.hpp"
#include "core/encoding.hpp"

namespace bia::selfservice {

std::string_view ToString(SecretKind kind) {
    switch (kind) {
        case SecretKind::kVerificationCode:
            return "verification_code";
        case SecretKind::kVerificationLink:
            return "verification_link";
        case SecretKind::kRecoveryCode:
            return "recovery_code";
        case SecretKind::kRecoveryLink:
            return "recovery_link";
        case SecretKind::kUndoChange:
            return "undo_change";
    }
    return "";
}

std::string SecretDigest(std::string_view key, std::string_view secret) {
    return core::HexEncode(core::HmacSha256(key, secret));
}

}  // namespace bia::selfservice
