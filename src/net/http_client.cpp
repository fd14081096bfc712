#include "net/http_client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <memory>
#include <mutex>

namespace bia::net {
namespace {

struct Transfer {
    const HttpRequest* request = nullptr;
    HttpResponse* response = nullptr;
    bool overflow = false;
};

size_t CollectBody(char* ptr, size_t size, size_t nmemb, void* userdata) {
    auto* t = static_cast<Transfer*>(userdata);
    const size_t n = size * nmemb;
    std::string& body = t->response->body;
    const size_t room = t->request->max_body_bytes - std::min(body.size(), t->request->max_body_bytes);
    if (n > room) {
        if (t->request->overflow == HttpRequest::Overflow::kTruncate) {
            body.append(ptr, room);  // keep what fits and stop reading the rest
            t->response->truncated = true;
        }
        t->overflow = true;
        return 0;  // makes curl abort the transfer
    }
    body.append(ptr, n);
    return n;
}

size_t CollectHeader(char* ptr, size_t size, size_t nitems, void* userdata) {
    auto* t = static_cast<Transfer*>(userdata);
    const size_t n = size * nitems;
    std::string_view line(ptr, n);
    if (line.starts_with("HTTP/")) {
        t->response->headers.clear();  // a new response (after a redirect or 100-continue) starts
        return n;
    }
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return n;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
        value.remove_suffix(1);
    }
    t->response->headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
    return n;
}

int Progress(void* userdata, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    auto* t = static_cast<Transfer*>(userdata);
    return t->request->cancelled && t->request->cancelled() ? 1 : 0;
}

HttpResponse::Failure FailureOf(CURLcode rc) {
    switch (rc) {
        case CURLE_OPERATION_TIMEDOUT:
            return HttpResponse::Failure::kTimeout;
        case CURLE_ABORTED_BY_CALLBACK:
            return HttpResponse::Failure::kCancelled;
        case CURLE_UNSUPPORTED_PROTOCOL:
        case CURLE_URL_MALFORMAT:
        case CURLE_TOO_MANY_REDIRECTS:
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_BAD_FUNCTION_ARGUMENT:
        case CURLE_OUT_OF_MEMORY:
            return HttpResponse::Failure::kPermanent;
        default:
            return HttpResponse::Failure::kTransport;
    }
}

// Proxies come from the environment, but loopback targets never go through one (as Go's
// ProxyFromEnvironment).
std::string NoProxyList() {
    std::string no_proxy = "localhost,127.0.0.1,::1";
    for (const char* name : {"NO_PROXY", "no_proxy"}) {
        if (const char* v = std::getenv(name); v != nullptr && *v != '\0') return std::string(v) + "," + no_proxy;
    }
    return no_proxy;
}

}  // namespace

std::optional<std::string> HttpResponse::Header(std::string_view name) const {
    std::optional<std::string> found;
    for (const auto& [k, v] : headers) {
        if (k.size() == name.size() && std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
                return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
            })) {
            found = v;
        }
    }
    return found;
}

void EnsureCurlInitialised() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

HttpResponse CurlHttpClient::Send(const HttpRequest& request) {
    EnsureCurlInitialised();
    HttpResponse response;
    std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
    if (!curl) {
        response.failure = HttpResponse::Failure::kTransport;
        response.error = "unable to initialise libcurl";
        return response;
    }
    CURL* h = curl.get();
    char error[CURL_ERROR_SIZE] = {0};
    Transfer transfer{&request, &response, false};

    curl_slist* list = nullptr;
    for (const auto& [name, value] : request.headers) list = curl_slist_append(list, (name + ": " + value).c_str());
    // No "Expect: 100-continue" round trip for large bodies; Go's client never sends it.
    list = curl_slist_append(list, "Expect:");
    std::unique_ptr<curl_slist, void (*)(curl_slist*)> header_guard(list, curl_slist_free_all);

    const std::string no_proxy = NoProxyList();
    curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, request.max_redirects > 0 ? 1L : 0L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, static_cast<long>(std::max(0, request.max_redirects)));
    curl_easy_setopt(h, CURLOPT_UNRESTRICTED_AUTH, 0L);  // userinfo credentials stay with their host
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request.connect_timeout.count()));
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM: we run on many threads
    if (request.accept_compressed) curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(h, CURLOPT_USERAGENT, request.user_agent.c_str());
    curl_easy_setopt(h, CURLOPT_NOPROXY, no_proxy.c_str());
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &CollectBody);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &transfer);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &CollectHeader);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &transfer);
    if (request.cancelled) {
        curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &Progress);
        curl_easy_setopt(h, CURLOPT_XFERINFODATA, &transfer);
        curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    }
    if (request.method == "HEAD") {
        curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else {
        if (request.body) {
            curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body->size()));
            curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body->data());
        }
        // A plain POST lets curl turn it into a GET on 301/302/303 redirects, as Go does.
        if (request.method != "POST" || !request.body) {
            if (request.method != "GET" || request.body)
                curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
        }
    }

    const CURLcode rc = curl_easy_perform(h);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    if (rc == CURLE_WRITE_ERROR && transfer.overflow) {
        if (request.overflow == HttpRequest::Overflow::kTruncate) {
            response.status = static_cast<int>(status);  // we stopped reading: the answer stands
            return response;
        }
        response.failure = HttpResponse::Failure::kTooLarge;
        response.error = "the answer is larger than " + std::to_string(request.max_body_bytes) + " bytes";
        response.body.clear();
        return response;
    }
    if (rc != CURLE_OK) {
        response.failure = FailureOf(rc);
        response.error = error[0] != '\0' ? error : curl_easy_strerror(rc);
        response.body.clear();
        response.headers.clear();
        return response;
    }
    response.status = static_cast<int>(status);
    return response;
}

HttpClient& DefaultHttpClient() {
    static CurlHttpClient client;
    return client;
}

std::optional<std::time_t> ParseHttpDate(const std::string& value) {
    const std::time_t when = curl_getdate(value.c_str(), nullptr);
    if (when == -1) return std::nullopt;
    return when;
}

}  // namespace bia::net
