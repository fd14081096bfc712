// Form pieces the password method contributes to login, registration and settings flows
// (surrounding-api.md §7–8, settings-flow.md §8.2), and the mapping of password-policy findings
// to UI messages.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/password_policy.hpp"
#include "schema/schema.hpp"
#include "strategy/body_fields.hpp"
#include "text/message.hpp"
#include "ui/node.hpp"

namespace bia::strategy::password {

inline constexpr std::string_view kMethod = "password";
inline constexpr std::string_view kIdentifierField = "identifier";
inline constexpr std::string_view kLegacyIdentifierField = "password_identifier";
inline constexpr std::string_view kPasswordField = "password";

// `{"name":"password","type":"password","required":true}` labelled 1070001; `autocomplete` is
// "current-password" for login and "new-password" for registration/settings (G2).
ui::Node PasswordInput(std::string_view autocomplete);
// The `method=password` submit button with the given label.
ui::Node MethodSubmit(text::Message label);

// The label of the login identifier: the schema title of the first trait marked as a password
// identifier (1070002), else 1070004 "ID".
text::Message IdentifierLabel(const schema::Schema& schema);

// The G2 message for a policy violation (4000031–4000034, or 4000005 for a failed breach lookup).
text::Message PolicyMessage(const crypto::PasswordViolation& violation);

using strategy::StringField;

}  // namespace bia::strategy::password
