#include "courier/smtp_sender.hpp"

#include <curl/curl.h>

#include <ctime>

#include "core/encoding.hpp"
#include "core/url.hpp"
#include "net/http_client.hpp"

namespace bia::courier {

namespace {

bool HasLineBreak(std::string_view s) {
    return s.find_first_of("\r\n") != std::string_view::npos || s.find('\0') != std::string_view::npos;
}

bool IsAscii(std::string_view s) {
    for (unsigned char c : s)
        if (c >= 0x80) return false;
    return true;
}

bool IsHeaderName(std::string_view name) {
    if (name.empty()) return false;
    for (unsigned char c : name)
        if (c <= 32 || c >= 127 || c == ':') return false;
    return true;
}

std::string SmtpDate(core::TimePoint t) {
    const std::time_t secs = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    return buf;
}

// A display name: quoted when ASCII, encoded words otherwise.
std::string DisplayName(std::string_view name) {
    if (!IsAscii(name)) return EncodeHeaderWord(name);
    std::string out = "\"";
    for (char c : name) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

size_t ReadMimeChunk(char* buffer, size_t size, size_t count, void* user) {
    auto* rest = static_cast<std::string_view*>(user);
    const size_t n = std::min(size * count, rest->size());
    std::copy_n(rest->data(), n, buffer);
    rest->remove_prefix(n);
    return n;
}

std::string ToCrlf(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 32);
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\r') {
            out += "\r\n";
            if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
        } else if (text[i] == '\n') {
            out += "\r\n";
        } else {
            out += text[i];
        }
    }
    return out;
}

}  // namespace

std::string EncodeHeaderWord(std::string_view text) {
    if (IsAscii(text)) return std::string(text);
    // Words of at most 45 bytes (60 base64 characters) cut between UTF-8 characters, so each
    // encoded word decodes on its own (RFC 2047 §5).
    std::string out;
    size_t i = 0;
    while (i < text.size()) {
        size_t end = std::min(text.size(), i + 45);
        while (end < text.size() && end > i + 1 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
        if (!out.empty()) out += "\r\n ";
        out += "=?UTF-8?B?" + core::Base64Encode(text.substr(i, end - i)) + "?=";
        i = end;
    }
    return out;
}

std::string QuotedPrintable(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    const std::string crlf = ToCrlf(text);
    std::string out;
    size_t line_len = 0;
    auto put = [&](std::string_view piece) {
        if (line_len + piece.size() > 75) {
            out += "=\r\n";
            line_len = 0;
        }
        out += piece;
        line_len += piece.size();
    };
    for (size_t i = 0; i < crlf.size(); ++i) {
        const auto c = static_cast<unsigned char>(crlf[i]);
        if (c == '\r' && i + 1 < crlf.size() && crlf[i + 1] == '\n') {
            out += "\r\n";
            line_len = 0;
            ++i;
            continue;
        }
        const bool line_end_next = i + 1 >= crlf.size() || crlf[i + 1] == '\r';
        // Encoded: '=', non-ASCII and control bytes, a space or tab before a line end, and a dot
        // opening a line (so no line of the body reads as SMTP's end of data).
        const bool encode = c == '=' || c >= 127 || (c < 32 && c != '\t') ||
                            ((c == ' ' || c == '\t') && line_end_next) || (c == '.' && line_len == 0);
        if (encode) {
            const char enc[3] = {'=', kHex[c >> 4], kHex[c & 15]};
            put(std::string_view(enc, 3));
        } else {
            const char ch = static_cast<char>(c);
            put(std::string_view(&ch, 1));
        }
    }
    return out;
}

core::Result<std::string> BuildMimeMessage(const MimeInput& in) {
    if (HasLineBreak(in.to) || HasLineBreak(in.subject) || HasLineBreak(in.from_address) ||
        HasLineBreak(in.from_name) || HasLineBreak(in.message_id))
        return core::BadRequest("courier: a line break in the recipient, subject or sender");
    if (in.to.find_first_of("<>") != std::string::npos || in.from_address.find_first_of("<>") != std::string::npos)
        return core::BadRequest("courier: an address holds '<' or '>'");
    std::string h;
    h += "Date: " + SmtpDate(in.date) + "\r\n";
    h += "From: " + (in.from_name.empty() ? "" : DisplayName(in.from_name) + " ") + "<" + in.from_address + ">\r\n";
    h += "To: <" + in.to + ">\r\n";
    h += "Subject: " + EncodeHeaderWord(in.subject) + "\r\n";
    h += "Message-ID: <" + in.message_id + ">\r\n";
    h += "MIME-Version: 1.0\r\n";
    for (const auto& [name, value] : in.headers) {
        if (!IsHeaderName(name) || HasLineBreak(value))
            return core::BadRequest("courier: the header \"" + name + "\" is not a valid header field");
        h += name + ": " + (IsAscii(value) ? value : EncodeHeaderWord(value)) + "\r\n";
    }
    const std::string text_part =
        "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" +
        QuotedPrintable(in.text) + "\r\n";
    if (in.html.empty()) return h + text_part;
    const std::string boundary = "bia-alt-" + in.message_id.substr(0, in.message_id.find('@'));
    h += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n";
    h += "--" + boundary + "\r\n" + text_part;
    h += "--" + boundary + "\r\n";
    h += "Content-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n";
    h += QuotedPrintable(in.html) + "\r\n";
    h += "--" + boundary + "--\r\n";
    return h;
}

core::Result<std::unique_ptr<SmtpSender>> SmtpSender::Create(SmtpOptions options, const core::Clock& clock) {
    const auto fail = [](std::string_view why) {
        return core::Internal("config: courier.smtp.connection_uri: " + std::string(why));
    };
    auto url = core::Url::Parse(options.connection_uri);
    if (!url || (url->scheme != "smtp" && url->scheme != "smtps")) return fail("must be an smtp:// or smtps:// URL");
    if (url->Hostname().empty()) return fail("has no host");
    if (options.from_address.empty() || HasLineBreak(options.from_address) ||
        options.from_address.find('@') == std::string::npos)
        return core::Internal("config: courier.smtp.from_address: not an email address");
    if (HasLineBreak(options.local_name) || options.local_name.find('/') != std::string::npos)
        return core::Internal("config: courier.smtp.local_name: not a host name");
    std::unique_ptr<SmtpSender> s(new SmtpSender(std::move(options), clock));
    s->implicit_tls_ = url->scheme == "smtps";
    const core::Query q = url->query();
    auto flag = [&](std::string_view key) {
        auto v = q.Get(key);
        return v && (*v == "true" || *v == "1");
    };
    s->starttls_ = !s->implicit_tls_ && !flag("disable_starttls");
    s->skip_verify_ = flag("skip_ssl_verify");
    if (!url->userinfo.empty()) {
        const size_t colon = url->userinfo.find(':');
        auto user = core::PercentDecode(url->userinfo.substr(0, colon), false);
        auto pass = core::PercentDecode(colon == std::string::npos ? "" : url->userinfo.substr(colon + 1), false);
        if (!user || !pass) return fail("malformed user or password");
        s->user_ = *user;
        s->password_ = *pass;
    }
    s->url_ = url->scheme + "://" + url->host + "/" + s->options_.local_name;
    return s;
}

core::Status SmtpSender::Send(const Message& m) {
    MimeInput in;
    in.from_address = options_.from_address;
    in.from_name = options_.from_name;
    in.to = m.recipient;
    in.subject = m.subject;
    in.text = m.body;
    in.html = m.html_body;
    in.headers = options_.headers;
    in.date = clock_.Now();
    const std::string domain = options_.from_address.substr(options_.from_address.rfind('@') + 1);
    in.message_id = m.id.ToString() + "." + std::to_string(m.send_count) + "@" + domain;
    BIA_TRY_ASSIGN(const std::string mime, BuildMimeMessage(in));

    net::EnsureCurlInitialised();  // on the first message, not at start-up
    CURL* curl = curl_easy_init();
    if (!curl) return core::Internal("courier: cannot start libcurl");
    struct curl_slist* rcpt = nullptr;
    rcpt = curl_slist_append(rcpt, ("<" + m.recipient + ">").c_str());
    std::string_view rest = mime;
    char error[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(curl, CURLOPT_URL, url_.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
    if (starttls_) curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
    if (skip_verify_) {
        curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (!user_.empty()) {
        curl_easy_setopt(curl, CURLOPT_USERNAME, user_.c_str());
        curl_easy_setopt(curl, CURLOPT_PASSWORD, password_.c_str());
    }
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, ("<" + options_.from_address + ">").c_str());
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(mime.size()));
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, &ReadMimeChunk);
    curl_easy_setopt(curl, CURLOPT_READDATA, &rest);
    const CURLcode rc = curl_easy_perform(curl);
    long smtp_code = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &smtp_code);
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(curl);
    if (rc == CURLE_OK) return {};
    std::string why = error[0] ? error : curl_easy_strerror(rc);
    if (smtp_code) why += " (last SMTP reply " + std::to_string(smtp_code) + ")";
    return core::Unavailable("courier: SMTP delivery failed: " + why);
}

}  // namespace bia::courier
