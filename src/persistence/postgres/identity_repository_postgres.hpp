// identity::IdentityRepository on PostgreSQL. An update locks the identity row before replacing
// its children, so concurrent writers of one identity queue instead of interleaving; reads take
// one round trip over one snapshot, so they never see half of a write.
#pragma once

#include "identity/identity_repository.hpp"
#include "persistence/postgres/database.hpp"

namespace bia::persistence::postgres {

class IdentityRepositoryPostgres final : public identity::IdentityRepository {
  public:
    explicit IdentityRepositoryPostgres(Database& db) : db_(db) {}

    core::Status Create(const identity::Identity& identity) override;
    using identity::IdentityRepository::Update;
    core::Status Update(const identity::Identity& identity, const identity::Identity* as_loaded) override;
    core::Result<identity::Identity> Get(const core::Uuid& id) override;
    core::Result<identity::Identity> FindByAddress(identity::AddressKind kind, std::string_view via,
                                                   std::string_view value) override;
    core::Result<identity::Identity> FindByCredentialIdentifier(std::string_view type,
                                                                std::string_view identifier) override;
    core::Result<std::vector<identity::Identity>> List(int64_t offset, int64_t limit) override;
    core::Result<int64_t> Count() override;
    core::Status Delete(const core::Uuid& id) override;

  private:
    Database& db_;
};

}  // namespace bia::persistence::postgres
