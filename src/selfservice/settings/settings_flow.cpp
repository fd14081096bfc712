#include "selfservice/settings/settings_flow.hpp"

#include "core/time.hpp"
#include "identity/identity_json.hpp"

namespace bia::selfservice::settings {

nlohmann::json SettingsFlow::ToJson(const identity::Identity& owner, std::string_view public_base_url,
                                    const nlohmann::json& continue_with, bool with_ui) const {
    nlohmann::json j = CommonJson(with_ui);
    j["identity"] = identity::ToJson(owner, public_base_url);
    if (continue_with.is_array() && !continue_with.empty()) j["continue_with"] = continue_with;
    return j;
}

std::span<const FlowField<SettingsFlow>> SettingsFlow::Fields() {
    static const FlowField<SettingsFlow> fields[] = {{"identity_id", &SettingsFlow::identity_id}};
    return fields;
}

}  // namespace bia::selfservice::settings
