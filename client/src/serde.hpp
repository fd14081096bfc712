// JSON <-> model helpers used by the generated models (private to the library). Decoding is
// strict about what the schema requires (missing required key, wrong JSON type, unknown enum
// value: JsonDecodeError with the JSON path) and lenient about everything else (unknown keys are
// ignored; an optional key holding null is treated as absent, except for free-form JSON values,
// which keep the null so that it serialises back).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "bia/client/error.hpp"

namespace bia::client::detail {

using Json = nlohmann::json;

void Read(const Json& j, std::string& out);
void Read(const Json& j, std::int64_t& out);
void Read(const Json& j, double& out);
void Read(const Json& j, bool& out);
void Read(const Json& j, Json& out);

template <class T>
void Read(const Json& j, std::vector<T>& out);
template <class T>
void Read(const Json& j, std::map<std::string, T>& out);

// Models, enums and oneOf variants: their generated from_json (found by argument-dependent lookup).
template <class T>
void Read(const Json& j, T& out) {
    from_json(j, out);
}

template <class T>
void Read(const Json& j, std::vector<T>& out) {
    if (!j.is_array()) throw JsonDecodeError::type_mismatch("array", j);
    out.clear();
    out.reserve(j.size());
    for (std::size_t i = 0; i < j.size(); ++i) {
        T item{};
        try {
            Read(j[i], item);
        } catch (JsonDecodeError& e) {
            e.prepend_index(i);
            throw;
        }
        out.push_back(std::move(item));
    }
}

template <class T>
void Read(const Json& j, std::map<std::string, T>& out) {
    if (!j.is_object()) throw JsonDecodeError::type_mismatch("object", j);
    out.clear();
    for (auto it = j.begin(); it != j.end(); ++it) {
        T item{};
        try {
            Read(it.value(), item);
        } catch (JsonDecodeError& e) {
            e.prepend_key(it.key());
            throw;
        }
        out.emplace(it.key(), std::move(item));
    }
}

void ExpectObject(const Json& j);

// Required key.
template <class T>
void Get(const Json& j, const char* key, T& out) {
    const auto it = j.find(key);
    if (it == j.end()) throw JsonDecodeError::missing_key(key);
    try {
        Read(*it, out);
    } catch (JsonDecodeError& e) {
        e.prepend_key(key);
        throw;
    }
}

// Optional key.
template <class T>
void Get(const Json& j, const char* key, std::optional<T>& out) {
    const auto it = j.find(key);
    if (it == j.end() || (it->is_null() && !std::is_same_v<T, Json>)) {
        out.reset();
        return;
    }
    T value{};
    try {
        Read(*it, value);
    } catch (JsonDecodeError& e) {
        e.prepend_key(key);
        throw;
    }
    out = std::move(value);
}

template <class T>
void Put(Json& j, const char* key, const T& value) {
    j[key] = value;
}

template <class T>
void Put(Json& j, const char* key, const std::optional<T>& value) {
    if (value) j[key] = *value;
}

// The discriminator of a oneOf (e.g. `method` of a settings body), required and a string.
std::string Discriminator(const Json& j, const char* key);
[[noreturn]] void ThrowUnknownDiscriminator(const char* key, const std::string& value);
[[noreturn]] void ThrowNoAlternative(std::string_view type, const std::string& reasons);

template <class T>
T ReadAs(const Json& j) {
    T value{};
    Read(j, value);
    return value;
}

template <class E>
struct EnumName {
    E value;
    std::string_view name;
};

template <class E, std::size_t N>
std::string_view EnumToString(E value, const EnumName<E> (&names)[N]) {
    for (const auto& entry : names) {
        if (entry.value == value) return entry.name;
    }
    return {};
}

[[noreturn]] void ThrowUnknownEnumValue(std::string_view type, const std::string& value);

template <class E, std::size_t N>
E EnumFromJson(const Json& j, const EnumName<E> (&names)[N], std::string_view type) {
    if (!j.is_string()) throw JsonDecodeError::type_mismatch("string", j);
    const auto& text = j.get_ref<const std::string&>();
    for (const auto& entry : names) {
        if (entry.name == text) return entry.value;
    }
    ThrowUnknownEnumValue(type, text);
}

}  // namespace bia::client::detail
