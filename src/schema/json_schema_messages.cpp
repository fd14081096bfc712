#include "schema/json_schema.hpp"

#include <cctype>
#include <cmath>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>

#include "schema/json_schema_detail.hpp"

namespace bia::schema {

using namespace json_schema_detail;  // NOLINT(google-build-using-namespace): this component's own internals

std::string GoQuoteValue(const nlohmann::json& v) {
    switch (v.type()) {
        case Json::value_t::string:
            return GoQuote(v.get_ref<const std::string&>());
        case Json::value_t::boolean:
            return v.get<bool>() ? "%!q(bool=true)" : "%!q(bool=false)";
        case Json::value_t::null:
            return "%!q(<nil>)";
        case Json::value_t::array: {
            std::string out = "[";
            for (size_t i = 0; i < v.size() && i < 100; ++i) out += (i ? " " : "") + GoQuoteValue(v[i]);
            return out + "]";
        }
        case Json::value_t::object: {
            std::string out = "map[";
            size_t i = 0;
            for (auto it = v.begin(); it != v.end() && i < 100; ++it, ++i)
                out += (i ? " " : "") + GoQuote(it.key()) + ":" + GoQuoteValue(it.value());
            return out + "]";
        }
        default:
            return GoQuote(NumberText(v));
    }
}

Violation MakeGenericViolation(std::string field, std::string pointer, std::string keyword, std::string message) {
    Violation v;
    v.field = std::move(field);
    v.pointer = std::move(pointer);
    v.keyword = std::move(keyword);
    v.message = std::move(message);
    v.message_id = kIdGeneric;
    v.context = {{"reason", v.message}};
    v.text = v.message;
    return v;
}

Violation MakeFormatViolation(std::string field, std::string pointer, const nlohmann::json& value,
                              std::string_view format) {
    Violation v = MakeGenericViolation(std::move(field), std::move(pointer), "format",
                                       GoQuoteValue(value) + " is not valid " + GoQuote(format));
    // Kratos (v26) recognises `"<value>" is not valid "<format>"` with a regular expression
    // that stops at the first quote inside the value, and maps email and tel to their own ids.
    const std::string& m = v.message;
    for (size_t i = m.find('"'); i != std::string::npos; i = m.find('"', i + 1)) {
        const size_t close = m.find('"', i + 1);
        if (close == std::string::npos || close == i + 1) continue;
        size_t k = close + 1;
        auto spaces = [&] {
            const size_t s = k;
            while (k < m.size() && (m[k] == ' ' || m[k] == '\t' || m[k] == '\n' || m[k] == '\f' || m[k] == '\r')) ++k;
            return k > s;
        };
        if (!spaces() || m.compare(k, 12, "is not valid") != 0) continue;
        k += 12;
        if (!spaces() || k >= m.size() || m[k] != '"') continue;
        const size_t fclose = m.find('"', k + 1);
        if (fclose == std::string::npos || fclose == k + 1) continue;
        const std::string quoted_value = m.substr(i + 1, close - i - 1);
        const std::string found_format = m.substr(k + 1, fclose - k - 1);
        if (found_format == "email" || found_format == "email_loose") {
            v.message_id = kIdEmail;
            v.text = "Enter a valid email address";
            v.context = {{"value", quoted_value}};
        } else if (found_format == "tel") {
            v.message_id = kIdPhone;
            v.text = "Enter a valid phone number";
            v.context = {{"value", quoted_value}};
        }
        break;
    }
    return v;
}

}  // namespace bia::schema
