#include <gtest/gtest.h>

#include <map>

#include "core/json_text.hpp"
#include "selfservice/flow/error_store.hpp"
#include "selfservice/flow/flow.hpp"
#include "selfservice/flow/flow_errors.hpp"

namespace bia::selfservice {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

TEST(Flow, TypeNames) {
    EXPECT_EQ(ToString(FlowType::kApi), "api");
    EXPECT_EQ(ToString(FlowType::kBrowser), "browser");
    EXPECT_EQ(ParseFlowType("browser"), FlowType::kBrowser);
    EXPECT_FALSE(ParseFlowType("Browser"));
}

TEST(Flow, UiUrlMergesTheFlowIdIntoTheQuery) {
    const auto id = *core::Uuid::Parse("6f5c9d4e-1111-4222-8333-444455556666");
    EXPECT_EQ(FlowUiUrl("http://ui.test/login", id), "http://ui.test/login?flow=6f5c9d4e-1111-4222-8333-444455556666");
    EXPECT_EQ(FlowUiUrl("http://ui.test/login?lang=de", id),
              "http://ui.test/login?lang=de&flow=6f5c9d4e-1111-4222-8333-444455556666");
    EXPECT_EQ(FlowUiUrl("/login", id), "/login?flow=6f5c9d4e-1111-4222-8333-444455556666");
}

TEST(Flow, ReturnToOfRequestUrl) {
    EXPECT_EQ(ReturnToOf("http://a/self-service/login/browser?return_to=http%3A%2F%2Fb%2Fx&refresh=true"),
              "http://b/x");
    EXPECT_EQ(ReturnToOf("http://a/self-service/login/browser"), "");
}

TEST(Flow, RespondsJson) {
    RequestContext ctx;
    EXPECT_TRUE(RespondsJson(FlowType::kApi, ctx));
    EXPECT_FALSE(RespondsJson(FlowType::kBrowser, ctx));
    ctx.json_request = true;
    EXPECT_TRUE(RespondsJson(FlowType::kBrowser, ctx));
}

// A flow whose UI needs every kind of writing: escapes, non-ASCII, invalid UTF-8, a message.
FlowBase UiRichFlow() {
    FlowBase f;
    f.id = *core::Uuid::Parse("6f5c9d4e-1111-4222-8333-444455556666");
    f.type = FlowType::kApi;
    f.request_url = "http://a.test/self-service/settings/api?return_to=http%3A%2F%2Fa.test%2F%22q%22";
    f.state = "show_form";
    f.ui.action = "http://a.test/self-service/settings?flow=6f5c9d4e-1111-4222-8333-444455556666";
    f.ui.SetCsrf("");
    f.ui.nodes.push_back(ui::NewInput("traits.name", "profile", "text", json("Zoë \"Z\" \xff\xfe")));
    f.ui.nodes.push_back(ui::NewInput("traits.age", "profile", "number", json(42)));
    f.ui.AddMessage(text::Message{1050001, "Your changes have been saved!", "info", json::object()});
    return f;
}

TEST(Flow, AnswerTextIsTheWholeDomsDumpByteForByte) {
    const FlowBase f = UiRichFlow();
    const json identity = {{"id", "x"}, {"traits", {{"email", "a@b.c"}}}};
    const json continue_with = json::array({{{"action", "redirect_browser_to"}}});
    auto value = [](const json& v) {
        return [&v](std::string& out) { core::AppendJsonValue(out, v, core::kAnswerUtf8Errors); };
    };
    // Keys before, between and after the common ones, given out of order.
    const std::string text = f.AnswerText({{"identity", value(identity)},
                                           {"continue_with", value(continue_with)},
                                           {"zz_last", value(json(1))},
                                           {"reauthentication", value(json::object())}});
    json whole = f.CommonJson();
    whole["identity"] = identity;
    whole["continue_with"] = continue_with;
    whole["zz_last"] = 1;
    whole["reauthentication"] = json::object();
    EXPECT_EQ(text, core::DumpJsonText(whole, core::kAnswerUtf8Errors));
    EXPECT_EQ(json::parse(text)["ui"]["nodes"][1]["attributes"]["value"], "Zo\u00eb \"Z\" \ufffd\ufffd")
        << "invalid UTF-8 is replaced, as in every answer";
    EXPECT_EQ(f.AnswerText({}), core::DumpJsonText(f.CommonJson(), core::kAnswerUtf8Errors));
    EXPECT_NE(text.find("\"return_to\":\"http://a.test/\\\"q\\\"\""), std::string::npos) << text;
}

TEST(Flow, AnswerTextMembersOfTheKindReplaceCommonOnes) {
    const FlowBase f = UiRichFlow();
    auto number = [](int n) { return [n](std::string& out) { core::AppendJsonInt(out, n); }; };
    json whole = f.CommonJson();
    whole["state"] = 2;
    EXPECT_EQ(f.AnswerText({{"state", number(1)}, {"state", number(2)}}),
              core::DumpJsonText(whole, core::kAnswerUtf8Errors))
        << "the last of two writers of one key wins, as in a DOM";
}

TEST(FlowErrors, ExpiredSubmissionIsAnEnhancedGoneError) {
    const core::TimePoint expired_at{std::chrono::seconds(1700000000)};
    const auto id = *core::Uuid::Parse("6f5c9d4e-1111-4222-8333-444455556666");
    const auto e = FlowExpired(expired_at, expired_at + 3min, id);
    EXPECT_EQ(e.ToEnvelope(), json::parse(R"({
      "error":{"id":"self_service_flow_expired","code":410,"status":"Gone",
               "reason":"The self-service flow expired 3.00 minutes ago, initialize a new one.",
               "message":"self-service flow expired"},
      "since":180000000000,"use_flow_id":"6f5c9d4e-1111-4222-8333-444455556666","expired_at":"2023-11-14T22:13:20Z"})"));
}

TEST(FlowErrors, Aal2RequiredCarriesTheRedirectTwice) {
    const auto e = Aal2Required("http://p/self-service/login/browser?aal=aal2");
    const auto env = e.ToEnvelope();
    EXPECT_EQ(env["redirect_browser_to"], "http://p/self-service/login/browser?aal=aal2");
    EXPECT_EQ(env["error"]["details"]["redirect_browser_to"], "http://p/self-service/login/browser?aal=aal2");
    EXPECT_EQ(env["error"]["code"], 403);
    EXPECT_EQ(env["error"]["id"], "session_aal2_required");
}

TEST(FlowErrors, SessionErrorsCarryTheirIdsAndMessages) {
    EXPECT_EQ(NoActiveSession().ToEnvelope(), json::parse(R"({"error":{"id":"session_inactive","code":401,
      "status":"Unauthorized","reason":"No active session was found in this request.",
      "message":"request does not have a valid authentication session"}})"));
    EXPECT_EQ(NoValidSessionCredentials().ToEnvelope(), json::parse(R"({"error":{"code":401,"status":"Unauthorized",
      "reason":"No valid session credentials found in the request.","message":"The request could not be authorized"}})"));
    EXPECT_EQ(AlreadyLoggedInLogin().id, "session_already_available");
    EXPECT_EQ(RegistrationDisabled().ToJson()["message"], "registration flow disabled");
    EXPECT_EQ(FlowNotFound().ToJson(),
              json::parse(R"({"code":404,"status":"Not Found","message":"Unable to locate the resource"})"));
}

TEST(FlowErrors, FetchOfExpiredFlowsExplainsWhereToGo) {
    auto b = FetchExpiredBrowser("login", "http://p/self-service/login/browser", "");
    EXPECT_EQ(b.code, 410);
    EXPECT_EQ(b.details, json::parse(R"({"redirect_to":"http://p/self-service/login/browser","return_to":""})"));
    EXPECT_EQ(b.reason,
              "The login flow has expired. Redirect the user to the login flow init endpoint to initialize a new login "
              "flow.");
    auto a = FetchExpiredApi("registration", "http://p/self-service/registration/api");
    EXPECT_EQ(a.details, json::parse(R"({"api":"http://p/self-service/registration/api"})"));
}

class MemoryErrors final : public ErrorRepository {
  public:
    core::Status Add(const StoredError& e) override {
        rows[e.id] = e;
        return {};
    }
    core::Result<StoredError> Get(const core::Uuid& id) override {
        auto it = rows.find(id);
        if (it == rows.end()) return FlowNotFound();
        return it->second;
    }
    core::Status MarkSeen(const core::Uuid& id, core::TimePoint at) override {
        rows[id].seen = true;
        rows[id].updated_at = at;
        return {};
    }
    std::map<core::Uuid, StoredError> rows;
};

TEST(ErrorStore, StoresAndReadsTheFlatError) {
    MemoryErrors repo;
    core::FakeClock clock;
    core::SeededRandom random(3);
    ErrorStore store(repo, clock, random);
    auto id = store.Store(core::Forbidden("nope").WithId("security_csrf_violation"));
    ASSERT_TRUE(id.ok());
    clock.Advance(5s);
    auto read = store.Read(id->ToString());
    ASSERT_TRUE(read.ok());
    EXPECT_EQ((*read)["id"], id->ToString());
    EXPECT_EQ((*read)["error"], json::parse(R"({"id":"security_csrf_violation","code":403,"status":"Forbidden",
      "reason":"nope","message":"The requested action was forbidden"})"));
    EXPECT_EQ((*read)["created_at"], "2023-11-14T22:13:20Z");
    EXPECT_TRUE(repo.rows[*id].seen);
    EXPECT_EQ(store.Read("not-a-uuid").error().code, 404);
    EXPECT_EQ(store.Read("6f5c9d4e-1111-4222-8333-444455556666").error().code, 404);
    auto stub = store.Read("stub:500");
    ASSERT_TRUE(stub.ok());
    EXPECT_EQ((*stub)["error"]["code"], 500);
}

}  // namespace
}  // namespace bia::selfservice

#include "selfservice/flow/rejection.hpp"

namespace bia::selfservice {
namespace {

TEST(Rejection, ReplacesEarlierMessagesAndFallsBackToFlowLevel) {
    ui::Container c;
    c.nodes.push_back(ui::NewInput("password", ui::kGroupPassword, ui::kInputPassword));
    c.AddMessage(text::NewInfoLoginReAuth());
    c.AddNodeMessage("password", text::NewValidationErrorRequired("password"));
    Rejection r = Rejection::OnNode("password", text::NewErrorValidationPasswordMinLength(8, 3));
    r.messages.push_back({"traits.unknown", text::NewValidationErrorRequired("unknown")});
    ApplyRejection(c, r);
    ASSERT_EQ(c.Find("password")->messages.size(), 1u);
    EXPECT_EQ(c.Find("password")->messages[0].id, 4000032);
    ASSERT_EQ(c.messages.size(), 1u);
    EXPECT_EQ(c.messages[0].id, 4000002);
}

TEST(Rejection, OnlyBadRequestsBecomeGenericMessages) {
    auto r = RejectionFromBadRequest(core::BadRequest("Did not receive any value changes."));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->messages[0].message.ToJson(),
              nlohmann::json::parse(R"({"id":4000001,"text":"Did not receive any value changes.",
      "type":"error","context":{"reason":"Did not receive any value changes."}})"));
    EXPECT_FALSE(RejectionFromBadRequest(core::Forbidden("x")));
}

}  // namespace
}  // namespace bia::selfservice
