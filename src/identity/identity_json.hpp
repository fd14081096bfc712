// JSON shapes of identities as the APIs return them (surrounding-api.md §3): the public view
// (flows, whoami) never carries credentials or metadata_admin; admin views do.
#pragma once

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>

#include "core/json_text.hpp"
#include "identity/identity.hpp"

namespace bia::identity {

enum class JsonView {
    kPublic,  // flows, whoami, session lists
    kAdmin,   // admin get/create/update/list: credentials without config, metadata_admin
};

struct JsonOptions {
    JsonView view = JsonView::kPublic;
    // Credential types whose `config` is included (admin `include_credential`).
    std::set<std::string, std::less<>> include_config;
};

// PUBLIC/schemas/<base64url(schema_id)>
std::string SchemaUrl(std::string_view public_base_url, std::string_view schema_id);

nlohmann::json ToJson(const Identity& identity, std::string_view public_base_url, const JsonOptions& options = {});
// The public view written straight as text: the bytes of core::DumpJsonText(ToJson(identity,
// public_base_url), errors), without the DOM (an answer's hot part, e.g. every settings flow).
void AppendPublicJson(std::string& out, const Identity& identity, std::string_view public_base_url,
                      core::JsonUtf8Errors errors);

}  // namespace bia::identity
