#include "selfservice/registration/registration_flow.hpp"

#include "core/time.hpp"

namespace bia::selfservice::registration {

nlohmann::json RegistrationFlow::ToJson() const {
    nlohmann::json j = CommonJson();
    if (!active.empty()) j["active"] = active;
    return j;
}

std::span<const FlowField<RegistrationFlow>> RegistrationFlow::Fields() {
    static const FlowField<RegistrationFlow> fields[] = {{"active_method", &RegistrationFlow::active},
                                                         {"csrf_token", &RegistrationFlow::csrf_token}};
    return fields;
}

}  // namespace bia::selfservice::registration
