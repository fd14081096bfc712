#include "crypto/password_hasher.hpp"

namespace bia::crypto {

core::Error PasswordTooLongError() { return core::BadRequest(std::string(kBcryptTooLongReason)); }

bool IsPasswordTooLongError(const core::Error& error) {
    return error.code == 400 && error.reason == kBcryptTooLongReason;
}

}  // namespace bia::crypto
