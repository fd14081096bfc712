// Examples for the model round-trip test; the table itself is generated (generated/model_cases.cpp).
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

namespace bia::client::testing {

struct ModelCase {
    enum class Kind { kObject, kEnum, kUnion };

    const char* name;                   // "<Model>/full", "<Model>/minimal", "<Enum>/<value>", "<Union>/<tag>"
    const char* json;                   // the example document
    std::vector<std::string> required;  // keys whose absence must fail decoding
    nlohmann::json (*round_trip)(const nlohmann::json&);  // decode as the model, encode again
    Kind kind;
};

const std::vector<ModelCase>& GeneratedModelCases();

// For GoogleTest's messages: the case's name rather than its bytes.
inline void PrintTo(const ModelCase& c, std::ostream* os) { *os << c.name; }

}  // namespace bia::client::testing
