#include "selfservice/registration/registration_flow.hpp"

#include "core/time.hpp"

namespace bia::selfservice::registration {

nlohmann::json RegistrationFlow::ToJson() const {
    nlohmann::json j = {{"id", id.ToString()},
                        {"type", ToString(type)},
                        {"expires_at", core::FormatRfc3339(expires_at)},
                        {"issued_at", core::FormatRfc3339(issued_at)},
                        {"request_url", request_url},
                        {"ui", ui.ToJson()},
                        {"state", state}};
    if (auto rt = ReturnTo(); !rt.empty()) j["return_to"] = std::move(rt);
    if (!active.empty()) j["active"] = active;
    return j;
}

}  // namespace bia::selfservice::registration
