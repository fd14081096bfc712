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

}  // namespace bia::strategy::totp
