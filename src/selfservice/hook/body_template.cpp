#include "selfservice/hook/body_template.hpp"

extern "C" {
#include <libjsonnet.h>
}

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "core/encoding.hpp"

namespace bia::selfservice::hook {
namespace {

constexpr std::string_view kFileScheme = "file://";
constexpr std::string_view kBase64Scheme = "base64://";
constexpr size_t kMaxTemplateBytes = size_t{1} << 20;
// The name under which the syntax check imports the template it checks.
constexpr const char* kCheckedImport = "bia-web-hook-template";

// Owns a JsonnetVm; one per evaluation because a VM is not safe to share between threads.
class Vm {
  public:
    Vm() : vm_(jsonnet_make()) {}
    ~Vm() {
        if (vm_ != nullptr) jsonnet_destroy(vm_);
    }
    Vm(const Vm&) = delete;
    Vm& operator=(const Vm&) = delete;
    JsonnetVm* get() const { return vm_; }

    char* Copy(std::string_view s) const {
        char* out = jsonnet_realloc(vm_, nullptr, s.size() + 1);
        std::memcpy(out, s.data(), s.size());
        out[s.size()] = '\0';
        return out;
    }

    // Evaluates and returns (ok, output-or-error).
    std::pair<bool, std::string> Evaluate(const std::string& filename, const std::string& snippet) const {
        int error = 0;
        char* out = jsonnet_evaluate_snippet(vm_, filename.c_str(), snippet.c_str(), &error);
        std::string text = out != nullptr ? out : "";
        if (out != nullptr) jsonnet_realloc(vm_, out, 0);
        return {error == 0, std::move(text)};
    }

  private:
    JsonnetVm* vm_;
};

// Templates may not import anything, as in Kratos's Jsonnet sandbox; the syntax check is the one
// importer of the template itself.
struct ImportContext {
    const Vm* vm;
    const std::string* name = nullptr;
    const std::string* text = nullptr;
};

char* Import(void* ctx, const char* /*base*/, const char* rel, char** found_here, int* success) {
    auto* ic = static_cast<ImportContext*>(ctx);
    if (ic->text != nullptr && std::strcmp(rel, kCheckedImport) == 0) {
        *found_here = ic->vm->Copy(*ic->name);
        *success = 1;
        return ic->vm->Copy(*ic->text);
    }
    *success = 0;
    return ic->vm->Copy(std::string("import not available ") + rel);
}

core::Result<std::string> ReadLocalFile(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) {
        std::error_code ec;
        const auto absolute = std::filesystem::absolute(path, ec);
        return core::Internal("open " + (ec ? path : absolute.string()) + ": " + std::strerror(errno));
    }
    std::string data;
    char buf[16384];
    bool too_large = false;
    while (true) {
        const size_t n = std::fread(buf, 1, sizeof buf, f);
        data.append(buf, n);
        if (data.size() > kMaxTemplateBytes) {
            too_large = true;
            break;
        }
        if (n < sizeof buf) break;
    }
    const bool failed = std::ferror(f) != 0;
    const int err = errno;
    std::fclose(f);
    if (too_large) return core::Internal("read " + path + ": larger than 1 MiB");
    if (failed) return core::Internal("read " + path + ": " + std::strerror(err));
    return data;
}

// Go's jsonnet reports a top-level `error "cancel"` as "RUNTIME ERROR: cancel"; Kratos looks for
// that text anywhere in the message, and so do we.
bool IsCancel(const std::string& message) { return message.find("RUNTIME ERROR: cancel") != std::string::npos; }

}  // namespace

core::Status CheckJsonnetSyntax(const std::string& name, const std::string& text) {
    Vm vm;
    ImportContext ic{&vm, &name, &text};
    jsonnet_import_callback(vm.get(), &Import, &ic);
    // Importing parses and statically checks the template; std.type forces only its outermost
    // value, so a `function(ctx)` body is never evaluated.
    auto [ok, out] = vm.Evaluate("<syntax check>", std::string("std.type(import \"") + kCheckedImport + "\")");
    if (ok) return {};
    // Runtime errors need a real ctx to judge (a template may read std.extVar at the top level).
    if (out.rfind("STATIC ERROR", 0) == 0) {
        while (!out.empty() && out.back() == '\n') out.pop_back();
        return core::Internal(out);
    }
    return {};
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
    Vm vm;
    ImportContext ic{&vm};
    jsonnet_import_callback(vm.get(), &Import, &ic);
    // Kratos passes ctx as a top-level argument; the external variable also lets templates
    // written `std.extVar('ctx')` work. Jsonnet only parses it when a template asks for it.
    jsonnet_tla_code(vm.get(), "ctx", ctx_code.c_str());
    jsonnet_ext_code(vm.get(), "ctx", ctx_code.c_str());
    std::pair<bool, std::string> result;
    try {
        result = vm.Evaluate(display_name_, source);
    } catch (const std::exception& e) {
        return core::Internal("the body template " + display_name_ + " failed: " + e.what());
    }
    auto& [ok, out] = result;
    if (!ok) {
        if (IsCancel(out)) return std::optional<std::string>();
        while (!out.empty() && out.back() == '\n') out.pop_back();
        return core::Internal("the body template " + display_name_ + " failed: " + out);
    }
    if (out.size() > kMaxOutputBytes)
        return core::Internal("the body template " + display_name_ + " rendered more than 256 KiB");
    return std::optional<std::string>(std::move(out));
}

}  // namespace bia::selfservice::hook
