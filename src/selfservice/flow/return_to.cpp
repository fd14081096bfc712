#include "selfservice/flow/return_to.hpp"

#include <algorithm>
#include <cctype>

#include "core/url.hpp"

namespace bia::selfservice {

namespace {
std::string Lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}
}  // namespace

ReturnToValidator::ReturnToValidator(const std::vector<std::string>& allowed, std::string_view public_base_url) {
    auto add = [&](std::string_view raw) {
        auto u = core::Url::Parse(raw);
        if (!u || u->host == "*") return;
        entries_.push_back({Lower(u->scheme), Lower(u->host), u->path});
    };
    for (const auto& a : allowed) add(a);
    add(core::JoinUrl(public_base_url, "/self-service"));
}

core::Result<std::string> ReturnToValidator::Resolve(std::string_view source_url, std::string_view default_url) const {
    auto src = core::Url::Parse(source_url);
    if (!src) return std::string(default_url);
    const core::Query query = src->query();
    auto rt = query.Get("return_to");
    if (!rt || rt->empty()) return std::string(default_url);
    return Check(*rt, default_url);
}

core::Result<std::string> ReturnToValidator::Check(std::string_view return_to, std::string_view default_url) const {
    auto forbidden = [&] {
        return core::BadRequest("Requested return_to URL \"" + std::string(return_to) + "\" is not allowed.")
            .WithId(std::string(kReturnToForbiddenId));
    };
    if (return_to.empty()) return std::string(default_url);
    auto u = core::Url::Parse(return_to);
    if (!u) return core::BadRequest("Unable to parse return_to URL \"" + std::string(return_to) + "\".");
    // Relative values borrow scheme and host from the default URL.
    if (auto d = core::Url::Parse(default_url)) {
        if (u->host.empty()) u->host = d->host;
        if (u->scheme.empty()) u->scheme = d->scheme;
    }
    if (u->host.empty() || u->scheme.empty()) return forbidden();
    const std::string scheme = Lower(u->scheme);
    const std::string host = Lower(u->host);
    const std::string path = u->path.empty() ? "/" : u->path;
    for (const auto& e : entries_) {
        if (e.scheme != scheme) continue;
        bool host_ok = !e.host.empty() && e.host[0] == '*' ? EndsWith(host, e.host.substr(1)) : e.host == host;
        if (!host_ok) continue;
        const std::string prefix = e.path.empty() ? "/" : e.path;
        if (path.rfind(prefix, 0) == 0) return u->ToString();
    }
    return forbidden();
}

}  // namespace bia::selfservice
