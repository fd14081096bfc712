#include "courier/smtp_sender.hpp"

#include <gtest/gtest.h>

#include "core/encoding.hpp"
#include "core/random.hpp"
#include "courier/dispatcher.hpp"
#include "testing/loopback_http_server.hpp"
#include "testing/memory_messages.hpp"
#include "testing/smtp_sink.hpp"

namespace bia::courier {
namespace {

using namespace std::chrono_literals;

std::string DecodeQp(std::string_view in) {
    std::string out;
    for (size_t i = 0; i < in.size(); ++i) {
        if (in[i] == '=' && i + 2 < in.size() && in[i + 1] == '\r' && in[i + 2] == '\n') {
            i += 2;
        } else if (in[i] == '=' && i + 2 < in.size()) {
            out += static_cast<char>(std::stoi(std::string(in.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        } else {
            out += in[i];
        }
    }
    return out;
}

// The body of the part whose Content-Type starts with `type`, decoded.
std::string Part(const std::string& data, const std::string& type) {
    const size_t at = data.find("Content-Type: " + type);
    if (at == std::string::npos) return "";
    const size_t start = data.find("\r\n\r\n", at) + 4;
    size_t end = data.find("\r\n--bia-alt-", start);
    if (end == std::string::npos) end = data.size();
    return DecodeQp(std::string_view(data).substr(start, end - start));
}

std::string Header(const std::string& data, const std::string& name) {
    const size_t at = data.find("\r\n" + name + ": ");
    const size_t start = data.starts_with(name + ": ") ? name.size() + 2
                         : at == std::string::npos     ? std::string::npos
                                                       : at + name.size() + 4;
    if (start == std::string::npos) return "";
    return data.substr(start, data.find("\r\n", start) - start);
}

class SmtpSenderTest : public ::testing::Test {
  protected:
    std::unique_ptr<SmtpSender> Sender(std::string uri, std::string local_name = "") {
        SmtpOptions o;
        o.connection_uri = std::move(uri);
        o.from_address = "no-reply@bia.example";
        o.from_name = "Bia Accounts";
        o.headers = {{"X-Tag", "bia-test"}};
        o.local_name = std::move(local_name);
        o.connect_timeout = 2s;
        o.timeout = 5s;
        auto s = SmtpSender::Create(std::move(o), clock_);
        EXPECT_TRUE(s) << (s ? "" : s.error().reason);
        return s ? std::move(*s) : nullptr;
    }
    Message Mail() {
        Message m;
        m.id = core::Uuid::V4(random_);
        m.recipient = "ada@example.com";
        m.subject = "Your code";
        m.body = "Code: 123456\n.leading dot line\nnaïve = yes \n";
        m.html_body = "<p>Code: <b>123456</b></p>";
        m.created_at = m.updated_at = m.next_attempt_at = clock_.Now();
        return m;
    }

    core::FakeClock clock_;
    core::SeededRandom random_{5};
    testing::SmtpSink sink_;
};

TEST_F(SmtpSenderTest, DeliversAMultipartUtf8MessageToARealSmtpServer) {
    auto sender = Sender(sink_.Uri(), "bia.client.example");
    const Message m = Mail();
    ASSERT_TRUE(sender->Send(m));
    ASSERT_TRUE(sink_.WaitForMails(1));
    const auto mail = sink_.mails()[0];
    EXPECT_EQ(mail.helo, "bia.client.example");
    EXPECT_EQ(mail.from, "no-reply@bia.example");
    EXPECT_EQ(mail.to, std::vector<std::string>{"ada@example.com"});
    EXPECT_TRUE(mail.auth_user.empty());
    EXPECT_EQ(Header(mail.data, "From"), "\"Bia Accounts\" <no-reply@bia.example>");
    EXPECT_EQ(Header(mail.data, "To"), "<ada@example.com>");
    EXPECT_EQ(Header(mail.data, "Subject"), "Your code");
    EXPECT_EQ(Header(mail.data, "MIME-Version"), "1.0");
    EXPECT_EQ(Header(mail.data, "X-Tag"), "bia-test");
    EXPECT_EQ(Header(mail.data, "Date"), "Tue, 14 Nov 2023 22:13:20 +0000");
    EXPECT_EQ(Header(mail.data, "Message-ID"), "<" + m.id.ToString() + ".0@bia.example>");
    EXPECT_NE(Header(mail.data, "Content-Type").find("multipart/alternative"), std::string::npos);
    EXPECT_EQ(Part(mail.data, "text/plain"), "Code: 123456\r\n.leading dot line\r\nnaïve = yes \r\n");
    EXPECT_EQ(Part(mail.data, "text/html"), "<p>Code: <b>123456</b></p>");
}

TEST_F(SmtpSenderTest, CredentialsInTheUriAreUsedForAuthAndNeverShownInErrors) {
    auto sender = Sender(sink_.Uri("mailer:p%40ss%3Aw0rd"));
    ASSERT_TRUE(sender->Send(Mail()));
    ASSERT_TRUE(sink_.WaitForMails(1));
    EXPECT_EQ(sink_.mails()[0].auth_user, "mailer");
    EXPECT_EQ(sink_.mails()[0].auth_password, "p@ss:w0rd");
    sink_.FailNext(1);
    auto failed = sender->Send(Mail());
    ASSERT_FALSE(failed);
    EXPECT_EQ(failed.error().code, 503);
    EXPECT_NE(failed.error().reason.find("451"), std::string::npos) << failed.error().reason;
    EXPECT_EQ(failed.error().reason.find("p@ss"), std::string::npos);
    EXPECT_EQ(failed.error().reason.find("123456"), std::string::npos);
}

TEST_F(SmtpSenderTest, StartTlsIsRequiredUnlessDisabled) {
    auto sender = Sender("smtp://127.0.0.1:" + std::to_string(sink_.port()) + "/");
    auto s = sender->Send(Mail());
    ASSERT_FALSE(s) << "the sink offers no STARTTLS";
    EXPECT_TRUE(sink_.mails().empty());
}

TEST_F(SmtpSenderTest, NonAsciiSubjectsAndNamesAreEncodedWords) {
    SmtpOptions o;
    o.connection_uri = sink_.Uri();
    o.from_address = "no-reply@bia.example";
    o.from_name = "Bïa";
    auto sender = SmtpSender::Create(o, clock_);
    ASSERT_TRUE(sender);
    Message m = Mail();
    m.subject = "Bestätigen Sie Ihre Adresse — ein sehr langer Betreff mit Umlauten äöü";
    ASSERT_TRUE((*sender)->Send(m));
    ASSERT_TRUE(sink_.WaitForMails(1));
    const std::string data = sink_.mails()[0].data;
    const std::string subject = Header(data, "Subject");
    EXPECT_TRUE(subject.starts_with("=?UTF-8?B?")) << subject;
    // Folded over several encoded words; each decodes to whole characters.
    std::string decoded;
    size_t pos = data.find("Subject: ") + 9;
    for (;;) {
        const size_t b = data.find("=?UTF-8?B?", pos);
        const size_t line_end = data.find("\r\n", pos);
        if (b == std::string::npos || b > line_end + 3) break;
        const size_t e = data.find("?=", b + 10);
        decoded += core::Base64Decode(data.substr(b + 10, e - b - 10)).value();
        pos = e + 2;
    }
    EXPECT_EQ(decoded, m.subject);
    EXPECT_TRUE(Header(data, "From").starts_with("=?UTF-8?B?"));
}

TEST_F(SmtpSenderTest, HeaderInjectionIsImpossible) {
    MimeInput in;
    in.from_address = "a@b.example";
    in.to = "ada@example.com";
    in.subject = "ok";
    in.message_id = "x@b.example";
    ASSERT_TRUE(BuildMimeMessage(in));
    for (auto field : {&MimeInput::to, &MimeInput::subject, &MimeInput::from_name, &MimeInput::from_address}) {
        MimeInput bad = in;
        bad.*field += "\r\nBcc: victim@example.com";
        auto r = BuildMimeMessage(bad);
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().code, 400);
    }
    MimeInput bad_to = in;
    bad_to.to = "a@example.com>, <b@example.com";
    EXPECT_FALSE(BuildMimeMessage(bad_to));
    MimeInput bad_header = in;
    bad_header.headers = {{"X-Ok", "a\nBcc: x@example.com"}};
    EXPECT_FALSE(BuildMimeMessage(bad_header));
    bad_header.headers = {{"Bad Name", "v"}};
    EXPECT_FALSE(BuildMimeMessage(bad_header));
    // Through the sender: nothing reaches the server.
    auto sender = Sender(sink_.Uri());
    Message m = Mail();
    m.recipient = "ada@example.com\r\nRCPT TO:<victim@example.com>";
    EXPECT_FALSE(sender->Send(m));
    EXPECT_EQ(sink_.connections(), 0);
}

TEST_F(SmtpSenderTest, QuotedPrintableKeepsLinesShortAndEncodesWhatMustBe) {
    const std::string long_line(200, 'a');
    const std::string qp = QuotedPrintable(long_line + "\n= .\n.x");
    for (size_t start = 0; start < qp.size();) {
        const size_t end = qp.find("\r\n", start);
        EXPECT_LE((end == std::string::npos ? qp.size() : end) - start, 76u);
        if (end == std::string::npos) break;
        start = end + 2;
    }
    EXPECT_EQ(DecodeQp(qp), long_line + "\r\n= .\r\n.x");
    EXPECT_NE(qp.find("\r\n=2Ex"), std::string::npos);
}

TEST_F(SmtpSenderTest, BadConnectionUrisAreConfigErrors) {
    for (auto uri : {"http://mail.example.com", "smtp://", "not a uri"}) {
        SmtpOptions o;
        o.connection_uri = uri;
        o.from_address = "a@b.example";
        auto s = SmtpSender::Create(o, clock_);
        ASSERT_FALSE(s) << uri;
        EXPECT_NE(s.error().reason.find("courier.smtp.connection_uri"), std::string::npos);
    }
}

TEST_F(SmtpSenderTest, AnUnreachableServerFailsFast) {
    auto sender =
        Sender("smtp://127.0.0.1:" + std::to_string(testing::UnusedLoopbackPort()) + "/?disable_starttls=true");
    const auto start = std::chrono::steady_clock::now();
    auto s = sender->Send(Mail());
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, 503);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

// The dispatcher over the real sender: 451 twice, then delivered on the third attempt.
TEST_F(SmtpSenderTest, TheDispatcherRetriesThroughTheRealSender) {
    testing::MemoryMessages messages;
    auto sender = Sender(sink_.Uri());
    Message m = Mail();
    ASSERT_TRUE(messages.Add(m));
    sink_.FailNext(2);
    Dispatcher d(messages, *sender, clock_, {});
    for (int round = 0; round < 3; ++round) {
        ASSERT_TRUE(d.DispatchOnce());
        clock_.Advance(10s);
    }
    ASSERT_TRUE(sink_.WaitForMails(1));
    EXPECT_EQ(sink_.rejected(), 2);
    auto got = messages.Get(m.id);
    EXPECT_EQ(got->status, MessageStatus::kSent);
    EXPECT_EQ(got->send_count, 3);
}

}  // namespace
}  // namespace bia::courier
