#include "selfservice/settings/settings_flow.hpp"

#include "core/time.hpp"
#include "identity/identity_json.hpp"

namespace bia::selfservice::settings {

nlohmann::json SettingsFlow::ToJson(const identity::Identity& owner, std::string_view public_base_url,
                                    const nlohmann::json& continue_with) const {
    nlohmann::json j = CommonJson();
    j["identity"] = identity::ToJson(owner, public_base_url);
    if (continue_with.is_array() && !continue_with.empty()) j["continue_with"] = continue_with;
    return j;
}

std::string SettingsFlow::ToJsonText(const identity::Identity& owner, std::string_view public_base_url,
                                     const nlohmann::json& continue_with, std::vector<JsonMemberWriter> extra) const {
    extra.push_back({"identity", [&](std::string& out) {
                         identity::AppendPublicJson(out, owner, public_base_url, core::kAnswerUtf8Errors);
                     }});
    if (continue_with.is_array() && !continue_with.empty()) {
        extra.push_back({"continue_with", [&](std::string& out) {
                             core::AppendJsonValue(out, continue_with, core::kAnswerUtf8Errors);
                         }});
    }
    return AnswerText(std::move(extra));
}

std::span<const FlowField<SettingsFlow>> SettingsFlow::Fields() {
    static const FlowField<SettingsFlow> fields[] = {{"identity_id", &SettingsFlow::identity_id}};
    return fields;
}

}  // namespace bia::selfservice::settings
