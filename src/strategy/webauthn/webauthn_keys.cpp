#include "strategy/webauthn/webauthn_keys.hpp"

#include "core/encoding.hpp"
#include "core/time.hpp"

namespace bia::strategy::webauthn {

using nlohmann::json;

namespace {

std::optional<std::string> BytesField(const json& o, std::string_view key) {
    auto it = o.find(key);
    if (it == o.end() || !it->is_string()) return std::nullopt;
    return core::Base64Decode(it->get_ref<const std::string&>());
}

bool FlagOf(const json& flags, std::string_view key, bool fallback) {
    if (!flags.is_object()) return fallback;
    auto it = flags.find(key);
    return it != flags.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

}  // namespace

StoredKeys KeysOf(const identity::Identity& identity) {
    const identity::Credential* c = identity.FindCredential(identity::kCredentialWebauthn);
    return c != nullptr ? KeysOfCredential(*c) : StoredKeys{};
}

StoredKeys KeysOfCredential(const identity::Credential& credential) {
    StoredKeys out;
    const identity::Credential* c = &credential;
    if (!c->config.is_object()) return out;
    if (auto h = BytesField(c->config, "user_handle")) out.user_handle = *h;
    auto list = c->config.find("credentials");
    if (list == c->config.end() || !list->is_array()) return out;
    for (const json& e : *list) {
        if (!e.is_object()) continue;
        auto id = BytesField(e, "id");
        auto key = BytesField(e, "public_key");
        if (!id || id->empty() || !key || key->empty()) continue;
        StoredKey k;
        k.id = std::move(*id);
        k.public_key = std::move(*key);
        k.attestation_type = e.value("attestation_type", "");
        if (auto a = e.find("authenticator"); a != e.end() && a->is_object()) {
            k.aaguid = BytesField(*a, "aaguid").value_or("");
            if (auto n = a->find("sign_count"); n != a->end() && n->is_number_unsigned())
                k.sign_count = static_cast<uint32_t>(n->get<uint64_t>());
            k.clone_warning = a->value("clone_warning", false);
        }
        k.display_name = e.value("display_name", "");
        if (auto t = e.find("added_at"); t != e.end() && t->is_string())
            k.added_at = core::ParseRfc3339(t->get_ref<const std::string&>()).value_or(core::TimePoint{});
        k.is_passwordless = e.value("is_passwordless", false);
        const json flags = e.value("flags", json());
        k.user_present = FlagOf(flags, "user_present", true);
        k.user_verified = FlagOf(flags, "user_verified", false);
        k.backup_eligible = FlagOf(flags, "backup_eligible", false);
        k.backup_state = FlagOf(flags, "backup_state", false);
        if (auto t = e.find("transport"); t != e.end() && t->is_array()) {
            for (const json& s : *t) {
                if (s.is_string()) k.transports.push_back(s.get<std::string>());
            }
        }
        out.keys.push_back(std::move(k));
    }
    return out;
}

json KeysConfig(const StoredKeys& keys) {
    json list = json::array();
    for (const StoredKey& k : keys.keys) {
        list.push_back({{"id", core::Base64Encode(k.id)},
                        {"public_key", core::Base64Encode(k.public_key)},
                        {"attestation_type", k.attestation_type},
                        {"authenticator",
                         {{"aaguid", core::Base64Encode(k.aaguid)},
                          {"sign_count", k.sign_count},
                          {"clone_warning", k.clone_warning}}},
                        {"display_name", k.display_name},
                        {"added_at", core::FormatRfc3339(k.added_at)},
                        {"is_passwordless", k.is_passwordless},
                        {"flags",
                         {{"user_present", k.user_present},
                          {"user_verified", k.user_verified},
                          {"backup_eligible", k.backup_eligible},
                          {"backup_state", k.backup_state}}},
                        {"transport", k.transports}});
    }
    return {{"credentials", std::move(list)}, {"user_handle", core::Base64Encode(keys.user_handle)}};
}

std::string HexId(std::string_view raw) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(raw.size() * 2);
    for (unsigned char c : raw) {
        out.push_back(kDigits[c >> 4]);
        out.push_back(kDigits[c & 0x0f]);
    }
    return out;
}

std::optional<std::string> ParseHexId(std::string_view hex) {
    if (hex.empty() || hex.size() % 2 != 0) return std::nullopt;
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::string out;
    out.reserve(hex.size() / 2);
    for (size_t i = 0; i < hex.size(); i += 2) {
        const int hi = nibble(hex[i]);
        const int lo = nibble(hex[i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out.push_back(static_cast<char>((hi << 4) | lo));
    }
    return out;
}

}  // namespace bia::strategy::webauthn
