// The webauthn method: security keys (FIDO2 / WebAuthn) as a second factor — registered and
// removed in settings, asked for by aal2 login flows — in browser flows, with the browser script
// it serves at /.well-known/ory/webauthn.js. Credential type "webauthn", proves aal2.
#pragma once

#include <memory>

#include "strategy/method_module.hpp"

namespace bia::strategy::webauthn {

std::unique_ptr<MethodModule> MakeWebAuthnModule(const MethodDeps& deps);
// What a webauthn credential counts for towards the available AAL.
session::FactorCount Factors(const identity::Credential& credential);

}  // namespace bia::strategy::webauthn
