// identity::IdentityRepository on SQLite.
#pragma once

#include "identity/identity_repository.hpp"
#include "persistence/sqlite/database.hpp"

namespace bia::persistence::sqlite {

class IdentityRepositorySqlite final : public identity::IdentityRepository {
  public:
    explicit IdentityRepositorySqlite(Database& db) : db_(db) {}

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

    // Loads credentials and addresses for an identity whose row was already read; shared with
    // the session repository's joined lookups.
    static core::Status LoadChildren(Connection& c, identity::Identity& identity);
    static core::Result<identity::Identity> LoadById(Connection& c, const core::Uuid& id);

  private:
    static core::Status WriteChildren(Connection& c, const identity::Identity& identity);
    static core::Status WriteCredentials(Connection& c, const identity::Identity& identity);
    static core::Status WriteVerifiableAddresses(Connection& c, const identity::Identity& identity);
    static core::Status WriteRecoveryAddresses(Connection& c, const identity::Identity& identity);
    Database& db_;
};

}  // namespace bia::persistence::sqlite
