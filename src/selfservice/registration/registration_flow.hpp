// The registration flow object (surrounding-api.md §8): its JSON shape and the storage contract
// flows are kept in between requests.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/uuid.hpp"
#include "selfservice/flow/flow.hpp"
#include "ui/container.hpp"

namespace bia::selfservice::registration {

inline constexpr std::string_view kStateChooseMethod = "choose_method";
inline constexpr std::string_view kStatePassedChallenge = "passed_challenge";

struct RegistrationFlow {
    core::Uuid id;
    FlowType type = FlowType::kBrowser;
    core::TimePoint expires_at{};
    core::TimePoint issued_at{};
    std::string request_url;
    std::string active;  // omitted when empty
    ui::Container ui;
    std::string state{kStateChooseMethod};
    core::TimePoint created_at{};  // server-only (not part of the G1/G2 registration flow JSON)
    core::TimePoint updated_at{};
    std::string csrf_token;  // server-only: masked token the browser flow was created with
    nlohmann::json internal_context = nlohmann::json::object();

    bool IsExpiredAt(core::TimePoint now) const { return expires_at < now; }
    std::string ReturnTo() const { return ReturnToOf(request_url); }

    // id, type, expires_at, issued_at, request_url, return_to (omitempty), active (omitempty),
    // ui, and G2's state.
    nlohmann::json ToJson() const;
};

class RegistrationFlowRepository {
  public:
    virtual ~RegistrationFlowRepository() = default;
    virtual core::Status Create(const RegistrationFlow& flow) = 0;
    virtual core::Status Update(const RegistrationFlow& flow) = 0;
    virtual core::Result<RegistrationFlow> Get(const core::Uuid& id) = 0;
};

}  // namespace bia::selfservice::registration
