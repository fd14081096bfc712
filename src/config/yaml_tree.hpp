// kratos.yml files as JSON trees: YAML is read with yaml-cpp, plain scalars are typed by the
// YAML 1.2 core schema (quoted scalars stay strings), and several `-c` files are merged the way
// Kratos merges them (maps deeply, everything else replaced by the later file).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace bia::config {

// Parses one YAML document into JSON. An empty document is an empty object; a document whose
// top level is not a map is an error. `source` names the input in error messages.
core::Result<nlohmann::json> ParseYaml(std::string_view text, std::string_view source);
core::Result<nlohmann::json> ReadYamlFile(const std::string& path);

// The JSON value of one plain (unquoted) YAML scalar: null, bool, integer, float or string.
nlohmann::json ResolvePlainScalar(std::string_view text);

// Deep-merges `overlay` into `base`: objects key by key, any other value replaces.
void MergeTree(nlohmann::json& base, const nlohmann::json& overlay);

// Dotted paths ("serve.public.port") address nested objects; keys never contain dots here.
const nlohmann::json* FindAtPath(const nlohmann::json& root, std::string_view dotted_path);
// Creates the intermediate objects, replacing any non-object found on the way.
void SetAtPath(nlohmann::json& root, std::string_view dotted_path, nlohmann::json value);

}  // namespace bia::config
