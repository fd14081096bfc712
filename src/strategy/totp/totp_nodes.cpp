#include "strategy/totp/totp_nodes.hpp"

#include "strategy/totp/totp.hpp"
#include "strategy/totp/totp_settings.hpp"

namespace bia::strategy::totp {

ui::Node CodeInput(text::Message label) {
    return ui::WithLabel(ui::NewInput(kCodeField, ui::kGroupTotp, ui::kInputText, nullptr, true), std::move(label));
}

ui::Node MethodSubmit(text::Message label) {
    return ui::WithLabel(ui::NewInput(ui::kMethodName, ui::kGroupTotp, ui::kInputSubmit, std::string(kMethod)),
                         std::move(label));
}

ui::Node UnlinkSubmit() {
    return ui::WithLabel(ui::NewInput(kUnlinkField, ui::kGroupTotp, ui::kInputSubmit, "true", true),
                         text::NewInfoSettingsUnlinkTotp());
}

ui::Node QrImage(std::string data_url) {
    ui::Node n;
    n.group = std::string(ui::kGroupTotp);
    n.attributes = ui::ImageAttributes{std::move(data_url), std::string(kQrNode), kQrSize, kQrSize};
    n.meta.label = text::NewInfoSettingsTotpQrCode();
    return n;
}

ui::Node SecretText(const std::string& secret_base32) {
    ui::Node n;
    n.group = std::string(ui::kGroupTotp);
    n.attributes = ui::TextAttributes{text::NewInfoSettingsTotpSecret(secret_base32), std::string(kSecretNode)};
    n.meta.label = text::NewInfoSettingsTotpSecretLabel();
    return n;
}

std::optional<std::string> StringField(const nlohmann::json& body, std::string_view key) {
    auto it = body.find(key);
    if (it == body.end() || !it->is_string()) return std::nullopt;
    std::string v = it->get<std::string>();
    if (v.empty()) return std::nullopt;
    return v;
}

bool BoolField(const nlohmann::json& body, std::string_view key) {
    auto it = body.find(key);
    if (it == body.end()) return false;
    return (it->is_boolean() && it->get<bool>()) || (it->is_string() && it->get<std::string>() == "true");
}

}  // namespace bia::strategy::totp
