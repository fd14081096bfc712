#include "session/session.hpp"

namespace bia::session {

bool Session::IsValidAt(core::TimePoint now) const {
    if (!active || expires_at <= now) return false;
    if (identity && !identity->IsActive()) return false;
    return true;
}

std::string_view ComputeAal(const std::vector<AuthenticationMethod>& methods) {
    bool first = false, second = false;
    for (const auto& m : methods) {
        const std::string_view a = m.aal.empty() ? kAal1 : std::string_view(m.aal);
        if (a == kAal2)
            second = true;
        else if (a == kAal1)
            first = true;
    }
    if (first && second) return kAal2;
    if (first || second) return kAal1;
    return kAal0;
}

int AalRank(std::string_view aal) {
    if (aal == kAal2) return 2;
    if (aal == kAal1) return 1;
    return 0;
}

}  // namespace bia::session
