#include "selfservice/settings/settings_flow.hpp"

#include "core/time.hpp"
#include "identity/identity_json.hpp"

namespace bia::selfservice::settings {

nlohmann::json SettingsFlow::ToJson(const identity::Identity& owner, std::string_view public_base_url,
                                    const nlohmann::json& continue_with) const {
    nlohmann::json j = {{"id", id.ToString()},
                        {"type", selfservice::ToString(type)},
                        {"expires_at", core::FormatRfc3339(expires_at)},
                        {"issued_at", core::FormatRfc3339(issued_at)},
                        {"request_url", request_url},
                        {"ui", ui.ToJson()},
                        {"identity", identity::ToJson(owner, public_base_url)},
                        {"state", state}};
    if (auto rt = ReturnTo(); !rt.empty()) j["return_to"] = std::move(rt);
    if (continue_with.is_array() && !continue_with.empty()) j["continue_with"] = continue_with;
    return j;
}

}  // namespace bia::selfservice::settings
