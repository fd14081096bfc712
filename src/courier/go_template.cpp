#include "courier/go_template.hpp"

#include <cctype>

#include "core/html.hpp"

namespace bia::courier {

struct GoTemplate::Node {
    enum class Kind { kText, kField, kIf } kind = Kind::kText;
    std::string text;               // kText
    std::vector<std::string> path;  // kField, and the condition of kIf (empty: the model itself)
    std::vector<Node> then_nodes;   // kIf
    std::vector<Node> else_nodes;   // kIf
};

namespace {

using Node = GoTemplate::Node;

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view TrimSpaces(std::string_view s) {
    while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
    while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
    return s;
}

// One `{{ … }}` with its trim markers, or a piece of text.
struct Token {
    bool action = false;
    std::string text;  // the text, or the action's inside without its trim markers
    int line = 1;
};

class TemplateParser {
  public:
    TemplateParser(std::string_view text, std::string_view name) : text_(text), name_(name) {}

    core::Result<std::vector<Node>> Run() {
        BIA_TRY(Lex());
        size_t pos = 0;
        std::vector<Node> nodes;
        BIA_TRY_ASSIGN(std::string end, Block(pos, nodes));
        if (!end.empty()) return Fail(tokens_[pos - 1].line, "unexpected {{" + end + "}}");
        return nodes;
    }

  private:
    core::Error Fail(int line, std::string_view what) const {
        return core::Internal(std::string(name_) + ": line " + std::to_string(line) + ": " + std::string(what));
    }

    core::Status Lex() {
        size_t i = 0;
        int line = 1;
        bool trim_next = false;
        while (i < text_.size()) {
            const size_t open = text_.find("{{", i);
            std::string piece(text_.substr(i, open == std::string_view::npos ? std::string_view::npos : open - i));
            if (trim_next) piece = std::string(piece.begin() + static_cast<long>(SpacesAtStart(piece)), piece.end());
            trim_next = false;
            if (open == std::string_view::npos) {
                Push(false, std::move(piece), line);
                break;
            }
            // "{{- " trims the text before.
            size_t start = open + 2;
            if (start + 1 < text_.size() && text_[start] == '-' && IsSpace(text_[start + 1])) {
                while (!piece.empty() && IsSpace(piece.back())) piece.pop_back();
                start += 2;
            }
            const int text_line = line;
            line += Lines(text_.substr(i, open - i));
            Push(false, std::move(piece), text_line);
            size_t close;
            if (TrimSpaces(text_.substr(start)).starts_with("/*")) {
                const size_t comment_end = text_.find("*/", start);
                if (comment_end == std::string_view::npos) return Fail(line, "unclosed comment");
                close = text_.find("}}", comment_end + 2);
            } else {
                close = text_.find("}}", start);
            }
            if (close == std::string_view::npos) return Fail(line, "unclosed action");
            size_t inner_end = close;
            if (close >= start + 2 && text_[close - 1] == '-' && IsSpace(text_[close - 2])) {
                trim_next = true;
                inner_end = close - 2;
            }
            Push(true, std::string(TrimSpaces(text_.substr(start, inner_end - start))), line);
            line += Lines(text_.substr(open, close + 2 - open));
            i = close + 2;
        }
        return {};
    }

    static size_t SpacesAtStart(const std::string& s) {
        size_t n = 0;
        while (n < s.size() && IsSpace(s[n])) ++n;
        return n;
    }
    static int Lines(std::string_view s) {
        int n = 0;
        for (char c : s) n += c == '\n';
        return n;
    }
    void Push(bool action, std::string text, int line) {
        if (!action && text.empty()) return;
        tokens_.push_back({action, std::move(text), line});
    }

    core::Result<std::vector<std::string>> Path(std::string_view s, int line) const {
        s = TrimSpaces(s);
        if (s.empty() || s[0] != '.') return Fail(line, "expected a field such as .To, got \"" + std::string(s) + "\"");
        std::vector<std::string> path;
        if (s == ".") return path;
        size_t i = 0;
        while (i < s.size()) {
            if (s[i] != '.') return Fail(line, "bad field path \"" + std::string(s) + "\"");
            size_t j = i + 1;
            while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_')) ++j;
            if (j == i + 1) return Fail(line, "bad field path \"" + std::string(s) + "\"");
            path.emplace_back(s.substr(i + 1, j - i - 1));
            i = j;
        }
        return path;
    }

    // Parses nodes until {{end}} or {{else…}} (returned, the token consumed) or the end ("").
    core::Result<std::string> Block(size_t& pos, std::vector<Node>& out) {
        while (pos < tokens_.size()) {
            const Token& t = tokens_[pos++];
            if (!t.action) {
                out.push_back({Node::Kind::kText, t.text, {}, {}, {}});
                continue;
            }
            std::string_view a = t.text;
            if (a.starts_with("/*")) {
                if (!a.ends_with("*/")) return Fail(t.line, "a comment must be the whole action");
                continue;
            }
            if (a == "end" || a == "else" || a.starts_with("else ")) return std::string(a);
            if (a.starts_with("if ") || a.starts_with("if\t")) {
                BIA_TRY(If(t, a.substr(3), pos, out));
                continue;
            }
            if (a.starts_with(".")) {
                BIA_TRY_ASSIGN(auto path, Path(a, t.line));
                out.push_back({Node::Kind::kField, {}, std::move(path), {}, {}});
                continue;
            }
            return Fail(t.line, "unsupported action {{" + std::string(a) + "}}");
        }
        return std::string();
    }

    core::Status If(const Token& t, std::string_view condition, size_t& pos, std::vector<Node>& out) {
        Node n;
        n.kind = Node::Kind::kIf;
        BIA_TRY_ASSIGN(n.path, Path(condition, t.line));
        BIA_TRY_ASSIGN(std::string end, Block(pos, n.then_nodes));
        if (end.starts_with("else if ")) {
            // {{else if .Y}} is an {{if}} nested in the else branch that shares the {{end}}.
            BIA_TRY(If(t, std::string_view(end).substr(8), pos, n.else_nodes));
        } else if (end == "else") {
            BIA_TRY_ASSIGN(std::string else_end, Block(pos, n.else_nodes));
            if (else_end != "end") return Fail(t.line, "{{if}} without {{end}}");
        } else if (end != "end") {
            return Fail(t.line, end.empty() ? "{{if}} without {{end}}" : "unexpected {{" + end + "}}");
        }
        out.push_back(std::move(n));
        return {};
    }

    std::string_view text_;
    std::string_view name_;
    std::vector<Token> tokens_;
};

const nlohmann::json* Lookup(const nlohmann::json& model, const std::vector<std::string>& path) {
    const nlohmann::json* v = &model;
    for (const auto& key : path) {
        if (!v->is_object()) return nullptr;
        auto it = v->find(key);
        if (it == v->end()) return nullptr;
        v = &*it;
    }
    return v;
}

bool Truthy(const nlohmann::json* v) {
    if (!v || v->is_null()) return false;
    if (v->is_boolean()) return v->get<bool>();
    if (v->is_number_integer()) return v->get<int64_t>() != 0;
    if (v->is_number()) return v->get<double>() != 0;
    if (v->is_string()) return !v->get_ref<const std::string&>().empty();
    return !v->empty();
}

void RenderNodes(const std::vector<Node>& nodes, const nlohmann::json& model, bool escape, std::string& out) {
    for (const Node& n : nodes) {
        switch (n.kind) {
            case Node::Kind::kText:
                out += n.text;
                break;
            case Node::Kind::kField: {
                const nlohmann::json* v = Lookup(model, n.path);
                if (!v || v->is_null()) break;
                const std::string s = v->is_string() ? v->get<std::string>() : v->dump();
                out += escape ? core::HtmlEscape(s) : s;
                break;
            }
            case Node::Kind::kIf:
                RenderNodes(Truthy(Lookup(model, n.path)) ? n.then_nodes : n.else_nodes, model, escape, out);
                break;
        }
    }
}

}  // namespace

core::Result<GoTemplate> GoTemplate::Parse(std::string_view text, std::string_view name) {
    BIA_TRY_ASSIGN(auto nodes, TemplateParser(text, name).Run());
    GoTemplate t;
    t.nodes_ = std::make_shared<const std::vector<Node>>(std::move(nodes));
    return t;
}

std::string GoTemplate::Render(const nlohmann::json& model, bool escape_html) const {
    std::string out;
    if (nodes_) RenderNodes(*nodes_, model, escape_html, out);
    return out;
}

}  // namespace bia::courier
