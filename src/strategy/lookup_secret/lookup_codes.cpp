#include "strategy/lookup_secret/lookup_codes.hpp"

#include "core/time.hpp"
#include "text/message.hpp"

namespace bia::strategy::lookup_secret {

using nlohmann::json;

std::vector<RecoveryCode> NewCodes(core::Random& random) {
    std::vector<RecoveryCode> codes(kCodeCount);
    for (auto& c : codes) c.code = random.LowerAlphaNumeric(kCodeLength);
    return codes;
}

json CodesJson(const std::vector<RecoveryCode>& codes) {
    json list = json::array();
    for (const auto& c : codes) {
        list.push_back({{"code", c.code}, {"used_at", c.used_at ? json(core::FormatRfc3339(*c.used_at)) : json()}});
    }
    return list;
}

json CodesConfig(const std::vector<RecoveryCode>& codes) { return json{{"recovery_codes", CodesJson(codes)}}; }

std::optional<std::vector<RecoveryCode>> CodesFromJson(const json& array) {
    if (!array.is_array()) return std::nullopt;
    std::vector<RecoveryCode> codes;
    codes.reserve(array.size());
    for (const auto& e : array) {
        if (!e.is_object()) continue;
        auto code = e.find("code");
        if (code == e.end() || !code->is_string()) continue;
        RecoveryCode c{code->get<std::string>(), std::nullopt};
        if (auto used = e.find("used_at"); used != e.end() && used->is_string()) {
            c.used_at = core::ParseRfc3339(used->get_ref<const std::string&>());
            // An unreadable time still marks the code used: never let it be spent again.
            if (!c.used_at) c.used_at = core::TimePoint{};
        }
        codes.push_back(std::move(c));
    }
    return codes;
}

std::optional<std::vector<RecoveryCode>> ParseCodes(const json& holder) {
    if (!holder.is_object()) return std::nullopt;
    auto it = holder.find("recovery_codes");
    if (it == holder.end()) return std::nullopt;
    return CodesFromJson(*it);
}

namespace {

ui::Node Button(std::string_view name, text::Message label) {
    return ui::WithLabel(ui::NewInput(name, ui::kGroupLookupSecret, ui::kInputSubmit, "true"), std::move(label));
}

}  // namespace

ui::Node RevealSubmit() { return Button(kRevealField, text::NewInfoSettingsRevealLookup()); }
ui::Node RegenerateSubmit() { return Button(kRegenerateField, text::NewInfoSettingsRegenerateLookup()); }
ui::Node ConfirmSubmit() { return Button(kConfirmField, text::NewInfoSettingsLookupConfirm()); }
ui::Node DisableSubmit() { return Button(kDisableField, text::NewInfoSettingsDisableLookup()); }

ui::Node CodesText(const std::vector<RecoveryCode>& codes) {
    std::vector<std::string> shown;
    std::vector<text::Message> secrets;
    shown.reserve(codes.size());
    secrets.reserve(codes.size());
    for (const auto& c : codes) {
        if (c.used_at) {
            shown.emplace_back("used");
            secrets.push_back(text::NewInfoSettingsLookupSecretUsed(*c.used_at));
        } else {
            shown.push_back(c.code);
            secrets.push_back(text::NewInfoSettingsLookupSecret(c.code));
        }
    }
    ui::Node n;
    n.group = std::string(ui::kGroupLookupSecret);
    n.attributes = ui::TextAttributes{text::NewInfoSettingsLookupSecretList(shown, secrets), std::string(kCodesNode)};
    n.meta.label = text::NewInfoSettingsLookupSecretsLabel();
    return n;
}

ui::Node LoginCodeInput() {
    return ui::WithLabel(ui::NewInput(kLoginCodeField, ui::kGroupLookupSecret, ui::kInputText, nullptr, true),
                         text::NewInfoLoginLookupLabel());
}

ui::Node LoginMethodSubmit() {
    return ui::WithLabel(ui::NewInput(ui::kMethodName, ui::kGroupLookupSecret, ui::kInputSubmit, std::string(kMethod)),
                         text::NewInfoLoginLookup());
}

}  // namespace bia::strategy::lookup_secret
