// The totp method: a time-based one-time code as second factor — enrolled and unlinked in
// settings, asked for by aal2 login flows. Credential type "totp", proves aal2.
#pragma once

#include <memory>

#include "strategy/method_module.hpp"

namespace bia::strategy::totp {

std::unique_ptr<MethodModule> MakeTotpModule(const MethodDeps& deps);
// What a totp credential counts for towards the available AAL.
session::FactorCount Factors(const identity::Credential& credential);

}  // namespace bia::strategy::totp
