// Reading the fields of a decoded submission body, the same way for every method.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace bia::strategy {

// A string field of a submission body; nullopt when absent, not a string, or empty (empty strings
// count as absent, settings-flow.md §1.8).
inline std::optional<std::string> StringField(const nlohmann::json& body, std::string_view key) {
    if (!body.is_object()) return std::nullopt;
    auto it = body.find(key);
    if (it == body.end() || !it->is_string()) return std::nullopt;
    std::string v = it->get<std::string>();
    if (v.empty()) return std::nullopt;
    return v;
}

// A boolean field: JSON true, or the form value "true".
inline bool BoolField(const nlohmann::json& body, std::string_view key) {
    if (!body.is_object()) return false;
    auto it = body.find(key);
    if (it == body.end()) return false;
    return (it->is_boolean() && it->get<bool>()) || (it->is_string() && it->get<std::string>() == "true");
}

}  // namespace bia::strategy
