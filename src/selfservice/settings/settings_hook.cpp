#include "selfservice/settings/settings_hook.hpp"

namespace bia::selfservice::settings {

namespace {
// The methods whose `after.<method>` block may carry hooks (G2 config schema, §14).
constexpr std::string_view kMethods[] = {"profile", "password", "totp", "oidc", "webauthn", "passkey", "lookup_secret"};
}  // namespace

core::Status RevokeActiveSessionsHook::Execute(const SettingsHookContext& ctx) {
    auto revoked = sessions_.RevokeAllExcept(ctx.identity.id, ctx.session.id);
    if (!revoked) return std::move(revoked).error();
    return {};
}

core::Result<SettingsHooks> SettingsHooks::Build(const config::AfterConfig& after, session::SessionRepository& sessions,
                                                 SettingsHookBuilder web_hook) {
    SettingsHooks out;
    auto build_list =
        [&](const std::vector<config::Hook>& list) -> core::Result<std::vector<std::unique_ptr<SettingsHook>>> {
        std::vector<std::unique_ptr<SettingsHook>> hooks;
        for (const auto& h : list) {
            if (h.name == kHookRevokeActiveSessions) {
                hooks.push_back(std::make_unique<RevokeActiveSessionsHook>(sessions));
            } else if (h.name == kHookWebHook && web_hook) {
                BIA_TRY_ASSIGN(auto hook, web_hook(h));
                hooks.push_back(std::move(hook));
            } else if (h.name == kHookShowVerificationUi) {
                // Nothing to do until the verification flow records continue_with items.
            } else {
                return core::BadRequest("selfservice.flows.settings.after: unsupported hook \"" + h.name + "\"");
            }
        }
        return hooks;
    };
    BIA_TRY_ASSIGN(out.by_method_[""], build_list(after.hooks));
    for (auto m : kMethods) {
        auto it = after.methods.find(m);
        if (it == after.methods.end() || it->second.hooks.empty()) continue;
        BIA_TRY_ASSIGN(out.by_method_[std::string(m)], build_list(it->second.hooks));
    }
    return out;
}

std::vector<SettingsHook*> SettingsHooks::For(std::string_view method) const {
    auto it = by_method_.find(method);
    if (it == by_method_.end() || it->second.empty()) it = by_method_.find("");
    std::vector<SettingsHook*> out;
    if (it == by_method_.end()) return out;
    for (const auto& h : it->second) out.push_back(h.get());
    return out;
}

void SettingsHooks::Set(std::string method, std::vector<std::unique_ptr<SettingsHook>> hooks) {
    by_method_[std::move(method)] = std::move(hooks);
}

}  // namespace bia::selfservice::settings
