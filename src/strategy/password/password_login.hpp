// The password method of the login flow (surrounding-api.md §7): identifier + password inputs
// (a hidden, pre-filled identifier on refresh), verification that costs the same whether or not
// the identifier exists, and a transparent re-hash of imported or outdated hashes.
#pragma once

#include "config/config.hpp"
#include "core/random.hpp"
#include "identity/identity_service.hpp"
#include "schema/schema.hpp"
#include "selfservice/login/login_strategy.hpp"
#include "strategy/password/password_hashing.hpp"
#include "strategy/password/password_nodes.hpp"

namespace bia::strategy::password {

class PasswordLogin final : public selfservice::login::LoginStrategy {
  public:
    PasswordLogin(const config::Config& config, identity::IdentityService& identities,
                  const schema::SchemaRegistry& schemas, PasswordHashing& hashing, core::Random& random)
        : config_(config), identities_(identities), schemas_(schemas), hashing_(hashing), random_(random) {}

    std::string_view Id() const override { return "password"; }
    std::vector<std::string> NodeOrder() const override {
        return {std::string(kIdentifierField), std::string(kPasswordField)};
    }
    core::Status Populate(const selfservice::RequestContext& ctx, selfservice::login::LoginFlow& flow) override;
    selfservice::login::LoginAttempt Login(const selfservice::RequestContext& ctx, selfservice::login::LoginFlow& flow,
                                           const nlohmann::json& body) override;

  private:
    // Re-render edits after a failed attempt: never echo the password, keep the identifier, and
    // give browser flows a fresh csrf_token.
    void PrepareRetry(const selfservice::RequestContext& ctx, selfservice::login::LoginFlow& flow,
                      const std::optional<std::string>& identifier);

    const config::Config& config_;
    identity::IdentityService& identities_;
    const schema::SchemaRegistry& schemas_;
    PasswordHashing& hashing_;
    core::Random& random_;
};

}  // namespace bia::strategy::password
