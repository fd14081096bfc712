// The password method: login and registration with an identifier and a password, and changing
// the password in settings (privileged). Credential type "password", proves aal1.
#pragma once

#include <memory>

#include "strategy/method_module.hpp"

namespace bia::strategy::password {

std::unique_ptr<MethodModule> MakePasswordModule(const MethodDeps& deps);

}  // namespace bia::strategy::password
