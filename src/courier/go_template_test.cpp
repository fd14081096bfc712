#include "courier/go_template.hpp"

#include <gtest/gtest.h>

namespace bia::courier {
namespace {

using nlohmann::json;

std::string RenderText(std::string_view text, const json& model, bool html = false) {
    auto t = GoTemplate::Parse(text, "test");
    EXPECT_TRUE(t) << (t ? "" : t.error().reason);
    return t ? t->Render(model, html) : "";
}

std::string ParseError(std::string_view text) {
    auto t = GoTemplate::Parse(text, "verification/valid/email.subject.gotmpl");
    return t ? "" : t.error().reason;
}

TEST(GoTemplate, FieldsAndDottedPathsIntoTheModel) {
    const json model = {{"To", "a@example.com"},
                        {"Identity", {{"traits", {{"email", "a@example.com"}, {"name", {{"first", "Ada"}}}}}}},
                        {"Count", 3},
                        {"Flag", true}};
    EXPECT_EQ(RenderText("Hi {{ .Identity.traits.name.first }} <{{.To}}>", model), "Hi Ada <a@example.com>");
    EXPECT_EQ(RenderText("{{ .Count }} {{ .Flag }}", model), "3 true");
    EXPECT_EQ(RenderText("[{{ .Missing }}][{{ .Identity.nothing.deeper }}][{{ .To.x }}]", model), "[][][]");
    EXPECT_EQ(RenderText("no actions at all", model), "no actions at all");
    EXPECT_EQ(RenderText("{{ .Identity.traits.name }}", model), R"({"first":"Ada"})");
}

TEST(GoTemplate, HtmlBodiesEscapeSubstitutedValuesButNotTheTemplate) {
    const json model = {{"To", "<script>alert('x')</script>&\"@example.com"}};
    EXPECT_EQ(RenderText("<p>{{ .To }}</p>", model, true),
              "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&#34;@example.com</p>");
    EXPECT_EQ(RenderText("<p>{{ .To }}</p>", model, false), "<p><script>alert('x')</script>&\"@example.com</p>");
}

TEST(GoTemplate, TrimMarkersEatTheWhitespaceBesideThem) {
    const json model = {{"A", "a"}};
    EXPECT_EQ(RenderText("x  \n  {{- .A -}}  \n\t y", model), "xay");
    EXPECT_EQ(RenderText("x  {{- .A }}  y", model), "xa  y");
    EXPECT_EQ(RenderText("x  {{ .A -}}  y", model), "x  ay");
    // Without the space a dash is not a trim marker (Go reads {{-3}} as a number): refused.
    EXPECT_NE(ParseError("{{-.A}}"), "");
}

TEST(GoTemplate, IfElseAndElseIfFollowGosTruth) {
    const std::string tpl = "{{ if .A }}A{{ else if .B }}B{{ else }}none{{ end }}";
    EXPECT_EQ(RenderText(tpl, {{"A", "x"}}), "A");
    EXPECT_EQ(RenderText(tpl, {{"A", ""}, {"B", 1}}), "B");
    EXPECT_EQ(RenderText(tpl, {{"A", false}, {"B", 0}}), "none");
    EXPECT_EQ(RenderText(tpl, {{"A", json::array()}, {"B", json::object()}}), "none");
    EXPECT_EQ(RenderText(tpl, {{"A", nullptr}}), "none");
    EXPECT_EQ(RenderText(tpl, json::object()), "none");
    EXPECT_EQ(RenderText("{{ if .A }}{{ if .B }}AB{{ end }}-{{ end }}.", {{"A", 1}, {"B", 1}}), "AB-.");
    EXPECT_EQ(RenderText("{{ if .A }}yes{{ end }}", {{"A", {{"k", 1}}}}), "yes");
    EXPECT_EQ(RenderText("code\n{{- if .U }}\nlink {{ .U }}{{ end }}\nbye", {{"U", "u"}}), "code\nlink u\nbye");
    EXPECT_EQ(RenderText("code\n{{- if .U }}\nlink {{ .U }}{{ end }}\nbye", json::object()), "code\nbye");
}

TEST(GoTemplate, CommentsRenderAsNothing) {
    EXPECT_EQ(RenderText("a{{/* a comment with }} inside */}}b", json::object()), "ab");
    EXPECT_EQ(RenderText("a {{- /* trimmed */ -}} b", json::object()), "ab");
}

TEST(GoTemplate, SyntaxErrorsNameTheTemplateAndTheLine) {
    EXPECT_EQ(ParseError("line one\n{{ if .A }}never closed"),
              "verification/valid/email.subject.gotmpl: line 2: {{if}} without {{end}}");
    EXPECT_EQ(ParseError("{{ .A "), "verification/valid/email.subject.gotmpl: line 1: unclosed action");
    EXPECT_EQ(ParseError("\n\n{{ range .Items }}x{{ end }}"),
              "verification/valid/email.subject.gotmpl: line 3: unsupported action {{range .Items}}");
    EXPECT_EQ(ParseError("{{ end }}"), "verification/valid/email.subject.gotmpl: line 1: unexpected {{end}}");
    EXPECT_EQ(ParseError("{{ else }}"), "verification/valid/email.subject.gotmpl: line 1: unexpected {{else}}");
    EXPECT_EQ(ParseError("{{ if To }}x{{ end }}"),
              "verification/valid/email.subject.gotmpl: line 1: expected a field such as .To, got \"To\"");
    EXPECT_EQ(ParseError("{{ .A..B }}"), "verification/valid/email.subject.gotmpl: line 1: bad field path \".A..B\"");
    EXPECT_EQ(ParseError("{{/* open comment }}"), "verification/valid/email.subject.gotmpl: line 1: unclosed comment");
    EXPECT_EQ(ParseError("{{ .A | printf }}"),
              "verification/valid/email.subject.gotmpl: line 1: bad field path \".A | printf\"");
    EXPECT_EQ(ParseError("{{ if .A }}a{{ else }}b{{ else }}c{{ end }}"),
              "verification/valid/email.subject.gotmpl: line 1: {{if}} without {{end}}");
}

}  // namespace
}  // namespace bia::courier
