// A web hook's body: a Jsonnet template named by URL (file://, base64://, http(s)://, or a bare
// path as Kratos's deprecated form) rendered with the hook context as the top-level argument
// `ctx` — templates are written `function(ctx) {...}`, exactly as for Kratos.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/result.hpp"

namespace bia::selfservice::hook {

class BodyTemplate {
  public:
    // Fetches an http(s) template; gets the URL, answers the document text.
    using Fetcher = std::function<core::Result<std::string>(const std::string& url)>;

    // Kratos caches fetched templates for an hour.
    static constexpr std::chrono::minutes kRemoteCacheTtl{60};
    // Kratos's Jsonnet worker refuses output beyond 256 KiB.
    static constexpr size_t kMaxOutputBytes = size_t{256} << 10;

    // file:// and base64:// templates (and bare paths) are read and syntax-checked now, so a
    // broken template stops start-up; http(s) templates are fetched on first use and cached.
    static core::Result<std::unique_ptr<BodyTemplate>> Load(const std::string& uri, Fetcher fetch);

    // The rendered document, or nullopt when the template asked to cancel the request
    // (`error "cancel"`, Kratos's rule). Runtime errors and static errors in a remote template are
    // errors. Thread-safe.
    core::Result<std::optional<std::string>> Render(const nlohmann::json& ctx) const;

    // The URI as it may appear in logs and errors (a base64 template is abbreviated).
    const std::string& display_name() const { return display_name_; }
    bool remote() const { return remote_; }

  private:
    BodyTemplate() = default;
    core::Result<std::string> Source() const;

    std::string uri_;
    std::string display_name_;
    bool remote_ = false;
    std::string text_;  // local templates
    Fetcher fetch_;

    // Remote templates: the cached text and when it was fetched.
    mutable std::mutex mu_;
    mutable std::optional<std::string> cached_;
    mutable std::chrono::steady_clock::time_point fetched_at_{};
};

// Jsonnet's parse and static checks of `text` (named `name` in messages), without evaluating it.
core::Status CheckJsonnetSyntax(const std::string& name, const std::string& text);

}  // namespace bia::selfservice::hook
