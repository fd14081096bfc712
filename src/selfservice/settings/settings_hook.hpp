// After-settings hooks (settings-flow.md §14): small actions run around persisting the changed
// identity. Each hook says whether it runs before persistence (and may still stop the change) or
// after it. Per-method hook lists replace the global list, never merge with it.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config.hpp"
#include "core/result.hpp"
#include "identity/identity.hpp"
#include "selfservice/flow/flow.hpp"
#include "session/session.hpp"
#include "session/session_repository.hpp"

namespace bia::selfservice::settings {

inline constexpr std::string_view kHookRevokeActiveSessions = "revoke_active_sessions";
inline constexpr std::string_view kHookWebHook = "web_hook";
inline constexpr std::string_view kHookShowVerificationUi = "show_verification_ui";

// The HTTP facts a hook may forward (web_hook's ctx, §14); filled by http/.
struct HookRequestFacts {
    std::string method;
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;
    std::map<std::string, std::string> cookies;
};

struct SettingsHookContext {
    const HookRequestFacts& request;
    std::string_view method;             // the settings method that made the change
    const nlohmann::json& flow;          // the flow as a client would see it
    const identity::Identity& identity;  // the changed identity
    const session::Session& session;     // the caller's session
    // Hooks may add continue_with items (G2, e.g. show_verification_ui).
    nlohmann::json& continue_with;
};

class SettingsHook {
  public:
    enum class When { kPrePersist, kPostPersist };
    virtual ~SettingsHook() = default;
    virtual std::string_view Name() const = 0;
    virtual When RunsAt() const { return When::kPostPersist; }
    // A failure stops the flow: before persistence nothing is written; after it the change stays
    // saved but the client gets the error (§14 step 5).
    virtual core::Status Execute(const SettingsHookContext& ctx) = 0;
};

// Ends every other session of the identity; the caller's session stays (§14, G2).
class RevokeActiveSessionsHook final : public SettingsHook {
  public:
    explicit RevokeActiveSessionsHook(session::SessionRepository& sessions) : sessions_(sessions) {}
    std::string_view Name() const override { return kHookRevokeActiveSessions; }
    core::Status Execute(const SettingsHookContext& ctx) override;

  private:
    session::SessionRepository& sessions_;
};

// Builds a hook from its configuration entry; web_hook is supplied by whoever owns the HTTP
// client (app::Wiring), so this module does not depend on it.
using SettingsHookBuilder = std::function<core::Result<std::unique_ptr<SettingsHook>>(const config::Hook&)>;

// The hooks of `selfservice.flows.settings.after`, built once at start-up.
class SettingsHooks {
  public:
    // Unknown hook names and failing builders are configuration errors. `web_hook` may be null
    // (then web_hook entries are refused).
    static core::Result<SettingsHooks> Build(const config::AfterConfig& after, session::SessionRepository& sessions,
                                             SettingsHookBuilder web_hook);
    SettingsHooks() = default;

    // after.<method>.hooks when non-empty, else after.hooks (§14).
    std::vector<SettingsHook*> For(std::string_view method) const;

    // For tests: sets the hooks of one method ("" = the global list).
    void Set(std::string method, std::vector<std::unique_ptr<SettingsHook>> hooks);

  private:
    std::map<std::string, std::vector<std::unique_ptr<SettingsHook>>, std::less<>> by_method_;
};

}  // namespace bia::selfservice::settings
