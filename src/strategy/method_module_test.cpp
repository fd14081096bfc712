// MethodModules: each flow gets the strategies of the modules that take part in it, in the
// order of the module list.
#include "strategy/method_module.hpp"

#include <gtest/gtest.h>

#include <string>

namespace bia::strategy {
namespace {

class FakeSettings final : public selfservice::settings::SettingsStrategy {
  public:
    explicit FakeSettings(std::string_view id) : id_(id) {}
    std::string_view Id() const override { return id_; }
    core::Status Populate(const selfservice::RequestContext&, selfservice::settings::SettingsFlow&,
                          const identity::Identity&) override {
        return {};
    }
    selfservice::settings::SettingsAttempt Submit(selfservice::settings::SettingsSubmission&) override {
        return selfservice::settings::SettingsAttempt::NotResponsible();
    }

  private:
    std::string_view id_;
};

class FakeLogin final : public selfservice::login::LoginStrategy {
  public:
    explicit FakeLogin(std::string_view id) : id_(id) {}
    std::string_view Id() const override { return id_; }
    core::Status Populate(const selfservice::RequestContext&, selfservice::login::LoginFlow&) override { return {}; }
    selfservice::login::LoginAttempt Login(const selfservice::RequestContext&, selfservice::login::LoginFlow&,
                                           const nlohmann::json&) override {
        return selfservice::login::LoginAttempt::NotResponsible();
    }

  private:
    std::string_view id_;
};

// "alpha" only changes settings; "beta" logs in and changes settings; "gamma" only logs in.
template <bool kLogin, bool kSettings>
class FakeModule final : public MethodModule {
  public:
    explicit FakeModule(std::string_view id) : info_{id, id, "aal1"}, login_(id), settings_(id) {}
    const MethodInfo& Info() const override { return info_; }
    selfservice::login::LoginStrategy* Login() override { return kLogin ? &login_ : nullptr; }
    selfservice::settings::SettingsStrategy* Settings() override { return kSettings ? &settings_ : nullptr; }

  private:
    MethodInfo info_;
    FakeLogin login_;
    FakeSettings settings_;
};

std::vector<std::unique_ptr<MethodModule>> List(std::initializer_list<std::string_view> ids) {
    std::vector<std::unique_ptr<MethodModule>> out;
    for (auto id : ids) {
        if (id == "alpha") out.push_back(std::make_unique<FakeModule<false, true>>(id));
        if (id == "beta") out.push_back(std::make_unique<FakeModule<true, true>>(id));
        if (id == "gamma") out.push_back(std::make_unique<FakeModule<true, false>>(id));
    }
    return out;
}

template <class Strategy>
std::string Ids(const std::vector<Strategy*>& strategies) {
    std::string out;
    for (auto* s : strategies) out += (out.empty() ? "" : ",") + std::string(s->Id());
    return out;
}

TEST(MethodModules, EachFlowGetsItsStrategiesInModuleOrder) {
    MethodModules modules(List({"gamma", "alpha", "beta"}));
    ASSERT_EQ(modules.modules().size(), 3u);
    EXPECT_EQ(modules.modules()[1]->Info().id, "alpha");
    EXPECT_EQ(Ids(modules.LoginStrategies()), "gamma,beta");
    EXPECT_EQ(Ids(modules.SettingsStrategies()), "alpha,beta");
    EXPECT_TRUE(modules.RegistrationStrategies().empty());

    MethodModules other(List({"beta", "alpha"}));
    EXPECT_EQ(Ids(other.SettingsStrategies()), "beta,alpha");
}

TEST(MethodModules, CredentialTypesAndFilesComeFromTheModules) {
    MethodModules modules(List({"gamma", "alpha"}));
    EXPECT_EQ(modules.CredentialTypes(), (std::vector<std::string>{"gamma", "alpha"}));
    EXPECT_TRUE(modules.Assets().empty()) << "no module here serves a file";
}

}  // namespace
}  // namespace bia::strategy
