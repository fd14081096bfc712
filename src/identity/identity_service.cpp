#include "identity/identity_service.hpp"

#include <algorithm>

#include "schema/identifier.hpp"

namespace bia::identity {

using core::Result;
using core::Status;
using nlohmann::json;

core::Error ViolationsToError(const std::vector<schema::Violation>& violations) {
    std::string reason;
    for (const auto& v : violations) {
        if (!reason.empty()) reason += "; ";
        reason += v.pointer.empty() ? v.message : v.pointer + ": " + v.message;
    }
    core::Error e = core::BadRequest(reason);
    json list = json::array();
    for (const auto& v : violations) list.push_back({{"field", v.field}, {"message", v.message}});
    e.details = {{"violations", std::move(list)}};
    return e;
}

Result<std::vector<schema::Violation>> IdentityService::Validate(const std::string& schema_id,
                                                                 const json& traits) const {
    const schema::Schema* s = schemas_.Find(schema_id);
    if (!s) return core::BadRequest("Identity schema `" + schema_id + "` could not be found.");
    return s->ValidateTraits(traits);
}

Status IdentityService::RecomputeFromTraits(Identity& identity) const {
    const schema::Schema* s = schemas_.Find(identity.schema_id);
    if (!s) return core::BadRequest("Identity schema `" + identity.schema_id + "` could not be found.");
    const auto ext = s->ExtractExtensions(identity.traits);
    const auto now = clock_.Now();

    // Credential identifiers: only credentials that exist get their identifiers refreshed; a
    // password credential without any identifier keeps none (policy then reports 4000009).
    for (auto& [type, cred] : identity.credentials) {
        if (type == kCredentialTotp || type == kCredentialLookupSecret || type == kCredentialOidc) continue;
        const auto* ids = ext.IdentifiersFor(type);
        if (type == kCredentialWebauthn && (!ids || ids->empty())) continue;  // keeps identity-id identifier
        std::vector<std::string> next = ids ? *ids : std::vector<std::string>{};
        if (next != cred.identifiers) {
            cred.identifiers = std::move(next);
            cred.updated_at = now;
        }
    }

    std::vector<VerifiableAddress> verifiable;
    for (const auto& a : ext.verification) {
        auto old = std::find_if(identity.verifiable_addresses.begin(), identity.verifiable_addresses.end(),
                                [&](const VerifiableAddress& o) { return o.via == a.via && o.value == a.value; });
        if (old != identity.verifiable_addresses.end()) {
            verifiable.push_back(*old);
            continue;
        }
        VerifiableAddress v;
        v.id = core::Uuid::V4(random_);
        v.value = a.value;
        v.via = a.via;
        v.created_at = v.updated_at = now;
        verifiable.push_back(std::move(v));
    }
    identity.verifiable_addresses = std::move(verifiable);

    std::vector<RecoveryAddress> recovery;
    for (const auto& a : ext.recovery) {
        auto old = std::find_if(identity.recovery_addresses.begin(), identity.recovery_addresses.end(),
                                [&](const RecoveryAddress& o) { return o.via == a.via && o.value == a.value; });
        if (old != identity.recovery_addresses.end()) {
            recovery.push_back(*old);
            continue;
        }
        RecoveryAddress r;
        r.id = core::Uuid::V4(random_);
        r.value = a.value;
        r.via = a.via;
        r.created_at = r.updated_at = now;
        recovery.push_back(std::move(r));
    }
    identity.recovery_addresses = std::move(recovery);
    return {};
}

void IdentityService::SetPasswordHash(Identity& identity, std::string hashed_password) const {
    const auto now = clock_.Now();
    auto it = identity.credentials.find(kCredentialPassword);
    if (it == identity.credentials.end()) {
        Credential c;
        c.type = std::string(kCredentialPassword);
        c.created_at = now;
        it = identity.credentials.emplace(c.type, std::move(c)).first;
    }
    it->second.config = {{"hashed_password", std::move(hashed_password)}};
    it->second.updated_at = now;
}

Status IdentityService::ApplyPassword(Identity& identity, const std::optional<std::string>& password,
                                      const std::optional<std::string>& hashed_password) {
    if (hashed_password) {
        BIA_TRY(hashing_.CheckImportedHash(*hashed_password));
        SetPasswordHash(identity, *hashed_password);
    } else if (password) {
        BIA_TRY_ASSIGN(std::string hash, hashing_.Hash(*password));
        SetPasswordHash(identity, std::move(hash));
    }
    return {};
}

namespace {
bool ValidState(const std::string& s) { return s == kStateActive || s == kStateInactive; }

void ApplySuppliedAddresses(Identity& identity, const std::vector<AddressInput>& supplied, core::TimePoint now) {
    // Supplied verifiable addresses only override the state of schema-derived ones.
    for (const auto& in : supplied) {
        for (auto& a : identity.verifiable_addresses) {
            if (a.value != in.value || a.via != in.via) continue;
            if (in.verified) a.verified = *in.verified;
            if (in.status) a.status = *in.status;
            if (a.verified && !a.verified_at) a.verified_at = now;
        }
    }
}
}  // namespace

Result<Identity> IdentityService::FindByCredentialIdentifier(std::string_view type, std::string_view typed) {
    const std::string normalized = schema::NormalizeCredentialIdentifier(type, typed);
    auto found = repository_.FindByCredentialIdentifier(type, normalized);
    if (found || found.error().code != 404 || normalized == typed) return found;
    return repository_.FindByCredentialIdentifier(type, typed);
}

Result<Identity> IdentityService::Create(const CreateIdentityInput& input) {
    Identity identity;
    identity.id = core::Uuid::V4(random_);
    identity.schema_id = input.schema_id.empty() ? schemas_.default_id() : input.schema_id;
    identity.state = input.state.value_or(std::string(kStateActive));
    if (!ValidState(identity.state)) return core::BadRequest("identity state is not valid");
    identity.traits = input.traits.is_null() ? json::object() : input.traits;
    identity.metadata_public = input.metadata_public;
    identity.metadata_admin = input.metadata_admin;
    const auto now = clock_.Now();
    identity.created_at = identity.updated_at = now;
    identity.state_changed_at = now;

    BIA_TRY_ASSIGN(auto violations, Validate(identity.schema_id, identity.traits));
    if (!violations.empty()) return ViolationsToError(violations);

    BIA_TRY(ApplyPassword(identity, input.password, input.hashed_password));
    if (input.oidc_providers.is_array() && !input.oidc_providers.empty()) {
        Credential c;
        c.type = std::string(kCredentialOidc);
        c.created_at = c.updated_at = now;
        json providers = json::array();
        for (const auto& p : input.oidc_providers) {
            if (!p.is_object() || !p.contains("provider") || !p.contains("subject") || !p["provider"].is_string() ||
                !p["subject"].is_string())
                return core::BadRequest("credentials.oidc.config.providers entries need `provider` and `subject`");
            c.identifiers.push_back(p["provider"].get<std::string>() + ":" + p["subject"].get<std::string>());
            providers.push_back({{"provider", p["provider"]}, {"subject", p["subject"]}});
        }
        c.config = {{"providers", std::move(providers)}};
        identity.credentials.emplace(c.type, std::move(c));
    }
    BIA_TRY(RecomputeFromTraits(identity));
    ApplySuppliedAddresses(identity, input.verifiable_addresses, now);
    BIA_TRY(repository_.Create(identity));
    return identity;
}

Result<Identity> IdentityService::Update(const core::Uuid& id, const UpdateIdentityInput& input) {
    BIA_TRY_ASSIGN(Identity identity, repository_.Get(id));
    if (!input.schema_id.empty()) identity.schema_id = input.schema_id;
    if (input.state) {
        if (!ValidState(*input.state)) return core::BadRequest("identity state is not valid");
        if (*input.state != identity.state) identity.state_changed_at = clock_.Now();
        identity.state = *input.state;
    }
    identity.traits = input.traits;
    identity.metadata_public = input.metadata_public;
    identity.metadata_admin = input.metadata_admin;
    identity.updated_at = clock_.Now();
    BIA_TRY_ASSIGN(auto violations, Validate(identity.schema_id, identity.traits));
    if (!violations.empty()) return ViolationsToError(violations);
    BIA_TRY(ApplyPassword(identity, input.password, input.hashed_password));
    BIA_TRY(RecomputeFromTraits(identity));
    BIA_TRY(repository_.Update(identity));
    return identity;
}

}  // namespace bia::identity
