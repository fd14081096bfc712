// The courier's email templates: a subject, a plaintext body and an HTML body for each of the
// eight template types. Bia's built-in texts are used unless the config overrides them, by
// Kratos's names and in Kratos's order of precedence:
//   1. courier.templates.<recovery|recovery_code|verification|verification_code>.<valid|invalid>
//      .email.{subject, body.plaintext, body.html}: file://, base64:// or http(s):// URLs;
//   2. courier.template_override_path: <dir>/<template>/<valid|invalid>/email.subject.gotmpl,
//      email.body.plaintext.gotmpl and email.body.gotmpl (the HTML body), each optional;
//   3. the built-in text.
// Everything is read and parsed once, at startup: a missing file, a failed download or a
// template syntax error is a config error then, never a failure when a message is sent.
#pragma once

#include <array>
#include <nlohmann/json.hpp>
#include <string>

#include "config/config.hpp"
#include "core/result.hpp"
#include "courier/go_template.hpp"
#include "courier/mailer.hpp"
#include "net/http_client.hpp"

namespace bia::courier {

struct RenderedEmail {
    std::string subject;
    std::string text;
    std::string html;
};

// Overrides larger than this are refused at startup.
inline constexpr size_t kMaxTemplateBytes = size_t{1} << 20;

class Templates {
  public:
    // The built-in texts only.
    static Templates Builtin();
    // Built-in texts with the config's overrides; `http` fetches http(s):// sources.
    static core::Result<Templates> Load(const config::CourierConfig& config, net::HttpClient& http);

    // The subject (its line breaks folded into spaces), plaintext and HTML (values escaped).
    RenderedEmail Render(Template t, const nlohmann::json& model) const;

  private:
    struct Email {
        GoTemplate subject, text, html;
    };
    std::array<Email, 9> emails_;
};

// "verification", "recovery_code", … (the config's and the override folder's name) and whether
// the template is the "valid" or the "invalid" one.
std::string_view TemplateDir(Template t);
bool IsValidVariant(Template t);

}  // namespace bia::courier
