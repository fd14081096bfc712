// Jsonnet as Kratos runs it for web-hook bodies and OIDC claims mappers, on libjsonnet: a fresh VM
// per evaluation (a VM is not thread-safe), no imports (Kratos's sandbox), JSON values passed as
// external variables or top-level arguments, and a syntax check that parses and statically
// checks a document without evaluating it (so a broken template or mapper stops start-up).
#pragma once

#include <string>
#include <vector>

#include "core/result.hpp"

namespace bia::jsonnet {

// A JSON value handed to the document: as std.extVar(name), and as the top-level argument
// `name` when `top_level_argument` (Kratos's `function(ctx) {…}` web-hook bodies).
struct Variable {
    std::string name;
    std::string json_code;
    bool top_level_argument = false;
};

// What an evaluation answered: the output, or libjsonnet's error text (trailing new lines cut).
struct Evaluation {
    bool ok = false;
    std::string text;
};
Evaluation Evaluate(const std::string& filename, const std::string& source, const std::vector<Variable>& variables);

// The parse and static checks of `source` (named `name` in messages); runtime errors are not
// looked for, since a document may read variables only a real evaluation has.
core::Status CheckSyntax(const std::string& name, const std::string& source);

// A local file's text, refused beyond `max_bytes` (the error names the path, never the content).
core::Result<std::string> ReadFile(const std::string& path, size_t max_bytes);

}  // namespace bia::jsonnet
