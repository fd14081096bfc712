// How an identity's credentials count towards the highest AAL it can reach (settings-flow.md
// §11, "highest_available"): each method module declares the rule for the credential type it
// stores (a password with an identifier and a hash is a first factor, TOTP a second, …) and
// app::Wiring collects them here; session, settings and login checks ask these rules.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "identity/identity.hpp"
#include "session/session.hpp"

namespace bia::session {

struct FactorCount {
    int first = 0;   // first factors (password, social links, passwordless keys)
    int second = 0;  // second factors (TOTP, backup codes, security keys)
};

using FactorRule = std::function<FactorCount(const identity::Credential&)>;

class AalRules {
  public:
    // The rule for credentials of `credential_type` (one per type; a later one replaces).
    void Add(std::string credential_type, FactorRule rule);
    // Summed over the identity's credentials; a type without a rule counts nothing.
    FactorCount Count(const identity::Identity& identity) const;
    // aal2 with a second factor, else aal1 with a first factor, else aal0.
    std::string_view Available(const identity::Identity& identity) const;
    // Whether `session` satisfies `required` ("aal1" or "highest_available") for `identity`.
    bool Satisfied(const Session& session, const identity::Identity& identity, std::string_view required) const;

  private:
    std::vector<std::pair<std::string, FactorRule>> rules_;
};

}  // namespace bia::session
