// What the flows need of the courier (surrounding-api.md §9–10): "send this address the message
// built from that template". The courier (courier::Courier) renders the template, stores the
// message in its persistent queue and a dispatcher delivers it over SMTP later; the flows never
// wait for a mail server. Template names and model fields are Kratos's, so a team's template
// overrides keep working.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "core/result.hpp"

namespace bia::courier {

// Kratos's template types (the `template_type` of a courier message).
enum class Template {
    kVerificationValid,        // link to verify a known address
    kVerificationInvalid,      // someone asked to verify an address no account has
    kVerificationCodeValid,    // code (and link) to verify a known address
    kVerificationCodeInvalid,  //
    kRecoveryValid,            // link to recover an account
    kRecoveryInvalid,          //
    kRecoveryCodeValid,        // code to recover an account
    kRecoveryCodeInvalid,      //
    // Bia's own (no Kratos counterpart): to the previous address after an address or password
    // change, with a single-use link that undoes it.
    kChangeNotice,
};

// "verification_valid", "verification_code_invalid", "recovery_code_valid", …
std::string_view TemplateName(Template t);

// Queues one email. `model` holds the template's fields by Kratos's names:
//   To (the recipient), RequestURL (the flow's request URL), Identity (identity JSON, valid
//   templates only), VerificationURL, VerificationCode, RecoveryURL, RecoveryCode; the change
//   notice has Change ("address" or "password"), NewAddress (address changes) and UndoURL.
// Returns once the message is stored; an error only when it could not be stored.
class Mailer {
  public:
    virtual ~Mailer() = default;
    virtual core::Status Queue(Template t, std::string_view recipient, const nlohmann::json& model) = 0;
};

}  // namespace bia::courier
