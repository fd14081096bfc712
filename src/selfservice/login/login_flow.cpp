#include "selfservice/login/login_flow.hpp"

#include "core/time.hpp"

namespace bia::selfservice::login {

nlohmann::json LoginFlow::ToJson() const {
    nlohmann::json j = CommonJson();
    j["created_at"] = core::FormatRfc3339(created_at);
    j["updated_at"] = core::FormatRfc3339(updated_at);
    j["refresh"] = refresh;
    j["requested_aal"] = requested_aal;
    if (!active.empty()) j["active"] = active;
    return j;
}

std::span<const FlowField<LoginFlow>> LoginFlow::Fields() {
    static const FlowField<LoginFlow> fields[] = {{"active_method", &LoginFlow::active},
                                                  {"refresh", &LoginFlow::refresh},
                                                  {"requested_aal", &LoginFlow::requested_aal},
                                                  {"csrf_token", &LoginFlow::csrf_token}};
    return fields;
}

}  // namespace bia::selfservice::login
