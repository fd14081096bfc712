#include "selfservice/verification/verification_flow.hpp"

namespace bia::selfservice::verification {

nlohmann::json VerificationFlow::ToJson() const {
    nlohmann::json j = CommonJson();
    if (!active.empty()) j["active"] = active;
    return j;
}

std::span<const FlowField<VerificationFlow>> VerificationFlow::Fields() {
    static const FlowField<VerificationFlow> fields[] = {{"active_method", &VerificationFlow::active},
                                                         {"csrf_token", &VerificationFlow::csrf_token}};
    return fields;
}

}  // namespace bia::selfservice::verification
