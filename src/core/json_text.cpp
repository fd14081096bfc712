#include "core/json_text.hpp"

#include <charconv>

namespace bia::core {

void AppendJsonString(std::string& out, std::string_view s, JsonUtf8Errors errors) {
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u >= 0x80 || c == '"' || c == '\\') {
            out += nlohmann::json(std::string(s)).dump(-1, ' ', false, errors);
            return;
        }
    }
    out += '"';
    out += s;
    out += '"';
}

void AppendJsonKey(std::string& out, std::string_view key) {
    AppendJsonString(out, key);
    out += ':';
}

void AppendJsonInt(std::string& out, int64_t v) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    (void)ec;
    out.append(buf, end);
}

void AppendJsonValue(std::string& out, const nlohmann::json& v, JsonUtf8Errors errors) {
    switch (v.type()) {
        case nlohmann::json::value_t::null:
            out += "null";
            return;
        case nlohmann::json::value_t::boolean:
            AppendJsonBool(out, v.get<bool>());
            return;
        case nlohmann::json::value_t::string:
            AppendJsonString(out, v.get_ref<const std::string&>(), errors);
            return;
        case nlohmann::json::value_t::number_integer:
            AppendJsonInt(out, v.get<int64_t>());
            return;
        default:
            out += v.dump(-1, ' ', false, errors);
            return;
    }
}

}  // namespace bia::core
