// How a registration method plugs into the registration flow (surrounding-api.md §8): it adds its
// nodes to new flows and turns a submission addressed to it into a new, not yet stored identity.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "core/result.hpp"
#include "identity/identity.hpp"
#include "selfservice/flow/flow.hpp"
#include "selfservice/flow/rejection.hpp"
#include "selfservice/registration/registration_flow.hpp"
#include "session/session.hpp"

namespace bia::selfservice::registration {

struct RegistrationAttempt {
    enum class Kind {
        kNotResponsible,
        kCreated,  // `identity` is valid and ready to be stored; `method` is what a session hook records
        kRejected,
        kFailed,
    };
    Kind kind = Kind::kNotResponsible;
    identity::Identity identity;
    session::AuthenticationMethod method;
    Rejection rejection;
    core::Error error;

    static RegistrationAttempt NotResponsible() { return {}; }
    static RegistrationAttempt Created(identity::Identity i, session::AuthenticationMethod m) {
        RegistrationAttempt a;
        a.kind = Kind::kCreated;
        a.identity = std::move(i);
        a.method = std::move(m);
        return a;
    }
    static RegistrationAttempt Rejected(Rejection r) {
        RegistrationAttempt a;
        a.kind = Kind::kRejected;
        a.rejection = std::move(r);
        return a;
    }
    static RegistrationAttempt Failed(core::Error e) {
        RegistrationAttempt a;
        a.kind = Kind::kFailed;
        a.error = std::move(e);
        return a;
    }
};

class RegistrationStrategy {
  public:
    virtual ~RegistrationStrategy() = default;
    virtual std::string_view Id() const = 0;
    virtual core::Status Populate(const RequestContext& ctx, RegistrationFlow& flow) = 0;
    virtual RegistrationAttempt Register(const RequestContext& ctx, RegistrationFlow& flow,
                                         const nlohmann::json& body) = 0;
};

}  // namespace bia::selfservice::registration
