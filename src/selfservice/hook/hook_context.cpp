#include "selfservice/hook/hook_context.hpp"

#include <set>

namespace bia::selfservice::hook {
namespace {

// RFC 7230 token characters: the only bytes Go accepts in a header name it canonicalises.
bool IsTokenChar(unsigned char c) {
    if (c >= '0' && c <= '9') return true;
    if (c >= 'a' && c <= 'z') return true;
    if (c >= 'A' && c <= 'Z') return true;
    return std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

// The identity as Kratos encodes it for anyone but the admin API.
nlohmann::json PublicIdentity(const nlohmann::json& identity) {
    nlohmann::json out = identity;
    if (out.is_object()) {
        out.erase("credentials");
        out.erase("metadata_admin");
    }
    return out;
}

}  // namespace

const std::vector<std::string>& DefaultHeaderAllowlist() {
    static const std::vector<std::string> kList = {
        "Accept",         "Accept-Encoding",  "Accept-Language",    "Content-Length",
        "Content-Type",   "Origin",           "Priority",           "Referer",
        "Sec-Ch-Ua",      "Sec-Ch-Ua-Mobile", "Sec-Ch-Ua-Platform", "Sec-Fetch-Dest",
        "Sec-Fetch-Mode", "Sec-Fetch-Site",   "Sec-Fetch-User",     "True-Client-Ip",
        "User-Agent",
    };
    return kList;
}

std::string CanonicalHeaderKey(std::string_view key) {
    for (unsigned char c : key)
        if (!IsTokenChar(c)) return std::string(key);
    std::string out(key);
    bool upper = true;
    for (char& c : out) {
        if (upper && c >= 'a' && c <= 'z')
            c = static_cast<char>(c - 'a' + 'A');
        else if (!upper && c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
        upper = c == '-';
    }
    return out;
}

nlohmann::json BuildContext(const nlohmann::json& flow, const nlohmann::json& identity, const nlohmann::json& session,
                            const HookRequest& request) {
    return BuildContext(flow, identity, session, request, DefaultHeaderAllowlist());
}

nlohmann::json BuildContext(const nlohmann::json& flow, const nlohmann::json& identity, const nlohmann::json& session,
                            const HookRequest& request, const std::vector<std::string>& header_allowlist) {
    std::set<std::string, std::less<>> allowed;
    for (const std::string& h : header_allowlist) allowed.insert(CanonicalHeaderKey(h));

    nlohmann::json headers = nlohmann::json::object();
    for (const auto& [name, value] : request.headers) {
        std::string key = CanonicalHeaderKey(name);
        if (!allowed.contains(key)) continue;
        headers[key].push_back(value);
    }
    nlohmann::json cookies = nlohmann::json::object();
    for (const auto& [name, value] : request.cookies)
        if (!name.empty()) cookies[name] = value;

    nlohmann::json ctx = {
        {"flow", flow},
        {"request_headers", std::move(headers)},
        {"request_method", request.method},
        {"request_url", request.url},
        {"request_cookies", std::move(cookies)},
    };
    if (!identity.is_null()) ctx["identity"] = PublicIdentity(identity);
    if (!session.is_null()) {
        nlohmann::json s = session;
        if (s.is_object() && s.contains("identity")) s["identity"] = PublicIdentity(s["identity"]);
        ctx["session"] = std::move(s);
    }
    return ctx;
}

}  // namespace bia::selfservice::hook
