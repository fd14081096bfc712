// Delivery over SMTP through libcurl (no SMTP client of Bia's own). courier.smtp.connection_uri
// decides the transport as in Kratos: smtp:// upgrades with STARTTLS and refuses to go on
// without it unless `?disable_starttls=true`; smtps:// is TLS from the first byte;
// `?skip_ssl_verify=true` accepts any certificate; user:password in the URI is used for AUTH.
// The message is built here (MIME, UTF-8, quoted-printable bodies, RFC 2047 subjects); a line
// break in the recipient, the subject or a header is refused, so no header can be injected.
// Neither the password nor a body is ever put into an error text or a log line.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "courier/message.hpp"

namespace bia::courier {

// What the dispatcher delivers through.
class MessageSender {
  public:
    virtual ~MessageSender() = default;
    virtual core::Status Send(const Message& message) = 0;
};

struct SmtpOptions {
    std::string connection_uri;
    std::string from_address;
    std::string from_name;
    std::map<std::string, std::string> headers;  // extra header fields on every message
    std::string local_name;                      // the EHLO name; empty: libcurl's default
    std::chrono::milliseconds connect_timeout{10000};
    std::chrono::milliseconds timeout{60000};  // the whole delivery of one message
};

struct MimeInput {
    std::string from_address, from_name, to, subject, text, html, message_id;
    std::map<std::string, std::string> headers;
    core::TimePoint date{};
};
// The message as sent (CRLF line ends); 400 when a field would break the header block.
core::Result<std::string> BuildMimeMessage(const MimeInput& in);
// An RFC 2047 encoded-word sequence (=?UTF-8?B?…?=) for non-ASCII text; ASCII text unchanged.
std::string EncodeHeaderWord(std::string_view text);
std::string QuotedPrintable(std::string_view text);

class SmtpSender final : public MessageSender {
  public:
    // Checks the URI (scheme, host, query flags) and the from address; a config error otherwise.
    static core::Result<std::unique_ptr<SmtpSender>> Create(SmtpOptions options, const core::Clock& clock);
    core::Status Send(const Message& message) override;

  private:
    SmtpSender(SmtpOptions options, const core::Clock& clock) : options_(std::move(options)), clock_(clock) {}
    SmtpOptions options_;
    const core::Clock& clock_;
    std::string url_;  // smtp(s)://host[:port]/<local name>, without credentials
    std::string user_, password_;
    bool implicit_tls_ = false;
    bool starttls_ = true;
    bool skip_verify_ = false;
};

}  // namespace bia::courier
