// The part of Go's text/template that Kratos's users write in courier templates: `{{ .Field }}`
// and dotted paths into the JSON model (`{{ .Identity.traits.email }}`), `{{ . }}`, the
// whitespace trims `{{- ` and ` -}}`, `{{ if .X }}…{{ else if .Y }}…{{ else }}…{{ end }}` (Go's
// truth: false, 0, null, "" and empty lists or objects are false) and comments `{{/* … */}}`.
// Anything else in an action is a parse error, reported when the template is loaded (at
// startup), never when a message is sent. A path that leads nowhere renders as nothing.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace bia::courier {

class GoTemplate {
  public:
    // `name` prefixes error texts ("verification/valid/email.subject.gotmpl: line 3: …").
    static core::Result<GoTemplate> Parse(std::string_view text, std::string_view name);

    // `escape_html`: substituted values are HTML-escaped (the template's own text is not).
    std::string Render(const nlohmann::json& model, bool escape_html) const;

    struct Node;

  private:
    std::shared_ptr<const std::vector<Node>> nodes_;
};

}  // namespace bia::courier
