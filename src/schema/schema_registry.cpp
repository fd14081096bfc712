#include <curl/curl.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>

#include "core/encoding.hpp"
#include "schema/identity_schema.hpp"
#include "schema/schema.hpp"

namespace bia::schema {
namespace {

constexpr size_t kMaxDocumentBytes = size_t{16} << 20;
constexpr long kHttpTimeoutSeconds = 10;
constexpr long kMaxRedirects = 3;

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

size_t CollectBody(char* ptr, size_t size, size_t nmemb, void* userdata) {
    auto* body = static_cast<std::string*>(userdata);
    const size_t n = size * nmemb;
    if (body->size() + n > kMaxDocumentBytes) return 0;  // aborts the transfer
    body->append(ptr, n);
    return n;
}

core::Result<std::string> FetchHttp(const std::string& url) {
    static std::once_flag init;
    std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
    if (!curl) return core::Internal("unable to initialise libcurl");
    std::string body;
    char error[CURL_ERROR_SIZE] = {0};
    CURL* h = curl.get();
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    // Schemas come from the operator's configuration and the request carries no credentials but
    // the URL's own userinfo, which curl sends to that host only (UNRESTRICTED_AUTH off). A few
    // redirects (a moved file, http → https) are followed, to http(s) only.
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, kMaxRedirects);
    curl_easy_setopt(h, CURLOPT_UNRESTRICTED_AUTH, 0L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, kHttpTimeoutSeconds);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, kHttpTimeoutSeconds);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(h, CURLOPT_USERAGENT, "bia");
    // Proxies come from the environment, but, as with Go's ProxyFromEnvironment, loopback
    // addresses are never proxied.
    std::string no_proxy = "localhost,127.0.0.1,::1";
    for (const char* name : {"NO_PROXY", "no_proxy"}) {
        if (const char* v = std::getenv(name); v != nullptr && *v != '\0') {
            no_proxy = std::string(v) + "," + no_proxy;
            break;
        }
    }
    curl_easy_setopt(h, CURLOPT_NOPROXY, no_proxy.c_str());
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &CollectBody);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
    const CURLcode rc = curl_easy_perform(h);
    if (rc != CURLE_OK) {
        if (rc == CURLE_WRITE_ERROR)
            return core::Internal("response larger than " + std::to_string(kMaxDocumentBytes) + " bytes");
        return core::Internal(std::string("GET ") + url + ": " + (error[0] ? error : curl_easy_strerror(rc)));
    }
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    if (status < 200 || status > 299)
        return core::Internal("GET " + url + ": expected status 200 but got " + std::to_string(status));
    return body;
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
