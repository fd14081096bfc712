#include "courier/mailer.hpp"

namespace bia::courier {

std::string_view TemplateName(Template t) {
    switch (t) {
        case Template::kVerificationValid:
            return "verification_valid";
        case Template::kVerificationInvalid:
            return "verification_invalid";
        case Template::kVerificationCodeValid:
            return "verification_code_valid";
        case Template::kVerificationCodeInvalid:
            return "verification_code_invalid";
        case Template::kRecoveryValid:
            return "recovery_valid";
        case Template::kRecoveryInvalid:
            return "recovery_invalid";
        case Template::kRecoveryCodeValid:
            return "recovery_code_valid";
        case Template::kRecoveryCodeInvalid:
            return "recovery_code_invalid";
        case Template::kChangeNotice:
            return "change_notice";
    }
    return "";
}

}  // namespace bia::courier
