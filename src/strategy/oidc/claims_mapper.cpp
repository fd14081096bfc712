// ClaimsMapper (declared in oidc_provider.hpp): a provider's Jsonnet mapper on libjsonnet.
extern "C" {
#include <libjsonnet.h>
}

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/encoding.hpp"
#include "strategy/oidc/oidc_provider.hpp"

namespace bia::strategy::oidc {

// Named (not anonymous) so the unity build can merge this file with the folder's others.
namespace mapper_internal {

constexpr std::string_view kFileScheme = "file://";
constexpr std::string_view kBase64Scheme = "base64://";
constexpr size_t kMaxSourceBytes = size_t{64} << 10;
constexpr size_t kMaxOutputBytes = size_t{256} << 10;
constexpr size_t kMaxErrorLength = 500;
// The name under which the syntax check imports the mapper it checks.
constexpr const char* kCheckedImport = "bia-claims-mapper";

// Owns a JsonnetVm; one per evaluation because a VM is not safe to share between threads.
class MapperVm {
  public:
    MapperVm() : vm_(jsonnet_make()) {}
    ~MapperVm() {
        if (vm_ != nullptr) jsonnet_destroy(vm_);
    }
    MapperVm(const MapperVm&) = delete;
    MapperVm& operator=(const MapperVm&) = delete;
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

// Mappers may not import anything (Kratos's Jsonnet sandbox); the syntax check is the one importer
// of the mapper itself.
struct MapperImports {
    const MapperVm* vm;
    const std::string* name = nullptr;
    const std::string* text = nullptr;
};

char* ImportMapper(void* ctx, const char* /*base*/, const char* rel, char** found_here, int* success) {
    auto* ic = static_cast<MapperImports*>(ctx);
    if (ic->text != nullptr && std::strcmp(rel, kCheckedImport) == 0) {
        *found_here = ic->vm->Copy(*ic->name);
        *success = 1;
        return ic->vm->Copy(*ic->text);
    }
    *success = 0;
    return ic->vm->Copy(std::string("import not available ") + rel);
}

std::string TrimError(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    if (text.size() > kMaxErrorLength) text = text.substr(0, kMaxErrorLength) + "...";
    return text;
}

core::Result<std::string> ReadMapperFile(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) return core::Internal("open " + path + ": " + std::strerror(errno));
    std::string data;
    char buf[16384];
    bool too_large = false;
    while (true) {
        const size_t n = std::fread(buf, 1, sizeof buf, f);
        data.append(buf, n);
        if (data.size() > kMaxSourceBytes) {
            too_large = true;
            break;
        }
        if (n < sizeof buf) break;
    }
    const bool failed = std::ferror(f) != 0;
    const int err = errno;
    std::fclose(f);
    if (too_large) return core::Internal("read " + path + ": larger than 64 KiB");
    if (failed) return core::Internal("read " + path + ": " + std::strerror(err));
    return data;
}

// Parses and statically checks `text` without evaluating it (a mapper reads std.extVar('claims')).
core::Status CheckSyntax(const std::string& name, const std::string& text) {
    MapperVm vm;
    MapperImports imports{&vm, &name, &text};
    jsonnet_import_callback(vm.get(), &ImportMapper, &imports);
    auto [ok, out] = vm.Evaluate("<syntax check>", std::string("std.type(import \"") + kCheckedImport + "\")");
    if (ok || out.rfind("STATIC ERROR", 0) != 0) return {};
    return core::Internal(TrimError(out));
}

}  // namespace mapper_internal

core::Result<ClaimsMapper> ClaimsMapper::Load(std::string_view mapper_url, net::HttpClient& http) {
    using namespace mapper_internal;
    const std::string url(mapper_url);
    std::string display = url;
    std::string source;
    if (url.starts_with(kBase64Scheme)) {
        // The whole mapper would make every error huge.
        if (url.size() > kBase64Scheme.size() + 16) display = url.substr(0, kBase64Scheme.size() + 16) + "...";
        auto decoded = core::Base64Decode(std::string_view(url).substr(kBase64Scheme.size()));
        if (!decoded) return core::Internal("the claims mapper " + display + " is not valid base64");
        source = std::move(*decoded);
    } else if (url.starts_with(kFileScheme)) {
        BIA_TRY_ASSIGN(source, ReadMapperFile(url.substr(kFileScheme.size())));
    } else if (url.starts_with("https://") || url.starts_with("http://")) {
        net::HttpRequest request;
        request.url = url;
        request.max_body_bytes = kMaxSourceBytes;
        const auto answer = http.Send(request);
        if (!answer.ok()) return core::Internal("unable to fetch the claims mapper " + url + ": " + answer.error);
        if (answer.status != 200) {
            return core::Internal("unable to fetch the claims mapper " + url + ": HTTP " +
                                  std::to_string(answer.status));
        }
        source = answer.body;
    } else {
        return core::Internal("the claims mapper " + display +
                              " has an unsupported scheme (use file://, base64://, http:// or https://)");
    }
    if (source.size() > kMaxSourceBytes)
        return core::Internal("the claims mapper " + display + " is larger than 64 KiB");
    if (auto st = CheckSyntax(display, source); !st) {
        return core::Internal("the claims mapper " + display + " is not valid Jsonnet: " + st.error().reason);
    }
    ClaimsMapper mapper(std::move(source));
    mapper.name_ = "the claims mapper " + display;
    return mapper;
}

core::Result<nlohmann::json> ClaimsMapper::Map(const nlohmann::json& claims) const {
    using namespace mapper_internal;
    if (source_.size() > kMaxSourceBytes) return core::BadRequest(name_ + " is larger than 64 KiB");
    std::string claims_code;
    try {
        claims_code = claims.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    } catch (const std::exception& e) {
        return core::BadRequest(std::string("unable to encode the claims: ") + e.what());
    }
    MapperVm vm;
    MapperImports imports{&vm};
    jsonnet_import_callback(vm.get(), &ImportMapper, &imports);
    jsonnet_ext_code(vm.get(), "claims", claims_code.c_str());
    std::pair<bool, std::string> result;
    try {
        result = vm.Evaluate(name_, source_);
    } catch (const std::exception& e) {
        return core::BadRequest(name_ + " failed: " + e.what());
    }
    auto& [ok, out] = result;
    if (!ok) return core::BadRequest(name_ + " failed: " + TrimError(std::move(out)));
    if (out.size() > kMaxOutputBytes) return core::BadRequest(name_ + " yielded more than 256 KiB");
    auto doc = nlohmann::json::parse(out, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) return core::BadRequest(name_ + " did not yield an object");
    auto identity = doc.find("identity");
    if (identity == doc.end() || !identity->is_object()) {
        return core::BadRequest(name_ + " did not yield an \"identity\" object");
    }
    auto traits = identity->find("traits");
    if (traits == identity->end() || !traits->is_object()) {
        return core::BadRequest(name_ + " did not yield an \"identity.traits\" object");
    }
    return std::move(*identity);
}

}  // namespace bia::strategy::oidc
