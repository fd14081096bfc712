#include "serde.hpp"

#include <string>

namespace bia::client {

namespace {

const char* JsonTypeName(const nlohmann::json& j) {
    if (j.is_number_integer()) return "integer";
    if (j.is_number_float()) return "number";
    return j.type_name();
}

}  // namespace

JsonDecodeError::JsonDecodeError(Kind kind, std::string detail, std::string path)
    : kind_(kind), detail_(std::move(detail)), path_(std::move(path)) {
    render();
}

// Built with append() rather than operator+: g++ 12 at -O3 reports a false -Wrestrict for
// `std::string + std::string` chains here.
void JsonDecodeError::prepend_key(std::string_view key) {
    std::string path;
    path.reserve(key.size() + 1 + path_.size());
    path.append(key);
    if (!path_.empty() && path_.front() != '[') path.push_back('.');
    path.append(path_);
    path_ = std::move(path);
    render();
}

void JsonDecodeError::prepend_index(std::size_t index) {
    std::string path = "[";
    path.append(std::to_string(index));
    path.push_back(']');
    if (!path_.empty() && path_.front() != '[') path.push_back('.');
    path.append(path_);
    path_ = std::move(path);
    render();
}

JsonDecodeError JsonDecodeError::missing_key(std::string_view key) {
    return JsonDecodeError(Kind::kMissingKey, "missing required key", std::string(key));
}

JsonDecodeError JsonDecodeError::type_mismatch(std::string_view expected, const nlohmann::json& actual) {
    return JsonDecodeError(Kind::kTypeMismatch, "expected " + std::string(expected) + ", got " + JsonTypeName(actual));
}

void JsonDecodeError::render() {
    message_ = detail_;
    if (!path_.empty()) message_ += " at `" + path_ + "`";
}

std::string describe(const TransportError& error) {
    return "transport error (curl " + std::to_string(error.code) + "): " + error.message;
}

std::string describe(const SerdeError& error) {
    return "could not decode the answer (HTTP " + std::to_string(error.status) + "): " + error.message;
}

std::string describe_response(long status, std::string_view content) {
    constexpr std::size_t kMaxBody = 300;
    std::string text = "HTTP " + std::to_string(status);
    if (!content.empty()) {
        text += ": ";
        text += content.substr(0, kMaxBody);
        if (content.size() > kMaxBody) text += "…";
    }
    return text;
}

namespace detail {

void Read(const Json& j, std::string& out) {
    if (!j.is_string()) throw JsonDecodeError::type_mismatch("string", j);
    out = j.get_ref<const std::string&>();
}

void Read(const Json& j, std::int64_t& out) {
    if (j.is_number_integer()) {
        if (j.is_number_unsigned() && j.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
            throw JsonDecodeError(JsonDecodeError::Kind::kInvalidValue, "integer out of range");
        }
        out = j.get<std::int64_t>();
        return;
    }
    throw JsonDecodeError::type_mismatch("integer", j);
}

void Read(const Json& j, double& out) {
    if (!j.is_number()) throw JsonDecodeError::type_mismatch("number", j);
    out = j.get<double>();
}

void Read(const Json& j, bool& out) {
    if (!j.is_boolean()) throw JsonDecodeError::type_mismatch("boolean", j);
    out = j.get<bool>();
}

void Read(const Json& j, Json& out) { out = j; }

void ExpectObject(const Json& j) {
    if (!j.is_object()) throw JsonDecodeError::type_mismatch("object", j);
}

std::string Discriminator(const Json& j, const char* key) {
    ExpectObject(j);
    std::string value;
    Get(j, key, value);
    return value;
}

void ThrowUnknownDiscriminator(const char* key, const std::string& value) {
    throw JsonDecodeError(JsonDecodeError::Kind::kInvalidValue, "unknown value `" + value + "`", key);
}

void ThrowNoAlternative(std::string_view type, const std::string& reasons) {
    throw JsonDecodeError(JsonDecodeError::Kind::kInvalidValue,
                          "matches none of the alternatives of " + std::string(type) + " (" + reasons + ")");
}

void ThrowUnknownEnumValue(std::string_view type, const std::string& value) {
    throw JsonDecodeError(JsonDecodeError::Kind::kInvalidValue,
                          "unknown " + std::string(type) + " value `" + value + "`");
}

}  // namespace detail
}  // namespace bia::client
