#include "text/message.hpp"

#include <gtest/gtest.h>

namespace bia::text {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

TEST(TextMessage, MessagesWithoutContextOmitTheKey) {
    EXPECT_EQ(NewInfoLogin().ToJson(), json::parse(R"({"id":1010001,"text":"Sign in","type":"info"})"));
    EXPECT_EQ(NewInfoRegistration().ToJson(), json::parse(R"({"id":1040001,"text":"Sign up","type":"info"})"));
    EXPECT_EQ(
        NewErrorValidationInvalidCredentials().ToJson(),
        json::parse(
            R"({"id":4000006,"text":"The provided credentials are invalid, check for spelling mistakes in your password or username, email address, or phone number.","type":"error"})"));
    EXPECT_FALSE(NewErrorValidationDuplicateCredentials().ToJson().contains("context"));
}

TEST(TextMessage, SettingsSuccessIsOfTypeSuccess) {
    EXPECT_EQ(NewInfoSettingsUpdateSuccess().ToJson(),
              json::parse(R"({"id":1050001,"text":"Your changes have been saved!","type":"success"})"));
}

TEST(TextMessage, TemplatesAreFilledAndContextCarriesTheirValues) {
    EXPECT_EQ(
        NewValidationErrorRequired("password").ToJson(),
        json::parse(
            R"({"id":4000002,"text":"Property password is missing.","type":"error","context":{"property":"password"}})"));
    EXPECT_EQ(NewValidationErrorGeneric("boom").ToJson(),
              json::parse(R"({"id":4000001,"text":"boom","type":"error","context":{"reason":"boom"}})"));
    EXPECT_EQ(
        NewInfoNodeLabelGenerated("E-Mail", "traits.email").ToJson(),
        json::parse(
            R"({"id":1070002,"text":"E-Mail","type":"info","context":{"title":"E-Mail","name":"traits.email"}})"));
    EXPECT_EQ(
        NewErrorValidationPasswordMinLength(8, 3).ToJson(),
        json::parse(
            R"({"id":4000032,"text":"The password must be at least 8 characters long, but got 3.","type":"error","context":{"min_length":8,"actual_length":3}})"));
    EXPECT_EQ(NewErrorValidationPasswordPolicyViolation("it is bad").text,
              "The password can not be used because it is bad.");
}

TEST(TextMessage, ExpiredMessageReportsMinutesAndRealExpiry) {
    const core::TimePoint expired_at{std::chrono::seconds(1700000000)};
    const auto m = NewErrorValidationLoginFlowExpired(expired_at, expired_at + 90s);
    EXPECT_EQ(m.id, 4010001);
    EXPECT_EQ(m.text, "The login flow expired 1.50 minutes ago, please try again.");
    ASSERT_TRUE(m.context);
    EXPECT_EQ((*m.context)["expired_at"], "2023-11-14T22:13:20Z");
    EXPECT_EQ((*m.context)["expired_at_unix"], 1700000000);
    EXPECT_EQ(NewErrorValidationSettingsFlowExpired(expired_at, expired_at + 1s).text,
              "The settings flow expired 0.02 minutes ago, please try again.");
}

TEST(TextMessage, RecoveryMessageCountsMinutesLeft) {
    const core::TimePoint now{std::chrono::seconds(1700000000)};
    const auto m = NewRecoverySuccessful(now + 15min, now);
    EXPECT_NE(m.text.find("within the next 15.00 minutes."), std::string::npos);
    ASSERT_TRUE(m.context);
    EXPECT_TRUE(m.context->contains("privilegedSessionExpiresAt"));
    EXPECT_EQ((*m.context)["privileged_session_expires_at_unix"], 1700000900);
}

TEST(TextMessage, JsonRoundTrip) {
    for (const auto& m :
         {NewInfoLogin(), NewValidationErrorRequired("identifier"), NewInfoNodeLabelGenerated("T", "n")}) {
        auto back = Message::FromJson(m.ToJson());
        ASSERT_TRUE(back);
        EXPECT_EQ(*back, m);
    }
    EXPECT_FALSE(Message::FromJson(json::parse(R"({"id":"x","text":"a","type":"info"})")));
}

}  // namespace
}  // namespace bia::text
