#include "session/session.hpp"

namespace bia::session {

bool Session::IsValidAt(core::TimePoint now) const {
    if (!active || expires_at <= now) return false;
    if (identity && !identity->IsActive()) return false;
    return true;
}

namespace {
std::string_view MethodAal(const AuthenticationMethod& m) {
    if (!m.aal.empty()) return m.aal;
    if (m.method == "totp" || m.method == "lookup_secret" || m.method == "webauthn") return kAal2;
    return kAal1;
}
}  // namespace

std::string_view ComputeAal(const std::vector<AuthenticationMethod>& methods) {
    bool first = false, second = false;
    for (const auto& m : methods) {
        auto a = MethodAal(m);
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

std::string_view AvailableAal(const identity::Identity& identity) {
    bool first = false, second = false;
    for (const auto& [type, c] : identity.credentials) {
        if (type == identity::kCredentialPassword) {
            auto it = c.config.find("hashed_password");
            if (!c.identifiers.empty() && it != c.config.end() && it->is_string() &&
                !it->get_ref<const std::string&>().empty())
                first = true;
        } else if (type == identity::kCredentialOidc) {
            auto it = c.config.find("providers");
            if (it != c.config.end() && it->is_array() && !it->empty()) first = true;
        } else if (type == identity::kCredentialTotp) {
            auto it = c.config.find("totp_url");
            if (it != c.config.end() && it->is_string() && !it->get_ref<const std::string&>().empty()) second = true;
        } else if (type == identity::kCredentialLookupSecret) {
            auto it = c.config.find("recovery_codes");
            if (it != c.config.end() && it->is_array() && !it->empty()) second = true;
        } else if (type == identity::kCredentialWebauthn) {
            auto it = c.config.find("credentials");
            if (it != c.config.end() && it->is_array()) {
                for (const auto& k : *it) {
                    bool passwordless = k.is_object() && k.value("is_passwordless", false);
                    if (passwordless)
                        first = true;
                    else
                        second = true;
                }
            }
        }
    }
    if (second) return kAal2;
    if (first) return kAal1;
    return kAal0;
}

bool SatisfiesAal(const Session& session, const identity::Identity& identity, std::string_view required) {
    const int have = AalRank(ComputeAal(session.methods));
    if (required == kAal1) return have >= 1;
    if (have >= 2) return true;  // nothing is higher than aal2
    return have >= AalRank(AvailableAal(identity)) && have >= 1;
}

}  // namespace bia::session
