#include "selfservice/flow/continuity.hpp"

namespace bia::selfservice {

std::string ContinuityRefs::Encode() const {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [name, id] : containers) j[name] = id.ToString();
    return j.dump();
}

ContinuityRefs ContinuityRefs::Decode(std::string_view text) {
    ContinuityRefs refs;
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_object()) return refs;
    for (const auto& [name, value] : j.items()) {
        if (!value.is_string()) continue;
        if (auto id = core::Uuid::Parse(value.get<std::string>())) refs.containers[name] = *id;
    }
    return refs;
}

}  // namespace bia::selfservice
