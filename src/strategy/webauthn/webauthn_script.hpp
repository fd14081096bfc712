// The browser half of the webauthn method: the script a UI loads from
// /.well-known/ory/webauthn.js. Its functions take the options the flow puts on the trigger
// buttons, call the Web Authentication API, write the credential as JSON into the form's hidden
// `webauthn_register` / `webauthn_login` input and submit that form. The script node carries the
// SHA-512 of these bytes as its integrity hash.
#pragma once

#include <string>
#include <string_view>

namespace bia::strategy::webauthn {

inline constexpr std::string_view kScriptPath = "/.well-known/ory/webauthn.js";
inline constexpr std::string_view kScriptContentType = "text/javascript; charset=UTF-8";
// The global functions the trigger buttons call (G2 names; the script also defines the G1
// `window.__ory…` names).
inline constexpr std::string_view kRegistrationFunction = "oryWebAuthnRegistration";
inline constexpr std::string_view kLoginFunction = "oryWebAuthnLogin";

std::string_view Script();
// "sha512-" + base64(SHA-512(Script())), computed once.
const std::string& ScriptIntegrity();

}  // namespace bia::strategy::webauthn
