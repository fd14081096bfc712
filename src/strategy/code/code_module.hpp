// The code method in the verification and recovery flows (surrounding-api.md §9–10): a six-digit
// code sent by email (with a link carrying it, for verification), typed back into the flow. Each
// flow takes at most selfservice.methods.code.config.max_submissions guesses. Stores no
// credential; a recovery with it records `code_recovery` (aal1) on the new session.
#pragma once

#include <memory>

#include "strategy/address_challenge.hpp"
#include "strategy/method_module.hpp"

namespace bia::strategy::code {

inline constexpr std::string_view kMethod = "code";
inline constexpr std::string_view kSessionMethod = "code_recovery";

// The challenges of the verification and recovery flows (module tests build strategies from them).
ChallengeSpec VerificationSpec(const config::Config& config);
ChallengeSpec RecoverySpec(const config::Config& config);

std::unique_ptr<MethodModule> MakeCodeModule(const MethodDeps& deps);

}  // namespace bia::strategy::code
