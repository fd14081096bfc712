#include "selfservice/recovery/recovery_flow.hpp"

namespace bia::selfservice::recovery {

nlohmann::json RecoveryFlow::ToJson() const {
    nlohmann::json j = CommonJson();
    if (!active.empty()) j["active"] = active;
    return j;
}

std::span<const FlowField<RecoveryFlow>> RecoveryFlow::Fields() {
    static const FlowField<RecoveryFlow> fields[] = {{"active_method", &RecoveryFlow::active},
                                                     {"csrf_token", &RecoveryFlow::csrf_token}};
    return fields;
}

}  // namespace bia::selfservice::recovery
