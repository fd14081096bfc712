// The profile method: changing traits in settings (protected traits need a privileged session).
// Stores no credential and cannot log in.
#pragma once

#include <memory>

#include "strategy/method_module.hpp"

namespace bia::strategy::profile {

std::unique_ptr<MethodModule> MakeProfileModule(const MethodDeps& deps);

}  // namespace bia::strategy::profile
