#include "courier/templates.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/encoding.hpp"

namespace bia::courier {

namespace {

constexpr std::array kAllTemplates = {
    Template::kVerificationValid,       Template::kVerificationInvalid, Template::kVerificationCodeValid,
    Template::kVerificationCodeInvalid, Template::kRecoveryValid,       Template::kRecoveryInvalid,
    Template::kRecoveryCodeValid,       Template::kRecoveryCodeInvalid, Template::kChangeNotice,
};

struct BuiltinText {
    const char* subject;
    const char* text;
    const char* html;
};

// Bia's own wording. The "invalid" messages go to an address no account has: they say what was
// asked for, that nothing was changed, and that the message can be ignored.
BuiltinText BuiltinFor(Template t) {
    switch (t) {
        case Template::kVerificationValid:
            return {"Confirm your email address",
                    "Hello,\n\nplease confirm that {{ .To }} is your email address by opening this link:\n\n"
                    "{{ .VerificationURL }}\n\nIf you did not ask for this, you can ignore this message.\n",
                    "<p>Hello,</p>\n<p>please confirm that {{ .To }} is your email address by opening "
                    "<a href=\"{{ .VerificationURL }}\">this link</a>.</p>\n"
                    "<p>If you did not ask for this, you can ignore this message.</p>\n"};
        case Template::kVerificationInvalid:
        case Template::kVerificationCodeInvalid:
            return {"About a request to confirm this email address",
                    "Hello,\n\nsomeone asked to confirm the address {{ .To }}, but no account uses it, so "
                    "nothing was changed.\n\nIf it was you, you may have signed up with another address. "
                    "Otherwise you can ignore this message.\n",
                    "<p>Hello,</p>\n<p>someone asked to confirm the address {{ .To }}, but no account uses it, "
                    "so nothing was changed.</p>\n<p>If it was you, you may have signed up with another "
                    "address. Otherwise you can ignore this message.</p>\n"};
        case Template::kVerificationCodeValid:
            return {"Your confirmation code",
                    "Hello,\n\nto confirm that {{ .To }} is your email address, enter this code:\n\n"
                    "{{ .VerificationCode }}\n"
                    "{{- if .VerificationURL }}\n\nOr open this link:\n\n{{ .VerificationURL }}{{ end }}\n\n"
                    "If you did not ask for this, you can ignore this message.\n",
                    "<p>Hello,</p>\n<p>to confirm that {{ .To }} is your email address, enter this code:</p>\n"
                    "<p><strong>{{ .VerificationCode }}</strong></p>\n"
                    "{{- if .VerificationURL }}\n<p>Or open <a href=\"{{ .VerificationURL }}\">this link</a>."
                    "</p>{{ end }}\n<p>If you did not ask for this, you can ignore this message.</p>\n"};
        case Template::kRecoveryValid:
            return {"Get back into your account",
                    "Hello,\n\nsomeone, hopefully you, asked to recover the account of {{ .To }}. To choose a "
                    "new password, open this link:\n\n{{ .RecoveryURL }}\n\nIf it was not you, ignore this "
                    "message: your account stays as it is.\n",
                    "<p>Hello,</p>\n<p>someone, hopefully you, asked to recover the account of {{ .To }}. To "
                    "choose a new password, open <a href=\"{{ .RecoveryURL }}\">this link</a>.</p>\n"
                    "<p>If it was not you, ignore this message: your account stays as it is.</p>\n"};
        case Template::kRecoveryInvalid:
        case Template::kRecoveryCodeInvalid:
            return {"About a request to recover an account",
                    "Hello,\n\nsomeone asked to recover an account for the address {{ .To }}, but no account "
                    "uses it, so nothing was changed.\n\nIf it was you, you may have signed up with another "
                    "address. Otherwise you can ignore this message.\n",
                    "<p>Hello,</p>\n<p>someone asked to recover an account for the address {{ .To }}, but no "
                    "account uses it, so nothing was changed.</p>\n<p>If it was you, you may have signed up "
                    "with another address. Otherwise you can ignore this message.</p>\n"};
        case Template::kRecoveryCodeValid:
            return {"Your recovery code",
                    "Hello,\n\nto get back into the account of {{ .To }}, enter this code:\n\n"
                    "{{ .RecoveryCode }}\n\nIf you did not ask for this, ignore this message: your account "
                    "stays as it is.\n",
                    "<p>Hello,</p>\n<p>to get back into the account of {{ .To }}, enter this code:</p>\n"
                    "<p><strong>{{ .RecoveryCode }}</strong></p>\n<p>If you did not ask for this, ignore this "
                    "message: your account stays as it is.</p>\n"};
        case Template::kChangeNotice:
            return {"{{ if .NewAddress }}Your sign-in address was changed{{ else }}Your password was changed{{ end }}",
                    "Hello,\n\n"
                    "{{- if .NewAddress }}the address {{ .To }} was just replaced by {{ .NewAddress }} on your "
                    "account.{{ else }}the password of the account of {{ .To }} was just changed.{{ end }}\n\n"
                    "If you did this, there is nothing to do.\n\nIf you did not, open this link. It undoes the "
                    "change and signs every device out of the account:\n\n{{ .UndoURL }}\n\n"
                    "The link works once and for 7 days.\n",
                    "<p>Hello,</p>\n<p>"
                    "{{- if .NewAddress }}the address {{ .To }} was just replaced by {{ .NewAddress }} on your "
                    "account.{{ else }}the password of the account of {{ .To }} was just changed.{{ end }}</p>\n"
                    "<p>If you did this, there is nothing to do.</p>\n<p>If you did not, open "
                    "<a href=\"{{ .UndoURL }}\">this link</a>. It undoes the change and signs every device out of "
                    "the account. The link works once and for 7 days.</p>\n"};
    }
    return {"", "", ""};
}

size_t IndexOf(Template t) { return static_cast<size_t>(t); }

core::Result<std::string> ReadFile(const std::string& path, const std::string& what) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) return core::Internal(what + ": cannot read " + path + ": " + ec.message());
    if (size > kMaxTemplateBytes) return core::Internal(what + ": " + path + " is larger than 1 MiB");
    std::ifstream in(path, std::ios::binary);
    if (!in) return core::Internal(what + ": cannot read " + path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// A courier.templates.* value: file://, base64:// or http(s)://.
core::Result<std::string> FetchSource(const std::string& source, const std::string& what, net::HttpClient& http) {
    if (source.starts_with("file://")) return ReadFile(source.substr(7), what);
    if (source.starts_with("base64://")) {
        std::string data = source.substr(9);
        auto decoded = core::Base64Decode(data);
        if (!decoded) decoded = core::Base64UrlDecode(data);
        if (!decoded) return core::Internal(what + ": the base64:// value is not valid base64");
        return *decoded;
    }
    if (source.starts_with("http://") || source.starts_with("https://")) {
        net::HttpRequest request;
        request.url = source;
        request.max_body_bytes = kMaxTemplateBytes;
        request.max_redirects = 3;
        request.timeout = std::chrono::seconds(10);
        const net::HttpResponse response = http.Send(request);
        if (response.failure != net::HttpResponse::Failure::kNone)
            return core::Internal(what + ": cannot fetch " + source + ": " + response.error);
        if (response.status != 200)
            return core::Internal(what + ": fetching " + source + " answered " + std::to_string(response.status));
        return response.body;
    }
    return core::Internal(what + ": must be a file://, base64://, http:// or https:// URL");
}

}  // namespace

std::string_view TemplateDir(Template t) {
    switch (t) {
        case Template::kVerificationValid:
        case Template::kVerificationInvalid:
            return "verification";
        case Template::kVerificationCodeValid:
        case Template::kVerificationCodeInvalid:
            return "verification_code";
        case Template::kRecoveryValid:
        case Template::kRecoveryInvalid:
            return "recovery";
        case Template::kRecoveryCodeValid:
        case Template::kRecoveryCodeInvalid:
            return "recovery_code";
        case Template::kChangeNotice:
            return "change_notice";
    }
    return "";
}

bool IsValidVariant(Template t) {
    return t == Template::kVerificationValid || t == Template::kVerificationCodeValid ||
           t == Template::kRecoveryValid || t == Template::kRecoveryCodeValid || t == Template::kChangeNotice;
}

Templates Templates::Builtin() {
    Templates out;
    for (Template t : kAllTemplates) {
        const BuiltinText b = BuiltinFor(t);
        const std::string name = "built-in " + std::string(TemplateName(t));
        // The built-in texts are fixed: a parse error here is a bug caught by the unit tests.
        Email& e = out.emails_[IndexOf(t)];
        e.subject = GoTemplate::Parse(b.subject, name).value();
        e.text = GoTemplate::Parse(b.text, name).value();
        e.html = GoTemplate::Parse(b.html, name).value();
    }
    return out;
}

core::Result<Templates> Templates::Load(const config::CourierConfig& config, net::HttpClient& http) {
    Templates out = Builtin();
    struct Part {
        const char* key;   // below courier.templates.<dir>.<variant>.email.
        const char* file;  // in the override folder
        GoTemplate Email::*member;
    };
    const Part parts[] = {{"subject", "email.subject.gotmpl", &Email::subject},
                          {"body.plaintext", "email.body.plaintext.gotmpl", &Email::text},
                          {"body.html", "email.body.gotmpl", &Email::html}};
    for (Template t : kAllTemplates) {
        const std::string variant = IsValidVariant(t) ? "valid" : "invalid";
        const std::string base = std::string(TemplateDir(t)) + "." + variant + ".email.";
        for (const Part& part : parts) {
            std::optional<std::string> text;
            std::string what;
            if (auto it = config.templates.find(base + part.key); it != config.templates.end()) {
                what = "config: courier.templates." + base + part.key;
                BIA_TRY_ASSIGN(text, FetchSource(it->second, what, http));
            } else if (config.template_override_path) {
                const auto path =
                    std::filesystem::path(*config.template_override_path) / TemplateDir(t) / variant / part.file;
                std::error_code ec;
                if (std::filesystem::is_regular_file(path, ec)) {
                    what = "config: courier.template_override_path";
                    BIA_TRY_ASSIGN(text, ReadFile(path.string(), what));
                    what += ": " + path.string();
                }
            }
            if (!text) continue;
            auto parsed = GoTemplate::Parse(*text, what);
            if (!parsed) return parsed.error();
            out.emails_[IndexOf(t)].*part.member = std::move(*parsed);
        }
    }
    return out;
}

RenderedEmail Templates::Render(Template t, const nlohmann::json& model) const {
    const Email& e = emails_[IndexOf(t)];
    RenderedEmail r;
    r.subject = e.subject.Render(model, false);
    // A subject is one header line.
    for (char& c : r.subject)
        if (c == '\r' || c == '\n') c = ' ';
    while (!r.subject.empty() && r.subject.back() == ' ') r.subject.pop_back();
    r.text = e.text.Render(model, false);
    r.html = e.html.Render(model, true);
    return r;
}

}  // namespace bia::courier
