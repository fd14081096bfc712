// libcurl transport: one easy handle per request, leased from the Configuration's ConnectionPool
// so that keep-alive connections are reused. Nothing here throws for network trouble.
#include <curl/curl.h>

#include <algorithm>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "bia/client/configuration.hpp"
#include "operation.hpp"

namespace bia::client {

struct ConnectionPool::Impl {
    mutable std::mutex mutex;
    std::vector<CURL*> idle;
    std::size_t max_idle = 0;
};

ConnectionPool::ConnectionPool(std::size_t max_idle_handles) : impl_(std::make_unique<Impl>()) {
    impl_->max_idle = max_idle_handles;
}

ConnectionPool::~ConnectionPool() {
    for (CURL* handle : impl_->idle) curl_easy_cleanup(handle);
}

std::size_t ConnectionPool::idle_handles() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->idle.size();
}

namespace detail {
namespace {

void GlobalInit() {
    // curl_global_init is not guaranteed thread-safe on every build; a function-local static is.
    static const CURLcode init = curl_global_init(CURL_GLOBAL_DEFAULT);
    (void)init;
}

// A handle from the pool (or a fresh one), given back when the request is done.
class Lease {
  public:
    explicit Lease(ConnectionPool* pool) : pool_(pool) {
        if (pool_ != nullptr) {
            auto& impl = pool_->impl();
            std::lock_guard lock(impl.mutex);
            if (!impl.idle.empty()) {
                handle_ = impl.idle.back();
                impl.idle.pop_back();
            }
        }
        if (handle_ != nullptr) {
            curl_easy_reset(handle_);  // keeps live connections and caches, drops old options
        } else {
            handle_ = curl_easy_init();
        }
    }
    ~Lease() {
        if (handle_ == nullptr) return;
        if (pool_ != nullptr) {
            auto& impl = pool_->impl();
            std::lock_guard lock(impl.mutex);
            if (impl.idle.size() < impl.max_idle) {
                impl.idle.push_back(handle_);
                return;
            }
        }
        curl_easy_cleanup(handle_);
    }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;

    CURL* get() const { return handle_; }

  private:
    ConnectionPool* pool_;
    CURL* handle_ = nullptr;
};

struct HeaderList {
    curl_slist* list = nullptr;
    ~HeaderList() { curl_slist_free_all(list); }
    bool Add(const std::string& line) {
        curl_slist* next = curl_slist_append(list, line.c_str());
        if (next == nullptr) return false;
        list = next;
        return true;
    }
};

size_t WriteBody(char* data, size_t size, size_t count, void* user) {
    auto* body = static_cast<std::string*>(user);
    body->append(data, size * count);
    return size * count;
}

bool HasLineBreak(const std::string& text) { return text.find_first_of("\r\n") != std::string::npos; }

std::string BuildUrl(const std::string& base_path, const Request& request) {
    std::string url = base_path;
    while (!url.empty() && url.back() == '/') url.pop_back();
    url += request.path();
    char separator = '?';
    for (const auto& [name, value] : request.query()) {
        url += separator;
        url += PercentEncode(name);
        url += '=';
        url += PercentEncode(value);
        separator = '&';
    }
    return url;
}

std::string HeaderLine(const std::string& name, const std::string& value) {
    // "Name;" is libcurl's way to send a header with an empty value ("Name:" would remove it).
    return value.empty() ? name + ";" : name + ": " + value;
}

}  // namespace

std::string PercentEncode(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        const bool unreserved = (byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') ||
                                (byte >= '0' && byte <= '9') || byte == '-' || byte == '.' || byte == '_' ||
                                byte == '~';
        if (unreserved) {
            out += c;
        } else {
            out += '%';
            out += kHex[byte >> 4];
            out += kHex[byte & 0x0F];
        }
    }
    return out;
}

std::variant<HttpResponse, TransportError> Execute(const Configuration& configuration, const Request& request) {
    GlobalInit();

    HeaderList headers;
    std::vector<std::pair<std::string, std::string>> all_headers;
    all_headers.emplace_back("Accept", "application/json");
    if (request.body()) all_headers.emplace_back("Content-Type", "application/json");
    if (configuration.user_agent) all_headers.emplace_back("User-Agent", *configuration.user_agent);
    if (request.authorization()) {
        if (configuration.bearer_access_token) {
            all_headers.emplace_back("Authorization", "Bearer " + *configuration.bearer_access_token);
        } else if (configuration.api_key) {
            const auto& key = *configuration.api_key;
            all_headers.emplace_back("Authorization", key.prefix ? *key.prefix + " " + key.key : key.key);
        }
    }
    for (const auto& header : request.headers()) all_headers.push_back(header);
    for (const auto& header : configuration.default_headers) all_headers.push_back(header);
    for (const auto& [name, value] : all_headers) {
        if (name.empty() || HasLineBreak(name) || HasLineBreak(value) || name.find(':') != std::string::npos) {
            return TransportError{CURLE_BAD_FUNCTION_ARGUMENT, "invalid header `" + name + "`"};
        }
        if (!headers.Add(HeaderLine(name, value))) return TransportError{CURLE_OUT_OF_MEMORY, "out of memory"};
    }
    // No "Expect: 100-continue" round trip before bodies; no form Content-Type that libcurl would
    // add to a POST without body (a form POST means "browser" to Kratos).
    if (!headers.Add("Expect:") || (!request.body() && !headers.Add("Content-Type:"))) {
        return TransportError{CURLE_OUT_OF_MEMORY, "out of memory"};
    }

    Lease lease(configuration.connection_pool.get());
    CURL* curl = lease.get();
    if (curl == nullptr) return TransportError{CURLE_FAILED_INIT, "curl_easy_init failed"};

    const std::string url = BuildUrl(configuration.base_path, request);
    std::string body;
    char error_buffer[CURL_ERROR_SIZE] = {};

    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
    curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS,
                     static_cast<long>(std::max<long long>(0, configuration.timeout.count())));
    if (configuration.connect_timeout.count() > 0) {
        curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(configuration.connect_timeout.count()));
    }
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, configuration.follow_redirects ? 1L : 0L);
    curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 10L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, configuration.verify_tls ? 1L : 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, configuration.verify_tls ? 2L : 0L);
    if (configuration.ca_file) curl_easy_setopt(curl, CURLOPT_CAINFO, configuration.ca_file->c_str());
    if (configuration.client_certificate_file) {
        curl_easy_setopt(curl, CURLOPT_SSLCERT, configuration.client_certificate_file->c_str());
    }
    if (configuration.client_key_file) curl_easy_setopt(curl, CURLOPT_SSLKEY, configuration.client_key_file->c_str());
    if (configuration.proxy) curl_easy_setopt(curl, CURLOPT_PROXY, configuration.proxy->c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.list);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &WriteBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);

    const std::string& method = request.method();
    if (method == "GET") {
        curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    } else if (method == "POST") {
        curl_easy_setopt(curl, CURLOPT_POST, 1L);
    } else {
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
    }
    if (request.body()) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body()->size()));
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body()->data());
    } else if (method == "POST") {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(0));
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, "");
    }

    const CURLcode code = curl_easy_perform(curl);
    // The handle outlives this call in the pool: never leave pointers to our locals in it.
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
    if (code != CURLE_OK) {
        std::string message = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
        // Method and path only: query strings may carry tokens (logout) that must not reach logs.
        return TransportError{static_cast<int>(code), message + " (" + request.method() + " " + request.path() + ")"};
    }
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    return HttpResponse{status, std::move(body)};
}

}  // namespace detail
}  // namespace bia::client
