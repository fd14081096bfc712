#include "selfservice/hook/body_template.hpp"

#include "core/encoding.hpp"
#include "jsonnet/sandbox.hpp"

namespace bia::selfservice::hook {
namespace {

constexpr std::string_view kFileScheme = "file://";
constexpr std::string_view kBase64Scheme = "base64://";
constexpr size_t kMaxTemplateBytes = size_t{1} << 20;

core::Result<std::string> ReadLocalFile(const std::string& path) { return jsonnet::ReadFile(path, kMaxTemplateBytes); }

// Go's jsonnet reports a top-level `error "cancel"` as "RUNTIME ERROR: cancel"; Kratos looks for
// that text anywhere in the message, and so do we.
bool IsCancel(const std::string& message) { return message.find("RUNTIME ERROR: cancel") != std::string::npos; }

}  // namespace

core::Status CheckJsonnetSyntax(const std::string& name, const std::string& text) {
    return jsonnet::CheckSyntax(name, text);
}

core::Result<std::unique_ptr<BodyTemplate>> BodyTemplate::Load(const std::string& uri, Fetcher fetch) {
    std::unique_ptr<BodyTemplate> t(new BodyTemplate());
    t->uri_ = uri;
    t->display_name_ = uri;
    t->fetch_ = std::move(fetch);
    if (uri.empty()) return core::Internal("the body template URL is empty");
    if (uri.starts_with("http://") || uri.starts_with("https://")) {
        if (!t->fetch_) return core::Internal("no HTTP client to fetch the body template " + uri);
        t->remote_ = true;
        return t;
    }
    if (uri.starts_with(kBase64Scheme)) {
        // The whole template would make every log line and error huge.
        if (uri.size() > kBase64Scheme.size() + 16) t->display_name_ = uri.substr(0, kBase64Scheme.size() + 16) + "...";
        auto decoded = core::Base64Decode(std::string_view(uri).substr(kBase64Scheme.size()));
        if (!decoded) return core::Internal("the body template " + t->display_name_ + " is not valid base64");
        t->text_ = std::move(*decoded);
    } else if (uri.starts_with(kFileScheme)) {
        BIA_TRY_ASSIGN(t->text_, ReadLocalFile(uri.substr(kFileScheme.size())));
    } else if (uri.find("://") != std::string::npos) {
        return core::Internal("the body template " + uri +
                              " has an unsupported scheme (use file://, base64://, http:// or https://)");
    } else {
        BIA_TRY_ASSIGN(t->text_, ReadLocalFile(uri));  // Kratos's deprecated bare path
    }
    if (auto st = CheckJsonnetSyntax(t->display_name_, t->text_); !st)
        return core::Internal("the body template " + t->display_name_ + " is not valid Jsonnet: " + st.error().reason);
    return t;
}

core::Result<std::string> BodyTemplate::Source() const {
    if (!remote_) return text_;
    std::lock_guard lock(mu_);
    const auto now = std::chrono::steady_clock::now();
    if (cached_ && now - fetched_at_ < kRemoteCacheTtl) return *cached_;
    auto text = fetch_(uri_);
    if (!text) return core::Internal("unable to fetch the body template " + uri_ + ": " + text.error().reason);
    if (text->size() > kMaxTemplateBytes) return core::Internal("the body template " + uri_ + " is larger than 1 MiB");
    cached_ = std::move(text).value();
    fetched_at_ = now;
    return *cached_;
}

core::Result<std::optional<std::string>> BodyTemplate::Render(const nlohmann::json& ctx) const {
    BIA_TRY_ASSIGN(std::string source, Source());
    std::string ctx_code;
    try {
        ctx_code = ctx.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    } catch (const std::exception& e) {
        return core::Internal(std::string("unable to encode the web hook context: ") + e.what());
    }
    // Kratos passes ctx as a top-level argument; the external variable also lets templates
    // written `std.extVar('ctx')` work. Jsonnet only parses it when a template asks for it.
    jsonnet::Evaluation result = jsonnet::Evaluate(display_name_, source, {{"ctx", ctx_code, true}});
    auto& [ok, out] = result;
    if (!ok) {
        if (IsCancel(out)) return std::optional<std::string>();
        return core::Internal("the body template " + display_name_ + " failed: " + out);
    }
    if (out.size() > kMaxOutputBytes)
        return core::Internal("the body template " + display_name_ + " rendered more than 256 KiB");
    return std::optional<std::string>(std::move(out));
}

}  // namespace bia::selfservice::hook
