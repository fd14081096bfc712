#include "identity/identity_json.hpp"

#include "core/encoding.hpp"
#include "core/time.hpp"
#include "core/url.hpp"

namespace bia::identity {

using nlohmann::json;

std::string SchemaUrl(std::string_view public_base_url, std::string_view schema_id) {
    return core::JoinUrl(public_base_url, "/schemas/" + core::Base64UrlEncode(schema_id));
}

namespace {

json AddressJson(const VerifiableAddress& a) {
    json j = {{"id", a.id.ToString()},
              {"value", a.value},
              {"verified", a.verified},
              {"via", a.via},
              {"status", a.status},
              {"created_at", core::FormatRfc3339(a.created_at)},
              {"updated_at", core::FormatRfc3339(a.updated_at)}};
    if (a.verified_at) j["verified_at"] = core::FormatRfc3339(*a.verified_at);
    return j;
}

json AddressJson(const RecoveryAddress& a) {
    return {{"id", a.id.ToString()},
            {"value", a.value},
            {"via", a.via},
            {"created_at", core::FormatRfc3339(a.created_at)},
            {"updated_at", core::FormatRfc3339(a.updated_at)}};
}

}  // namespace

json ToJson(const Identity& i, std::string_view public_base_url, const JsonOptions& options) {
    json j = json::object();
    j["id"] = i.id.ToString();
    j["schema_id"] = i.schema_id;
    j["schema_url"] = SchemaUrl(public_base_url, i.schema_id);
    j["state"] = i.state;
    if (i.state_changed_at) j["state_changed_at"] = core::FormatRfc3339(*i.state_changed_at);
    j["traits"] = i.traits;
    const bool admin = options.view == JsonView::kAdmin;
    // Admin responses always list addresses; public ones omit empty lists (settings-flow.md §7.1).
    if (admin || !i.verifiable_addresses.empty()) {
        json va = json::array();
        for (const auto& a : i.verifiable_addresses) va.push_back(AddressJson(a));
        j["verifiable_addresses"] = std::move(va);
    }
    if (admin || !i.recovery_addresses.empty()) {
        json ra = json::array();
        for (const auto& a : i.recovery_addresses) ra.push_back(AddressJson(a));
        j["recovery_addresses"] = std::move(ra);
    }
    j["metadata_public"] = i.metadata_public;
    if (admin) {
        if (!i.metadata_admin.is_null()) j["metadata_admin"] = i.metadata_admin;
        json creds = json::object();
        for (const auto& [type, c] : i.credentials) {
            json cj = {{"type", c.type},
                       {"identifiers", c.identifiers},
                       {"version", c.version},
                       {"created_at", core::FormatRfc3339(c.created_at)},
                       {"updated_at", core::FormatRfc3339(c.updated_at)}};
            if (options.include_config.count(type)) cj["config"] = c.config;
            creds[type] = std::move(cj);
        }
        j["credentials"] = std::move(creds);
    }
    j["created_at"] = core::FormatRfc3339(i.created_at);
    j["updated_at"] = core::FormatRfc3339(i.updated_at);
    return j;
}

namespace {

void AppendAddress(std::string& out, const VerifiableAddress& a, core::JsonUtf8Errors errors) {
    out += '{';
    core::JsonMembers m(out, errors);
    m.String("created_at", core::FormatRfc3339(a.created_at));
    m.String("id", a.id.ToString());
    m.String("status", a.status);
    m.String("updated_at", core::FormatRfc3339(a.updated_at));
    m.String("value", a.value);
    m.Bool("verified", a.verified);
    if (a.verified_at) m.String("verified_at", core::FormatRfc3339(*a.verified_at));
    m.String("via", a.via);
    out += '}';
}

void AppendAddress(std::string& out, const RecoveryAddress& a, core::JsonUtf8Errors errors) {
    out += '{';
    core::JsonMembers m(out, errors);
    m.String("created_at", core::FormatRfc3339(a.created_at));
    m.String("id", a.id.ToString());
    m.String("updated_at", core::FormatRfc3339(a.updated_at));
    m.String("value", a.value);
    m.String("via", a.via);
    out += '}';
}

template <class Addresses>
void AppendAddresses(std::string& out, const Addresses& addresses, core::JsonUtf8Errors errors) {
    out += '[';
    for (size_t k = 0; k < addresses.size(); ++k) {
        if (k > 0) out += ',';
        AppendAddress(out, addresses[k], errors);
    }
    out += ']';
}

}  // namespace

void AppendPublicJson(std::string& out, const Identity& i, std::string_view public_base_url,
                      core::JsonUtf8Errors errors) {
    // ToJson's public members, in key order.
    out += '{';
    core::JsonMembers m(out, errors);
    m.String("created_at", core::FormatRfc3339(i.created_at));
    m.String("id", i.id.ToString());
    m.Value("metadata_public", i.metadata_public);
    if (!i.recovery_addresses.empty()) AppendAddresses(m.Key("recovery_addresses"), i.recovery_addresses, errors);
    m.String("schema_id", i.schema_id);
    m.String("schema_url", SchemaUrl(public_base_url, i.schema_id));
    m.String("state", i.state);
    if (i.state_changed_at) m.String("state_changed_at", core::FormatRfc3339(*i.state_changed_at));
    m.Value("traits", i.traits);
    m.String("updated_at", core::FormatRfc3339(i.updated_at));
    if (!i.verifiable_addresses.empty()) {
        AppendAddresses(m.Key("verifiable_addresses"), i.verifiable_addresses, errors);
    }
    out += '}';
}

}  // namespace bia::identity
