// The kratos.yml keys Bia understands: dotted path, value kind, limits and the environment
// variable that overrides it. This one table drives type checks, env overrides (Kratos style:
// path upper-cased, '.' → '_') and the "not implemented by Bia" warnings for everything else.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace bia::config {

enum class Kind {
    kString,
    kEmail,  // string containing a local part, '@' and a domain
    kBool,
    kInt,              // within [min, max]
    kDuration,         // Go duration string ("1h", "15m"), not negative
    kUrl,              // absolute URL; `schemes` restricts the scheme when not empty
    kUrlRef,           // absolute or relative URL reference
    kByteSize,         // "128MB" or a plain integer number of bytes
    kEnum,             // one of `choices`
    kStringList,       // items within [min_length, max_length] characters
    kUrlList,          // list of kUrl
    kUrlRefList,       // list of kUrlRef
    kStringMap,        // object of string values (SMTP headers)
    kHooks,            // list of {hook: name, config: object}
    kIdentitySchemas,  // list of {id, url, selfservice_selectable}
    kJsonObject,       // kept as JSON, must be an object
    kJsonArray,        // kept as JSON, must be an array
};

struct KeySpec {
    std::string path;  // "serve.public.port"
    Kind kind = Kind::kString;
    std::vector<std::string> choices;  // kEnum
    std::vector<std::string> schemes;  // kUrl, kUrlList
    int64_t min = std::numeric_limits<int64_t>::min();
    int64_t max = std::numeric_limits<int64_t>::max();
    size_t min_length = 0;
    size_t max_length = std::numeric_limits<size_t>::max();
    std::string env;  // "SERVE_PUBLIC_PORT"
};

// Every supported key, in a stable order (the order of settings-flow.md §18, roughly).
const std::vector<KeySpec>& KnownKeys();
const KeySpec* FindKey(std::string_view path);
// Whether `path` is a map with supported keys beneath it ("serve", "serve.public").
bool IsKnownSection(std::string_view path);
// Kratos's environment naming: "serve.public.base_url" → "SERVE_PUBLIC_BASE_URL".
std::string EnvNameFor(std::string_view path);

// Names of the strategies Bia may configure, as they appear under selfservice.methods.
inline constexpr std::string_view kMethodPassword = "password";
inline constexpr std::string_view kMethodProfile = "profile";
inline constexpr std::string_view kMethodTotp = "totp";
inline constexpr std::string_view kMethodLookupSecret = "lookup_secret";
inline constexpr std::string_view kMethodWebAuthn = "webauthn";
inline constexpr std::string_view kMethodOidc = "oidc";
inline constexpr std::string_view kMethodLink = "link";
inline constexpr std::string_view kMethodCode = "code";

// The courier template keys below `courier.templates.`: "<template>.<valid|invalid>.email.<part>"
// for the four templates and three parts (subject, body.plaintext, body.html).
const std::vector<std::string>& CourierTemplateKeys();

// The methods that may carry `after.<method>` settings in each flow (Kratos G2 schema).
const std::vector<std::string>& SettingsAfterMethods();
const std::vector<std::string>& LoginAfterMethods();
const std::vector<std::string>& RegistrationAfterMethods();

}  // namespace bia::config
