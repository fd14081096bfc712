// Internal to config/: the supported keys found in a merged kratos.yml tree, each checked
// against its KeySpec and converted to a C++ value; also applies environment overrides and
// reports keys Bia does not implement. Config's builder reads from here and adds defaults.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/config.hpp"
#include "config/key_schema.hpp"
#include "core/result.hpp"

namespace bia::config {

// Byte counts get their own type so they cannot be confused with kInt values.
struct ByteCount {
    uint64_t bytes = 0;
};

using Value =
    std::variant<std::string, bool, int64_t, core::Duration, ByteCount, std::vector<std::string>,
                 std::map<std::string, std::string>, std::vector<Hook>, std::vector<IdentitySchema>, nlohmann::json>;

// Env variable name by key path, for values that came from the environment.
using EnvOrigins = std::map<std::string, std::string, std::less<>>;

// Overwrites `tree` with every supported key whose variable is set (non-empty) in `env`.
// Strings are converted by kind: booleans as Go's strconv.ParseBool, lists as a JSON array or
// comma-separated, hooks/schemas/objects as JSON.
core::Status ApplyEnvironment(nlohmann::json& tree, const Environment& env, EnvOrigins& origins);

class ParsedValues {
  public:
    // Checks every supported key present in `tree`; unknown keys become warnings.
    static core::Result<ParsedValues> FromTree(const nlohmann::json& tree, const EnvOrigins& origins,
                                               Warnings& warnings);

    bool Has(std::string_view path) const { return values_.find(path) != values_.end(); }

    // The value at `path`, or nullptr when absent. T must be the type the key's kind
    // produces; reading marks the key as used.
    template <class T>
    const T* Get(std::string_view path) const {
        auto it = values_.find(path);
        if (it == values_.end()) return nullptr;
        read_.insert(it->first);
        return std::get_if<T>(&it->second);
    }

    // Present keys never read: supported by the table but not used by the builder.
    std::vector<std::string> UnreadPaths() const;

    // Where the value at `path` came from, for error messages: "" or
    // " (from environment variable X)".
    std::string OriginSuffix(std::string_view path) const;

  private:
    std::map<std::string, Value, std::less<>> values_;
    mutable std::set<std::string, std::less<>> read_;
    EnvOrigins origins_;
};

// "config: <path>: <problem>" as a core::Error.
core::Error KeyError(std::string_view path, std::string_view problem);

}  // namespace bia::config
