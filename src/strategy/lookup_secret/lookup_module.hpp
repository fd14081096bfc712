// The lookup_secret method: twelve single-use backup recovery codes as a second factor —
// generated, revealed and disabled in settings, spent one at a time by aal2 login flows.
// Credential type "lookup_secret", proves aal2.
#pragma once

#include <memory>

#include "strategy/method_module.hpp"

namespace bia::strategy::lookup_secret {

std::unique_ptr<MethodModule> MakeLookupSecretModule(const MethodDeps& deps);
// What a lookup_secret credential counts for towards the available AAL.
session::FactorCount Factors(const identity::Credential& credential);

}  // namespace bia::strategy::lookup_secret
