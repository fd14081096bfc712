// The password method of the registration flow (surrounding-api.md §8): one input per trait plus
// `password`; a submission becomes an identity whose traits passed the schema, whose identifiers
// came from the schema's extension keywords, and whose password passed the policy.
#pragma once

#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/random.hpp"
#include "crypto/password_policy.hpp"
#include "identity/identity_service.hpp"
#include "selfservice/registration/registration_strategy.hpp"
#include "strategy/password/password_hashing.hpp"
#include "strategy/password/password_nodes.hpp"

namespace bia::strategy::password {

class PasswordRegistration final : public selfservice::registration::RegistrationStrategy {
  public:
    PasswordRegistration(const config::Config& config, identity::IdentityService& identities,
                         crypto::PasswordPolicy& policy, PasswordHashing& hashing, const core::Clock& clock,
                         core::Random& random)
        : config_(config),
          identities_(identities),
          policy_(policy),
          hashing_(hashing),
          clock_(clock),
          random_(random) {}

    std::string_view Id() const override { return "password"; }
    std::vector<std::string> NodeOrder() const override { return {std::string(kPasswordField)}; }
    core::Status Populate(const selfservice::RequestContext& ctx,
                          selfservice::registration::RegistrationFlow& flow) override;
    selfservice::registration::RegistrationAttempt Register(const selfservice::RequestContext& ctx,
                                                            selfservice::registration::RegistrationFlow& flow,
                                                            const nlohmann::json& body) override;

  private:
    void PrepareRetry(const selfservice::RequestContext& ctx, selfservice::registration::RegistrationFlow& flow,
                      const nlohmann::json& traits);

    const config::Config& config_;
    identity::IdentityService& identities_;
    crypto::PasswordPolicy& policy_;
    PasswordHashing& hashing_;
    const core::Clock& clock_;
    core::Random& random_;
};

}  // namespace bia::strategy::password
