#include "strategy/webauthn/webauthn_nodes.hpp"

#include "core/uuid.hpp"
#include "selfservice/flow/flow.hpp"
#include "strategy/webauthn/webauthn_script.hpp"
#include "text/message.hpp"

namespace bia::strategy::webauthn {

ui::Node ScriptNode(std::string_view public_base_url, core::Random& random) {
    ui::Node n;
    n.group = std::string(ui::kGroupWebauthn);
    n.attributes = ui::ScriptAttributes{selfservice::PublicUrl(public_base_url, kScriptPath),
                                        true,
                                        "no-referrer",
                                        "anonymous",
                                        ScriptIntegrity(),
                                        "text/javascript",
                                        std::string(kScriptNode),
                                        core::Uuid::V4(random).ToString()};
    return n;
}

ui::Node DisplayNameInput() {
    return ui::WithLabel(ui::NewInput(kRegisterDisplayNameField, ui::kGroupWebauthn, ui::kInputText),
                         text::NewInfoSettingsRegisterWebAuthnDisplayName());
}

namespace {

ui::Node Trigger(std::string_view name, std::string_view function, const std::string& options_json,
                 text::Message label) {
    ui::Node n =
        ui::WithLabel(ui::NewInput(name, ui::kGroupWebauthn, ui::kInputButton, options_json), std::move(label));
    auto& a = std::get<ui::InputAttributes>(n.attributes);
    a.onclick = std::string(function) + "(" + options_json + ")";
    a.onclick_trigger = std::string(function);
    return n;
}

}  // namespace

ui::Node RegisterTrigger(const std::string& options_json) {
    return Trigger(kRegisterTrigger, kRegistrationFunction, options_json, text::NewInfoSettingsRegisterWebAuthn());
}

ui::Node RegisterInput() { return ui::NewInput(kRegisterField, ui::kGroupWebauthn, ui::kInputHidden); }

ui::Node RemoveSubmit(const StoredKey& key, bool disabled) {
    ui::Node n = ui::WithLabel(
        ui::NewInput(kRemoveField, ui::kGroupWebauthn, ui::kInputSubmit, HexId(key.id)),
        text::NewInfoSettingsRemoveWebAuthn(key.display_name.empty() ? "unnamed" : key.display_name, key.added_at));
    std::get<ui::InputAttributes>(n.attributes).disabled = disabled;
    return n;
}

ui::Node LoginTrigger(const std::string& options_json) {
    return Trigger(kLoginTrigger, kLoginFunction, options_json, text::NewInfoLoginWebAuthn());
}

ui::Node LoginInput() { return ui::NewInput(kLoginField, ui::kGroupWebauthn, ui::kInputHidden); }

}  // namespace bia::strategy::webauthn
