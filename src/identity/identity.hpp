// Identities: the account record (traits validated by an identity schema), its credentials and
// the verifiable/recovery addresses derived from traits (surrounding-api.md §3).
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/uuid.hpp"

namespace bia::identity {

// Wire names of credential types and identity states, written once.
inline constexpr std::string_view kCredentialPassword = "password";
inline constexpr std::string_view kCredentialOidc = "oidc";
inline constexpr std::string_view kCredentialTotp = "totp";
inline constexpr std::string_view kCredentialLookupSecret = "lookup_secret";
inline constexpr std::string_view kCredentialWebauthn = "webauthn";
inline constexpr std::string_view kStateActive = "active";
inline constexpr std::string_view kStateInactive = "inactive";
inline constexpr std::string_view kAddressPending = "pending";
inline constexpr std::string_view kAddressSent = "sent";
inline constexpr std::string_view kAddressCompleted = "completed";

struct Credential {
    std::string type;
    std::vector<std::string> identifiers;
    nlohmann::json config = nlohmann::json::object();
    int version = 0;
    core::TimePoint created_at{};
    core::TimePoint updated_at{};
    // Field by field: repositories write a child table only when its rows changed.
    friend bool operator==(const Credential&, const Credential&) = default;
};

struct VerifiableAddress {
    core::Uuid id;
    std::string value;
    bool verified = false;
    std::string via = "email";
    std::string status = std::string(kAddressPending);
    std::optional<core::TimePoint> verified_at;
    core::TimePoint created_at{};
    core::TimePoint updated_at{};
    friend bool operator==(const VerifiableAddress&, const VerifiableAddress&) = default;
};

struct RecoveryAddress {
    core::Uuid id;
    std::string value;
    std::string via = "email";
    core::TimePoint created_at{};
    core::TimePoint updated_at{};
    friend bool operator==(const RecoveryAddress&, const RecoveryAddress&) = default;
};

struct Identity {
    core::Uuid id;
    std::string schema_id;
    std::string state = std::string(kStateActive);
    std::optional<core::TimePoint> state_changed_at;
    nlohmann::json traits = nlohmann::json::object();
    std::vector<VerifiableAddress> verifiable_addresses;
    std::vector<RecoveryAddress> recovery_addresses;
    nlohmann::json metadata_public;  // null when unset
    nlohmann::json metadata_admin;   // null when unset
    std::map<std::string, Credential, std::less<>> credentials;
    core::TimePoint created_at{};
    core::TimePoint updated_at{};
    // `updated_at` as stored when a repository loaded this identity. Update() refuses (409) when
    // the stored row changed since, so a read-modify-write never silently overwrites a
    // concurrent change (e.g. an admin update racing a settings submission).
    std::optional<core::TimePoint> stored_updated_at;
    // Bumped by the store on every write of the identity row or its children (read-only to
    // callers): what answers cached from this identity are checked against (docs/architecture.md).
    int64_t revision = 0;

    bool IsActive() const { return state == kStateActive; }
    const Credential* FindCredential(std::string_view type) const {
        auto it = credentials.find(type);
        return it == credentials.end() ? nullptr : &it->second;
    }
};

}  // namespace bia::identity
