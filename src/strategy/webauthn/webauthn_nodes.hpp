// The UI nodes of the webauthn method (group `webauthn`, settings-flow.md §8.5 and the aal2 login
// form) and the body fields it reads.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/random.hpp"
#include "strategy/body_fields.hpp"
#include "strategy/webauthn/webauthn_keys.hpp"
#include "ui/node.hpp"

namespace bia::strategy::webauthn {

inline constexpr std::string_view kMethod = "webauthn";
inline constexpr std::string_view kRegisterField = "webauthn_register";
inline constexpr std::string_view kRegisterDisplayNameField = "webauthn_register_displayname";
inline constexpr std::string_view kRegisterTrigger = "webauthn_register_trigger";
inline constexpr std::string_view kRemoveField = "webauthn_remove";
inline constexpr std::string_view kLoginField = "webauthn_login";
inline constexpr std::string_view kLoginTrigger = "webauthn_login_trigger";
inline constexpr std::string_view kScriptNode = "webauthn_script";
// A key's display name is kept with the identity: at most this many bytes.
inline constexpr size_t kMaxDisplayNameBytes = 256;

// `webauthn_script`: PUBLIC/.well-known/ory/webauthn.js with its integrity hash and a fresh nonce.
ui::Node ScriptNode(std::string_view public_base_url, core::Random& random);
// `webauthn_register_displayname` (1050013).
ui::Node DisplayNameInput();
// `webauthn_register_trigger` (1050012): calls oryWebAuthnRegistration(<options>).
ui::Node RegisterTrigger(const std::string& options_json);
// `webauthn_register`: the hidden input the script fills.
ui::Node RegisterInput();
// `webauthn_remove` for one key (1050018), disabled when removing it would lock the user out.
ui::Node RemoveSubmit(const StoredKey& key, bool disabled);
// Login: `webauthn_login_trigger` (1010008) calling oryWebAuthnLogin(<options>), and the hidden
// `webauthn_login` input.
ui::Node LoginTrigger(const std::string& options_json);
ui::Node LoginInput();

using strategy::BoolField;
using strategy::StringField;

}  // namespace bia::strategy::webauthn
