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
        case nlohmann::json::value_t::number_unsigned: {
            char buf[24];
            auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v.get<uint64_t>());
            (void)ec;
            out.append(buf, end);
            return;
        }
        case nlohmann::json::value_t::object: {
            out += '{';
            bool first = true;
            for (const auto& [key, member] : *v.get_ptr<const nlohmann::json::object_t*>()) {
                if (!first) out += ',';
                first = false;
                AppendJsonString(out, key, errors);
                out += ':';
                AppendJsonValue(out, member, errors);
            }
            out += '}';
            return;
        }
        case nlohmann::json::value_t::array: {
            out += '[';
            bool first = true;
            for (const auto& element : *v.get_ptr<const nlohmann::json::array_t*>()) {
                if (!first) out += ',';
                first = false;
                AppendJsonValue(out, element, errors);
            }
            out += ']';
            return;
        }
        default:  // floats (Grisu2 digits), binary and discarded values: nlohmann's own text
            out += v.dump(-1, ' ', false, errors);
            return;
    }
}

std::string DumpJsonText(const nlohmann::json& v, JsonUtf8Errors errors) {
    std::string out;
    out.reserve(1024);
    AppendJsonValue(out, v, errors);
    return out;
}

std::string JsonAnswer::TakeText() && {
    if (is_text_) return std::move(text_);
    return DumpJsonText(dom_, kAnswerUtf8Errors);
}

nlohmann::json JsonAnswer::Dom() const {
    if (!is_text_) return dom_;
    auto j = nlohmann::json::parse(text_, nullptr, false);
    return j.is_discarded() ? nlohmann::json() : j;
}

}  // namespace bia::core
