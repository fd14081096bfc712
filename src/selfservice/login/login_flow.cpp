#include "selfservice/login/login_flow.hpp"

#include "core/time.hpp"

namespace bia::selfservice::login {

nlohmann::json LoginFlow::ToJson() const {
    nlohmann::json j = {{"id", id.ToString()},
                        {"type", ToString(type)},
                        {"expires_at", core::FormatRfc3339(expires_at)},
                        {"issued_at", core::FormatRfc3339(issued_at)},
                        {"request_url", request_url},
                        {"ui", ui.ToJson()},
                        {"created_at", core::FormatRfc3339(created_at)},
                        {"updated_at", core::FormatRfc3339(updated_at)},
                        {"refresh", refresh},
                        {"requested_aal", requested_aal},
                        {"state", state}};
    if (auto rt = ReturnTo(); !rt.empty()) j["return_to"] = std::move(rt);
    if (!active.empty()) j["active"] = active;
    return j;
}

}  // namespace bia::selfservice::login
