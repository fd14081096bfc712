#include "session/session_json.hpp"

#include "core/time.hpp"
#include "identity/identity_json.hpp"

namespace bia::session {

using nlohmann::json;

json ToJson(const Session& s, std::string_view public_base_url) {
    json methods = json::array();
    for (const auto& m : s.methods) {
        json mj = {{"method", m.method},
                   {"aal", m.aal.empty() ? std::string(ComputeAal({m})) : m.aal},
                   {"completed_at", core::FormatRfc3339(m.completed_at)}};
        if (!m.provider.empty()) mj["provider"] = m.provider;
        methods.push_back(std::move(mj));
    }
    json j = {{"id", s.id.ToString()},
              {"active", s.active},
              {"expires_at", core::FormatRfc3339(s.expires_at)},
              {"authenticated_at", core::FormatRfc3339(s.authenticated_at)},
              {"authenticator_assurance_level", std::string(ComputeAal(s.methods))},
              {"authentication_methods", std::move(methods)},
              {"issued_at", core::FormatRfc3339(s.issued_at)}};
    if (s.identity) j["identity"] = identity::ToJson(*s.identity, public_base_url);
    return j;
}

}  // namespace bia::session
