#include "strategy/profile/profile_module.hpp"

#include "strategy/profile/profile_settings.hpp"

namespace bia::strategy::profile {

namespace {

class ProfileModule final : public MethodModule {
  public:
    explicit ProfileModule(const MethodDeps& d) : settings_(d.config, d.identities, d.random) {}

    const MethodInfo& Info() const override {
        static constexpr MethodInfo kInfo{kMethod, "", ""};
        return kInfo;
    }
    selfservice::settings::SettingsStrategy* Settings() override { return &settings_; }

  private:
    ProfileSettings settings_;
};

}  // namespace

std::unique_ptr<MethodModule> MakeProfileModule(const MethodDeps& deps) {
    return std::make_unique<ProfileModule>(deps);
}

}  // namespace bia::strategy::profile
