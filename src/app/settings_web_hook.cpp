#include "app/settings_web_hook.hpp"

#include "identity/identity_json.hpp"
#include "selfservice/hook/web_hook.hpp"
#include "session/session_json.hpp"

namespace bia::app {

namespace {

class SettingsWebHook final : public selfservice::settings::SettingsHook {
  public:
    SettingsWebHook(std::unique_ptr<selfservice::hook::WebHook> hook, std::string public_url)
        : hook_(std::move(hook)), public_url_(std::move(public_url)) {}

    std::string_view Name() const override { return selfservice::settings::kHookWebHook; }
    // Interrupting or parsing hooks run before the identity is saved (G2, settings-flow.md §14).
    When RunsAt() const override { return hook_->RunsBeforePersist() ? When::kPrePersist : When::kPostPersist; }

    core::Status Execute(const selfservice::settings::SettingsHookContext& c) override {
        selfservice::hook::HookRequest request{c.request.method, c.request.url, c.request.headers, c.request.cookies};
        return hook_->Execute(selfservice::hook::BuildContext(c.flow, identity::ToJson(c.identity, public_url_),
                                                              session::ToJson(c.session, public_url_), request));
    }

  private:
    std::unique_ptr<selfservice::hook::WebHook> hook_;
    std::string public_url_;
};

}  // namespace

selfservice::settings::SettingsHookBuilder MakeSettingsWebHook(std::string public_base_url) {
    return [public_base_url = std::move(public_base_url)](
               const config::Hook& h) -> core::Result<std::unique_ptr<selfservice::settings::SettingsHook>> {
        BIA_TRY_ASSIGN(auto hook, selfservice::hook::WebHook::Create(h.config));
        return std::unique_ptr<selfservice::settings::SettingsHook>(
            std::make_unique<SettingsWebHook>(std::move(hook), public_base_url));
    };
}

}  // namespace bia::app
