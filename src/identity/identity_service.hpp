// Identity use cases shared by the admin API and the self-service flows: creating and updating
// identities, validating traits against their schema and recomputing what the schema's
// extension keywords derive from traits (identifiers, verifiable and recovery addresses).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/random.hpp"
#include "core/result.hpp"
#include "identity/identity.hpp"
#include "identity/identity_repository.hpp"
#include "schema/schema.hpp"

namespace bia::identity {

// Password hashing as the identity domain needs it; app/ adapts crypto's hash pool to it.
class PasswordHashing {
  public:
    virtual ~PasswordHashing() = default;
    // Hashes with the configured algorithm (may block: callers run off the I/O threads).
    virtual core::Result<std::string> Hash(std::string_view password) = 0;
    // Ok when an imported hash is in a format Bia can verify and within its work bounds; else
    // the 400 to answer (unknown format, or the limit the hash exceeds).
    virtual core::Status CheckImportedHash(std::string_view encoded) = 0;
};

struct AddressInput {
    std::string value;
    std::string via = "email";
    std::optional<bool> verified;
    std::optional<std::string> status;
};

// The admin create body (surrounding-api.md §4), already decoded.
struct CreateIdentityInput {
    std::string schema_id;  // empty = default schema
    nlohmann::json traits;
    std::optional<std::string> state;
    nlohmann::json metadata_public;
    nlohmann::json metadata_admin;
    std::vector<AddressInput> verifiable_addresses;
    std::vector<AddressInput> recovery_addresses;
    std::optional<std::string> password;         // credentials.password.config.password
    std::optional<std::string> hashed_password;  // credentials.password.config.hashed_password
    nlohmann::json oidc_providers;               // credentials.oidc.config.providers (array or null)
};

struct UpdateIdentityInput {
    std::string schema_id;  // empty = keep
    nlohmann::json traits;
    std::optional<std::string> state;
    nlohmann::json metadata_public;
    nlohmann::json metadata_admin;
    std::optional<std::string> password;
    std::optional<std::string> hashed_password;
};

class IdentityService {
  public:
    IdentityService(IdentityRepository& repository, const schema::SchemaRegistry& schemas, PasswordHashing& hashing,
                    const core::Clock& clock, core::Random& random)
        : repository_(repository), schemas_(schemas), hashing_(hashing), clock_(clock), random_(random) {}

    core::Result<Identity> Create(const CreateIdentityInput& input);
    core::Result<Identity> Update(const core::Uuid& id, const UpdateIdentityInput& input);

    // Schema violations of `traits` under the identity's schema (empty = valid). An unknown
    // schema id is itself reported as an error.
    core::Result<std::vector<schema::Violation>> Validate(const std::string& schema_id,
                                                          const nlohmann::json& traits) const;

    // Recomputes credential identifiers and addresses from the identity's traits. Unchanged
    // addresses keep their id and verification state; new values start pending/unverified.
    core::Status RecomputeFromTraits(Identity& identity) const;

    // Sets (or creates) the password credential with an already computed hash.
    void SetPasswordHash(Identity& identity, std::string hashed_password) const;

    // The identity owning credential `type`'s identifier as a person typed it: looked up in its
    // normalised form (schema::NormalizeCredentialIdentifier, the form registration stores), then,
    // as Kratos does for rows written before normalisation, as typed. 404 when neither is found.
    core::Result<Identity> FindByCredentialIdentifier(std::string_view type, std::string_view typed);

    IdentityRepository& repository() { return repository_; }
    const schema::SchemaRegistry& schemas() const { return schemas_; }

  private:
    core::Status ApplyPassword(Identity& identity, const std::optional<std::string>& password,
                               const std::optional<std::string>& hashed_password);
    IdentityRepository& repository_;
    const schema::SchemaRegistry& schemas_;
    PasswordHashing& hashing_;
    const core::Clock& clock_;
    core::Random& random_;
};

// The first violation as the 400 error the admin API answers (reason = validator text).
core::Error ViolationsToError(const std::vector<schema::Violation>& violations);

}  // namespace bia::identity
