#include "jsonnet/sandbox.hpp"

extern "C" {
#include <libjsonnet.h>
}

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <utility>

namespace bia::jsonnet {
namespace {

// The name under which the syntax check imports the document it checks.
constexpr const char* kCheckedImport = "bia-checked-document";

// Owns a JsonnetVm for one evaluation.
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

    Evaluation Run(const std::string& filename, const std::string& snippet) const {
        int error = 0;
        char* out = jsonnet_evaluate_snippet(vm_, filename.c_str(), snippet.c_str(), &error);
        Evaluation e{error == 0, out != nullptr ? out : ""};
        if (out != nullptr) jsonnet_realloc(vm_, out, 0);
        if (!e.ok) {
            while (!e.text.empty() && (e.text.back() == '\n' || e.text.back() == ' ')) e.text.pop_back();
        }
        return e;
    }

  private:
    JsonnetVm* vm_;
};

// Nothing may be imported; the syntax check is the one importer of the document itself.
struct Imports {
    const Vm* vm;
    const std::string* name = nullptr;
    const std::string* text = nullptr;
};

char* Import(void* ctx, const char* /*base*/, const char* rel, char** found_here, int* success) {
    auto* ic = static_cast<Imports*>(ctx);
    if (ic->text != nullptr && std::strcmp(rel, kCheckedImport) == 0) {
        *found_here = ic->vm->Copy(*ic->name);
        *success = 1;
        return ic->vm->Copy(*ic->text);
    }
    *success = 0;
    return ic->vm->Copy(std::string("import not available ") + rel);
}

std::string SizeText(size_t bytes) {
    if (bytes % (size_t{1} << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
    if (bytes % 1024 == 0) return std::to_string(bytes >> 10) + " KiB";
    return std::to_string(bytes) + " bytes";
}

}  // namespace

Evaluation Evaluate(const std::string& filename, const std::string& source, const std::vector<Variable>& variables) {
    Vm vm;
    Imports imports{&vm};
    jsonnet_import_callback(vm.get(), &Import, &imports);
    for (const Variable& v : variables) {
        jsonnet_ext_code(vm.get(), v.name.c_str(), v.json_code.c_str());
        if (v.top_level_argument) jsonnet_tla_code(vm.get(), v.name.c_str(), v.json_code.c_str());
    }
    try {
        return vm.Run(filename, source);
    } catch (const std::exception& e) {
        return Evaluation{false, e.what()};
    }
}

core::Status CheckSyntax(const std::string& name, const std::string& source) {
    Vm vm;
    Imports imports{&vm, &name, &source};
    jsonnet_import_callback(vm.get(), &Import, &imports);
    // Importing parses and statically checks the document; std.type forces only its outermost
    // value, so a `function(ctx)` body is never evaluated.
    Evaluation e = vm.Run("<syntax check>", std::string("std.type(import \"") + kCheckedImport + "\")");
    if (e.ok || e.text.rfind("STATIC ERROR", 0) != 0) return {};
    return core::Internal(std::move(e.text));
}

core::Result<std::string> ReadFile(const std::string& path, size_t max_bytes) {
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
        if (data.size() > max_bytes) {
            too_large = true;
            break;
        }
        if (n < sizeof buf) break;
    }
    const bool failed = std::ferror(f) != 0;
    const int err = errno;
    std::fclose(f);
    if (too_large) return core::Internal("read " + path + ": larger than " + SizeText(max_bytes));
    if (failed) return core::Internal("read " + path + ": " + std::strerror(err));
    return data;
}

}  // namespace bia::jsonnet
