#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "core/encoding.hpp"
#include "net/http_client.hpp"
#include "schema/identity_schema.hpp"
#include "schema/schema.hpp"

namespace bia::schema {
namespace {

constexpr size_t kMaxDocumentBytes = size_t{16} << 20;
constexpr std::chrono::milliseconds kHttpTimeout{10000};
constexpr int kMaxRedirects = 3;

core::Error LoadError(const SchemaSource& source, const std::string& why) {
    return core::Internal("Unable to load identity schema \"" + source.id + "\" from \"" + source.url + "\": " + why);
}

core::Result<std::string> ReadFile(const std::string& path) {
    // Relative paths are relative to the working directory, like Kratos's os.Open.
    std::error_code ec;
    const std::filesystem::path absolute = std::filesystem::absolute(path, ec);
    const std::string shown = ec ? path : absolute.string();
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) return core::Internal("open " + shown + ": " + std::strerror(errno));
    std::string data;
    char buf[65536];
    while (true) {
        const size_t n = std::fread(buf, 1, sizeof buf, f);
        data.append(buf, n);
        if (data.size() > kMaxDocumentBytes) {
            std::fclose(f);
            return core::Internal("read " + shown + ": larger than " + std::to_string(kMaxDocumentBytes) + " bytes");
        }
        if (n < sizeof buf) break;
    }
    const bool failed = std::ferror(f) != 0;
    const int err = errno;
    std::fclose(f);
    if (failed) return core::Internal("read " + shown + ": " + std::strerror(err));
    return data;
}

core::Result<std::string> FetchHttp(const std::string& url) {
    net::HttpRequest request;
    request.url = url;
    // Schemas come from the operator's configuration and the request carries no credentials but
    // the URL's own userinfo, which goes to that host only. A few redirects (a moved file, http →
    // https) are followed, to http(s) only.
    request.max_redirects = kMaxRedirects;
    request.timeout = request.connect_timeout = kHttpTimeout;
    request.max_body_bytes = kMaxDocumentBytes;
    const net::HttpResponse answer = net::DefaultHttpClient().Send(request);
    if (answer.failure == net::HttpResponse::Failure::kTooLarge) {
        return core::Internal("response larger than " + std::to_string(kMaxDocumentBytes) + " bytes");
    }
    if (!answer.ok()) return core::Internal("GET " + url + ": " + answer.error);
    if (answer.status < 200 || answer.status > 299)
        return core::Internal("GET " + url + ": expected status 200 but got " + std::to_string(answer.status));
    return answer.body;
}

core::Result<std::string> FetchSource(const std::string& url) {
    constexpr std::string_view kBase64 = "base64://";
    constexpr std::string_view kFile = "file://";
    if (url.starts_with(kBase64)) {
        auto decoded = core::Base64Decode(std::string_view(url).substr(kBase64.size()));
        if (!decoded) return core::Internal("unable to decode std encoded base64 string");
        return std::move(*decoded);
    }
    if (url.starts_with(kFile)) return ReadFile(url.substr(kFile.size()));
    if (url.starts_with("http://") || url.starts_with("https://")) return FetchHttp(url);
    if (url.find("://") != std::string::npos)
        return core::Internal("unsupported URL scheme (use file://, base64://, http:// or https://)");
    if (url.empty()) return core::Internal("no URL given");
    return ReadFile(url);  // a bare path
}

}  // namespace

SchemaRegistry::~SchemaRegistry() = default;

core::Result<std::unique_ptr<SchemaRegistry>> SchemaRegistry::Load(const std::vector<SchemaSource>& sources,
                                                                   std::string default_id) {
    if (sources.empty()) return core::Internal("No identity schemas are configured.");
    std::unique_ptr<SchemaRegistry> registry(new SchemaRegistry());
    for (const SchemaSource& source : sources) {
        if (source.id.empty()) return LoadError(source, "the schema id is empty");
        for (const auto& s : registry->schemas_)
            if (s->id() == source.id) return LoadError(source, "the schema id is used more than once");
        auto text = FetchSource(source.url);
        if (!text) return LoadError(source, text.error().reason);
        auto schema = IdentitySchema::Parse(source.id, source.url, *text);
        if (!schema) return LoadError(source, schema.error().reason);
        registry->schemas_.push_back(std::move(schema).value());
    }
    registry->default_id_ = std::move(default_id);
    bool found = false;
    for (const auto& s : registry->schemas_) found = found || s->id() == registry->default_id_;
    if (!found)
        return core::Internal("The default identity schema \"" + registry->default_id_ +
                              "\" is not among the configured identity schemas.");
    return registry;
}

const Schema* SchemaRegistry::Find(std::string_view id_or_encoded) const {
    for (const auto& s : schemas_)
        if (s->id() == id_or_encoded) return s.get();
    // identity.schema_url carries the id as unpadded base64url (surrounding-api.md §2).
    if (auto decoded = core::Base64UrlDecode(id_or_encoded)) {
        for (const auto& s : schemas_)
            if (s->id() == *decoded) return s.get();
    }
    return nullptr;
}

const Schema& SchemaRegistry::Default() const { return *Find(default_id_); }

}  // namespace bia::schema
