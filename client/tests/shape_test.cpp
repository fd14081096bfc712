// The public shape issue 8 fixes, checked at compile time: exact signatures of the seed call and
// of a few operations in the order of ory_client's apis::v0alpha2_api, and the Error/Result types.
#include <gtest/gtest.h>

#include <bia/client/client.hpp>
#include <future>
#include <optional>
#include <string_view>
#include <type_traits>
#include <variant>

namespace bia::client {
namespace {

namespace v0 = apis::v0alpha2_api;

using SettingsResult = Result<models::SelfServiceSettingsFlow, Error<v0::SubmitSelfServiceSettingsFlowError>>;

// The seed call (four parameters) and its five-parameter form with the cookie.
using SeedCall = SettingsResult (*)(const Configuration&, std::string_view, std::optional<std::string_view>,
                                    std::optional<models::SubmitSelfServiceSettingsFlowBody>);
using SeedCallWithCookie = SettingsResult (*)(const Configuration&, std::string_view, std::optional<std::string_view>,
                                              std::optional<std::string_view>,
                                              std::optional<models::SubmitSelfServiceSettingsFlowBody>);
[[maybe_unused]] constexpr SeedCall kSeed = &v0::submit_self_service_settings_flow;
[[maybe_unused]] constexpr SeedCallWithCookie kSeedWithCookie = &v0::submit_self_service_settings_flow;

using SeedAsync = std::future<SettingsResult> (*)(const Configuration&, std::string_view,
                                                  std::optional<std::string_view>,
                                                  std::optional<models::SubmitSelfServiceSettingsFlowBody>);
[[maybe_unused]] constexpr SeedAsync kSeedAsync = &v0::submit_self_service_settings_flow_async;

// submit_self_service_login_flow(configuration, flow, x_session_token, cookie, body)
[[maybe_unused]] constexpr Result<models::SuccessfulSelfServiceLoginWithoutBrowser,
                                  Error<v0::SubmitSelfServiceLoginFlowError>> (*kLogin)(
    const Configuration&, std::string_view, std::optional<std::string_view>, std::optional<std::string_view>,
    std::optional<models::SubmitSelfServiceLoginFlowBody>) = &v0::submit_self_service_login_flow;

// to_session(configuration, x_session_token, cookie)
[[maybe_unused]] constexpr Result<models::Session, Error<v0::ToSessionError>> (*kToSession)(
    const Configuration&, std::optional<std::string_view>, std::optional<std::string_view>) = &v0::to_session;

// Newer names.
[[maybe_unused]] constexpr Result<models::Identity, Error<apis::identity_api::CreateIdentityError>> (*kCreate)(
    const Configuration&, std::optional<models::AdminCreateIdentityBody>) = &apis::identity_api::create_identity;
[[maybe_unused]] constexpr Result<models::SelfServiceSettingsFlow,
                                  Error<apis::frontend_api::CreateNativeSettingsFlowError>> (*kCreateNative)(
    const Configuration&, std::optional<std::string_view>) = &apis::frontend_api::create_native_settings_flow;

static_assert(std::is_same_v<Error<int>, std::variant<TransportError, SerdeError, ResponseContent<int>>>);
static_assert(std::is_same_v<decltype(ResponseContent<int>::status), long>);
static_assert(std::is_same_v<decltype(ResponseContent<int>::entity), std::optional<int>>);
static_assert(std::is_same_v<decltype(Configuration::timeout), std::chrono::milliseconds>);
static_assert(std::is_same_v<decltype(Configuration::user_agent), std::optional<std::string>>);
static_assert(std::is_same_v<decltype(Configuration::bearer_access_token), std::optional<std::string>>);
static_assert(
    std::is_same_v<v0::SubmitSelfServiceSettingsFlowError::Status400, Status<400, models::SelfServiceSettingsFlow>>);
static_assert(
    std::is_base_of_v<std::variant<Status<400, models::SelfServiceSettingsFlow>, Status<401, models::JsonError>,
                                   Status<403, models::JsonError>, Status<410, models::JsonError>,
                                   Status<422, models::SelfServiceBrowserLocationChangeRequiredError>,
                                   Status<500, models::JsonError>, DefaultResponse<models::JsonError>, UnknownValue>,
                      v0::SubmitSelfServiceSettingsFlowError>);
static_assert(std::is_same_v<models::SubmitSelfServiceSettingsFlowBody,
                             std::variant<models::SubmitSelfServiceSettingsFlowWithPasswordMethodBody,
                                          models::SubmitSelfServiceSettingsFlowWithProfileMethodBody,
                                          models::SubmitSelfServiceSettingsFlowWithOidcMethodBody,
                                          models::SubmitSelfServiceSettingsFlowWithTotpMethodBody,
                                          models::SubmitSelfServiceSettingsFlowWithWebAuthnMethodBody,
                                          models::SubmitSelfServiceSettingsFlowWithLookupMethodBody>>);

TEST(Shape, VisitWorksOnTheOperationErrorVariants) {
    v0::SubmitSelfServiceSettingsFlowError error = v0::SubmitSelfServiceSettingsFlowError::Status410{};
    const long code = std::visit(
        [](const auto& alternative) -> long {
            using A = std::decay_t<decltype(alternative)>;
            if constexpr (requires { A::code; }) {
                return A::code;
            } else {
                return 0;
            }
        },
        error);
    EXPECT_EQ(code, 410);
}

}  // namespace
}  // namespace bia::client
