// The link method in the verification and recovery flows (surrounding-api.md §9–10): a one-time
// link sent by email, opened in any browser (GET …?flow=&token=), valid for
// selfservice.methods.link.config.lifespan. Stores no credential; a recovery with it records
// `link_recovery` (aal1) on the new session.
#pragma once

#include <memory>

#include "strategy/address_challenge.hpp"
#include "strategy/method_module.hpp"

namespace bia::strategy::link {

inline constexpr std::string_view kMethod = "link";
inline constexpr std::string_view kSessionMethod = "link_recovery";

// The challenges of the verification and recovery flows (module tests build strategies from them).
ChallengeSpec VerificationSpec(const config::Config& config);
ChallengeSpec RecoverySpec(const config::Config& config);

std::unique_ptr<MethodModule> MakeLinkModule(const MethodDeps& deps);

}  // namespace bia::strategy::link
