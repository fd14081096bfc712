#include "session/aal.hpp"

namespace bia::session {

void AalRules::Add(std::string credential_type, FactorRule rule) {
    for (auto& [type, r] : rules_) {
        if (type == credential_type) {
            r = std::move(rule);
            return;
        }
    }
    rules_.emplace_back(std::move(credential_type), std::move(rule));
}

FactorCount AalRules::Count(const identity::Identity& identity) const {
    FactorCount total;
    for (const auto& [type, rule] : rules_) {
        const identity::Credential* c = identity.FindCredential(type);
        if (c == nullptr) continue;
        const FactorCount n = rule(*c);
        total.first += n.first;
        total.second += n.second;
    }
    return total;
}

std::string_view AalRules::Available(const identity::Identity& identity) const {
    const FactorCount n = Count(identity);
    if (n.second > 0) return kAal2;
    if (n.first > 0) return kAal1;
    return kAal0;
}

bool AalRules::Satisfied(const Session& session, const identity::Identity& identity, std::string_view required) const {
    const int have = AalRank(ComputeAal(session.methods));
    if (required == kAal1) return have >= 1;
    if (have >= 2) return true;  // nothing is higher than aal2
    return have >= 1 && have >= AalRank(Available(identity));
}

}  // namespace bia::session
