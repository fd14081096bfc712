// JSON shapes of identities as the APIs return them (surrounding-api.md §3): the public view
// (flows, whoami) never carries credentials or metadata_admin; admin views do.
#pragma once

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>

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

}  // namespace bia::identity
