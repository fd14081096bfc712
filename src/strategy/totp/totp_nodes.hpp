// The UI nodes of the totp method (group `totp`, settings-flow.md §8.3 and the login aal2 form)
// and the body fields it reads.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "strategy/body_fields.hpp"
#include "text/message.hpp"
#include "ui/node.hpp"

namespace bia::strategy::totp {

// `totp_code`: a required text input.
ui::Node CodeInput(text::Message label);
// `method=totp`: the submit button.
ui::Node MethodSubmit(text::Message label);
// `totp_unlink=true` (1050004).
ui::Node UnlinkSubmit();
// `totp_qr`: the key URL's QR code, 256×256 (1050005).
ui::Node QrImage(std::string data_url);
// `totp_secret_key`: the base32 secret as text (1050006, label 1050017).
ui::Node SecretText(const std::string& secret_base32);

using strategy::BoolField;
using strategy::StringField;

}  // namespace bia::strategy::totp
