// The security keys an identity stores (settings-flow.md §8.5, §15): the `webauthn` credential's
// config {"credentials":[…],"user_handle":"<base64>"} with binary members as standard padded
// base64 (Go's []byte), and the lower-case hex ids the remove buttons carry.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "identity/identity.hpp"

namespace bia::strategy::webauthn {

struct StoredKey {
    std::string id;          // raw credential id
    std::string public_key;  // COSE_Key CBOR bytes
    std::string attestation_type;
    std::string aaguid;  // 16 raw bytes
    uint32_t sign_count = 0;
    bool clone_warning = false;
    std::string display_name;
    core::TimePoint added_at{};
    bool is_passwordless = false;
    bool user_present = true;
    bool user_verified = false;
    bool backup_eligible = false;
    bool backup_state = false;
    std::vector<std::string> transports;
};

struct StoredKeys {
    std::vector<StoredKey> keys;
    std::string user_handle;  // raw bytes (the identity id's 16 bytes)
};

// The keys of a `webauthn` credential; entries that do not decode are skipped (they could never
// verify). Empty when there is no credential.
StoredKeys KeysOf(const identity::Identity& identity);
StoredKeys KeysOfCredential(const identity::Credential& credential);
nlohmann::json KeysConfig(const StoredKeys& keys);

// Lower-case hex of a raw id, and back (nullopt for anything but an even-length hex string).
std::string HexId(std::string_view raw);
std::optional<std::string> ParseHexId(std::string_view hex);

}  // namespace bia::strategy::webauthn
