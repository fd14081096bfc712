// Transport failures are values (TransportError), never crashes or exceptions.
#include <gtest/gtest.h>

#include <bia/client/client.hpp>
#include <chrono>
#include <string>
#include <variant>

#include "fake_server.hpp"

namespace bia::client {
namespace {

using testing::FakeResponse;
using testing::FakeServer;
using testing::RecordedRequest;

constexpr int kCurlCouldntConnect = 7;
constexpr int kCurlOperationTimedOut = 28;
constexpr int kCurlUnsupportedProtocol = 1;

TEST(Transport, NothingListeningIsATransportError) {
    Configuration configuration;
    configuration.base_path = "http://127.0.0.1:" + std::to_string(testing::UnusedLoopbackPort());
    configuration.proxy = "";

    auto result = apis::v0alpha2_api::to_session(configuration, "token", std::nullopt);
    ASSERT_FALSE(result);
    const auto* failure = std::get_if<TransportError>(&result.error());
    ASSERT_NE(failure, nullptr) << describe(result.error());
    EXPECT_EQ(failure->code, kCurlCouldntConnect);
    EXPECT_NE(failure->message.find("GET /sessions/whoami"), std::string::npos) << failure->message;
    EXPECT_FALSE(status_of(result.error()).has_value());

    // The seed call and an async twin fail the same way.
    models::SubmitSelfServiceSettingsFlowWithProfileMethodBody profile;
    auto submit = apis::v0alpha2_api::submit_self_service_settings_flow(
        configuration, "flow-id", "token", models::SubmitSelfServiceSettingsFlowBody(profile));
    ASSERT_FALSE(submit);
    EXPECT_TRUE(std::holds_alternative<TransportError>(submit.error()));
    auto later = apis::metadata_api::is_alive_async(configuration);
    auto alive = later.get();
    ASSERT_FALSE(alive);
    EXPECT_TRUE(std::holds_alternative<TransportError>(alive.error()));
}

TEST(Transport, SilentServerTimesOut) {
    FakeServer server([](const RecordedRequest&) { return std::optional<FakeResponse>(); });
    Configuration configuration;
    configuration.base_path = server.url();
    configuration.proxy = "";
    configuration.timeout = std::chrono::milliseconds(300);

    const auto started = std::chrono::steady_clock::now();
    auto result = apis::metadata_api::get_version(configuration);
    const auto elapsed = std::chrono::steady_clock::now() - started;
    ASSERT_FALSE(result);
    const auto* failure = std::get_if<TransportError>(&result.error());
    ASSERT_NE(failure, nullptr) << describe(result.error());
    EXPECT_EQ(failure->code, kCurlOperationTimedOut);
    EXPECT_LT(elapsed, std::chrono::seconds(5));
    EXPECT_EQ(server.requests().size(), 1u);
}

TEST(Transport, OnlyHttpAndHttpsAreSpoken) {
    Configuration configuration;
    configuration.base_path = "file:///etc";
    auto result = apis::metadata_api::get_version(configuration);
    ASSERT_FALSE(result);
    const auto* failure = std::get_if<TransportError>(&result.error());
    ASSERT_NE(failure, nullptr) << describe(result.error());
    EXPECT_EQ(failure->code, kCurlUnsupportedProtocol);
}

TEST(Transport, HeaderInjectionIsRefusedBeforeSending) {
    FakeServer server(FakeServer::Always(FakeResponse{200, R"({"status":"ok"})"}));
    Configuration configuration;
    configuration.base_path = server.url();
    configuration.proxy = "";
    auto result = apis::v0alpha2_api::to_session(configuration, "token\r\nX-Evil: 1", std::nullopt);
    ASSERT_FALSE(result);
    EXPECT_TRUE(std::holds_alternative<TransportError>(result.error()));
    EXPECT_TRUE(server.requests().empty());
}

}  // namespace
}  // namespace bia::client
