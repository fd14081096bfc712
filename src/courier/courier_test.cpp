#include "courier/courier.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/encoding.hpp"
#include "courier/message.hpp"
#include "courier/templates.hpp"
#include "testing/fake_http_client.hpp"
#include "testing/memory_messages.hpp"

namespace bia::courier {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr std::array kEveryTemplate = {
    Template::kVerificationValid,       Template::kVerificationInvalid, Template::kVerificationCodeValid,
    Template::kVerificationCodeInvalid, Template::kRecoveryValid,       Template::kRecoveryInvalid,
    Template::kRecoveryCodeValid,       Template::kRecoveryCodeInvalid,
};

const json kModel = {{"To", "ada@example.com"},
                     {"RequestURL", "https://app.example.com/verify"},
                     {"Identity", {{"traits", {{"email", "ada@example.com"}}}}},
                     {"VerificationURL", "https://id.example.com/self-service/verification?flow=1&token=t"},
                     {"VerificationCode", "123456"},
                     {"RecoveryURL", "https://id.example.com/self-service/recovery?flow=2&token=r"},
                     {"RecoveryCode", "654321"}};

TEST(CourierMessage, JsonViewIsKratossMessageWithoutTheHtmlBodyOrTheError) {
    Message m;
    m.id = *core::Uuid::Parse("7d0a4ba8-8b2a-4bda-9a8c-0e4b2f0c1a11");
    m.status = MessageStatus::kSent;
    m.recipient = "ada@example.com";
    m.subject = "Hello";
    m.body = "plain";
    m.html_body = "<p>secret html</p>";
    m.template_type = "verification_code_valid";
    m.send_count = 2;
    m.created_at = core::TimePoint(std::chrono::seconds(1700000000));
    m.updated_at = m.created_at + 1500ms;
    m.last_error = "451 later";
    const json j = ToJson(m);
    EXPECT_EQ(j, json::parse(R"({"id":"7d0a4ba8-8b2a-4bda-9a8c-0e4b2f0c1a11","status":"sent","type":"email",
        "channel":"email","recipient":"ada@example.com","subject":"Hello","body":"plain",
        "template_type":"verification_code_valid","send_count":2,"created_at":"2023-11-14T22:13:20Z",
        "updated_at":"2023-11-14T22:13:21.5Z","dispatches":[]})"));
    EXPECT_EQ(j.dump().find("secret html"), std::string::npos);
    for (auto s : {"queued", "processing", "sent", "abandoned"}) EXPECT_EQ(ToString(*ParseMessageStatus(s)), s);
    EXPECT_FALSE(ParseMessageStatus("failed"));
}

TEST(CourierMessage, PageTokensRoundTripAndForeignTokensAre400) {
    MessageCursor c{core::TimePoint(std::chrono::nanoseconds(1700000000123456789)),
                    *core::Uuid::Parse("7d0a4ba8-8b2a-4bda-9a8c-0e4b2f0c1a11")};
    auto back = DecodePageToken(EncodePageToken(c));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->created_at, c.created_at);
    EXPECT_EQ(back->id, c.id);
    const std::vector<std::string> bads = {"", "!!!", "bm90LWEtdG9rZW4",
                                           core::Base64UrlEncode("12x/7d0a4ba8-8b2a-4bda-9a8c-0e4b2f0c1a11"),
                                           core::Base64UrlEncode("12/not-a-uuid")};
    for (const std::string& bad : bads) {
        auto d = DecodePageToken(bad);
        ASSERT_FALSE(d) << bad;
        EXPECT_EQ(d.error().code, 400);
    }
}

TEST(CourierTemplates, BuiltinTextsFillEveryModelFieldTheyUse) {
    const Templates t = Templates::Builtin();
    for (Template k : kEveryTemplate) {
        SCOPED_TRACE(std::string(TemplateName(k)));
        const RenderedEmail e = t.Render(k, kModel);
        EXPECT_FALSE(e.subject.empty());
        EXPECT_NE(e.text.find("ada@example.com"), std::string::npos);
        EXPECT_NE(e.html.find("<p>"), std::string::npos);
        EXPECT_EQ(e.subject.find('\n'), std::string::npos);
    }
    EXPECT_NE(t.Render(Template::kVerificationValid, kModel).text.find(kModel["VerificationURL"].get<std::string>()),
              std::string::npos);
    // The URL's '&' is escaped in the HTML body only.
    EXPECT_NE(t.Render(Template::kVerificationValid, kModel).html.find("flow=1&amp;token=t"), std::string::npos);
    const auto code = t.Render(Template::kVerificationCodeValid, kModel);
    EXPECT_NE(code.text.find("123456"), std::string::npos);
    EXPECT_NE(code.text.find("Or open this link"), std::string::npos);
    json no_url = kModel;
    no_url.erase("VerificationURL");
    EXPECT_EQ(t.Render(Template::kVerificationCodeValid, no_url).text.find("Or open"), std::string::npos);
    EXPECT_NE(t.Render(Template::kRecoveryCodeValid, kModel).text.find("654321"), std::string::npos);
    EXPECT_NE(t.Render(Template::kRecoveryValid, kModel).text.find(kModel["RecoveryURL"].get<std::string>()),
              std::string::npos);
    EXPECT_NE(t.Render(Template::kRecoveryInvalid, kModel).text.find("no account"), std::string::npos);
    EXPECT_NE(t.Render(Template::kVerificationCodeInvalid, kModel).text.find("no account"), std::string::npos);
}

class TemplateOverrides : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() / ("bia-courier-tpl-" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir_ / "verification_code" / "valid");
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    void Write(const std::filesystem::path& rel, const std::string& text) {
        std::filesystem::create_directories((dir_ / rel).parent_path());
        std::ofstream(dir_ / rel) << text;
    }
    static net::HttpResponse Answer(int status, std::string body) {
        net::HttpResponse r;
        r.status = status;
        r.body = std::move(body);
        return r;
    }
    std::filesystem::path dir_;
    testing::FakeHttpClient http_;
};

TEST_F(TemplateOverrides, ConfigUrlsWinOverTheFolderWhichWinsOverTheBuiltins) {
    Write("verification_code/valid/email.subject.gotmpl", "Folder subject for {{ .To }}");
    Write("verification_code/valid/email.body.gotmpl", "<b>{{ .VerificationCode }}</b>");
    Write("recovery/invalid/email.body.plaintext.gotmpl", "folder plaintext");
    Write("subject.txt", "File subject {{ .VerificationCode }}");
    config::CourierConfig c;
    c.template_override_path = dir_.string();
    c.templates["verification_code.valid.email.subject"] = "file://" + (dir_ / "subject.txt").string();
    c.templates["verification_code.valid.email.body.plaintext"] =
        "base64://" + core::Base64Encode("Code: {{ .VerificationCode }}");
    c.templates["recovery.valid.email.body.html"] = "https://templates.example.com/recovery.html";
    testing::FakeHttpClient http({Answer(200, "<i>{{ .RecoveryURL }}</i>")});
    auto t = Templates::Load(c, http);
    ASSERT_TRUE(t) << t.error().reason;
    const auto code = t->Render(Template::kVerificationCodeValid, kModel);
    EXPECT_EQ(code.subject, "File subject 123456");
    EXPECT_EQ(code.text, "Code: 123456");
    EXPECT_EQ(code.html, "<b>123456</b>");
    EXPECT_EQ(t->Render(Template::kRecoveryInvalid, kModel).text, "folder plaintext");
    ASSERT_EQ(http.requests.size(), 1u);
    EXPECT_EQ(http.requests[0].url, "https://templates.example.com/recovery.html");
    EXPECT_EQ(t->Render(Template::kRecoveryValid, kModel).html,
              "<i>https://id.example.com/self-service/recovery?flow=2&amp;token=r</i>");
    // Untouched parts keep the built-in text.
    EXPECT_EQ(t->Render(Template::kRecoveryValid, kModel).subject,
              Templates::Builtin().Render(Template::kRecoveryValid, kModel).subject);
}

TEST_F(TemplateOverrides, BadOverridesAreConfigErrorsAtStartup) {
    Write("verification/valid/email.subject.gotmpl", "{{ if .To }}unclosed");
    config::CourierConfig c;
    c.template_override_path = dir_.string();
    auto broken = Templates::Load(c, http_);
    ASSERT_FALSE(broken);
    EXPECT_NE(broken.error().reason.find("verification/valid/email.subject.gotmpl: line 1: {{if}} without {{end}}"),
              std::string::npos)
        << broken.error().reason;

    config::CourierConfig missing;
    missing.templates["recovery.valid.email.subject"] = "file:///nonexistent/bia/subject.gotmpl";
    auto m = Templates::Load(missing, http_);
    ASSERT_FALSE(m);
    EXPECT_NE(m.error().reason.find("config: courier.templates.recovery.valid.email.subject: cannot read"),
              std::string::npos)
        << m.error().reason;

    config::CourierConfig down;
    down.templates["recovery.valid.email.subject"] = "https://templates.example.com/s";
    testing::FakeHttpClient not_found({Answer(404, "not here")});
    auto d = Templates::Load(down, not_found);
    ASSERT_FALSE(d);
    EXPECT_NE(d.error().reason.find("answered 404"), std::string::npos) << d.error().reason;

    config::CourierConfig bad64;
    bad64.templates["recovery.valid.email.subject"] = "base64://***";
    EXPECT_FALSE(Templates::Load(bad64, http_));
}

class CourierQueue : public ::testing::Test {
  protected:
    core::FakeClock clock_;
    core::SeededRandom random_{3};
    testing::MemoryMessages messages_;
    Templates templates_ = Templates::Builtin();
    Courier courier_{messages_, templates_, clock_, random_};
};

TEST_F(CourierQueue, QueuesTheRenderedMessageForTheDispatcher) {
    Mailer& mailer = courier_;
    json model = kModel;
    model.erase("To");
    ASSERT_TRUE(mailer.Queue(Template::kVerificationCodeValid, "ada@example.com", model));
    auto page = messages_.List({});
    ASSERT_TRUE(page);
    ASSERT_EQ(page->messages.size(), 1u);
    const Message& m = page->messages[0];
    EXPECT_EQ(m.status, MessageStatus::kQueued);
    EXPECT_EQ(m.recipient, "ada@example.com");
    EXPECT_EQ(m.template_type, "verification_code_valid");
    EXPECT_EQ(m.subject, templates_.Render(Template::kVerificationCodeValid, kModel).subject);
    EXPECT_NE(m.body.find("123456"), std::string::npos);
    EXPECT_NE(m.body.find("ada@example.com"), std::string::npos) << "To defaults to the recipient";
    EXPECT_NE(m.html_body.find("<strong>123456</strong>"), std::string::npos);
    EXPECT_EQ(m.send_count, 0);
    EXPECT_EQ(m.created_at, clock_.Now());
    EXPECT_EQ(m.next_attempt_at, clock_.Now());
}

TEST_F(CourierQueue, RefusesBadRecipientsAndHugeBodies) {
    EXPECT_EQ(courier_.Queue(Template::kRecoveryValid, "", kModel).error().code, 400);
    EXPECT_EQ(courier_.Queue(Template::kRecoveryValid, "a@example.com\r\nBcc: x@evil.test", kModel).error().code, 400);
    EXPECT_EQ(courier_.Queue(Template::kRecoveryValid, std::string(300, 'a') + "@" + std::string(20, 'b'), kModel)
                  .error()
                  .code,
              400);
    EXPECT_TRUE(courier_.Queue(Template::kRecoveryValid, std::string(300, 'a') + "@" + std::string(19, 'b'), kModel));
    json huge = kModel;
    huge["RecoveryURL"] = std::string(kMaxBodyBytes, 'x');
    EXPECT_EQ(courier_.Queue(Template::kRecoveryValid, "a@example.com", huge).error().code, 400);
    EXPECT_EQ(messages_.List({})->messages.size(), 1u);
}

}  // namespace
}  // namespace bia::courier
