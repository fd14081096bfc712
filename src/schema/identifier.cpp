#include "schema/identifier.hpp"

#include "schema/go_text.hpp"

namespace bia::schema {

std::string NormalizeCredentialIdentifier(std::string_view credential_type, std::string_view value) {
    if (credential_type == "password" || credential_type == "webauthn" || credential_type == "code")
        return GoToLower(GoTrimSpace(value));
    return std::string(value);
}

std::string NormalizeEmailAddress(std::string_view value) { return GoToLower(GoTrimSpace(value)); }

}  // namespace bia::schema
