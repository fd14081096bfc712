#include "core/url.hpp"

#include <algorithm>
#include <cctype>

#include "core/encoding.hpp"

namespace bia::core {

Query Query::Parse(std::string_view raw) {
    Query q;
    size_t pos = 0;
    while (pos <= raw.size()) {
        size_t amp = raw.find('&', pos);
        if (amp == std::string_view::npos) amp = raw.size();
        std::string_view part = raw.substr(pos, amp - pos);
        if (!part.empty()) {
            size_t eq = part.find('=');
            std::string_view k = part.substr(0, eq);
            std::string_view v = eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1);
            auto dk = PercentDecode(k);
            auto dv = PercentDecode(v);
            q.items_.emplace_back(dk ? *dk : std::string(k), dv ? *dv : std::string(v));
        }
        pos = amp + 1;
    }
    return q;
}

std::optional<std::string_view> Query::Get(std::string_view key) const {
    for (const auto& [k, v] : items_)
        if (k == key) return std::string_view(v);
    return std::nullopt;
}

std::vector<std::string_view> Query::GetAll(std::string_view key) const {
    std::vector<std::string_view> out;
    for (const auto& [k, v] : items_)
        if (k == key) out.emplace_back(v);
    return out;
}

void Query::Set(std::string_view key, std::string_view value) {
    auto it = std::find_if(items_.begin(), items_.end(), [&](auto& p) { return p.first == key; });
    if (it == items_.end()) {
        items_.emplace_back(key, value);
        return;
    }
    it->second = std::string(value);
    items_.erase(std::remove_if(it + 1, items_.end(), [&](auto& p) { return p.first == key; }), items_.end());
}

void Query::Remove(std::string_view key) {
    items_.erase(std::remove_if(items_.begin(), items_.end(), [&](auto& p) { return p.first == key; }), items_.end());
}

std::string Query::Encode(bool sorted) const {
    auto items = items_;
    if (sorted) std::stable_sort(items.begin(), items.end(), [](auto& a, auto& b) { return a.first < b.first; });
    std::string out;
    for (const auto& [k, v] : items) {
        if (!out.empty()) out += '&';
        out += PercentEncode(k);
        out += '=';
        out += PercentEncode(v);
    }
    return out;
}

std::optional<Url> Url::Parse(std::string_view s) {
    for (unsigned char c : s)
        if (c < 0x20 || c == 0x7F) return std::nullopt;
    Url u;
    // fragment
    if (auto h = s.find('#'); h != std::string_view::npos) {
        u.fragment = std::string(s.substr(h + 1));
        s = s.substr(0, h);
    }
    if (auto q = s.find('?'); q != std::string_view::npos) {
        u.raw_query = std::string(s.substr(q + 1));
        u.has_query = true;
        s = s.substr(0, q);
    }
    // scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"
    if (auto colon = s.find(':'); colon != std::string_view::npos && colon > 0) {
        std::string_view sch = s.substr(0, colon);
        bool valid = std::isalpha(static_cast<unsigned char>(sch[0])) != 0;
        for (char c : sch)
            valid = valid && (std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.');
        if (valid) {
            u.scheme.resize(sch.size());
            std::transform(sch.begin(), sch.end(), u.scheme.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            s = s.substr(colon + 1);
        } else if (s.find('/') == std::string_view::npos || s.find('/') > colon) {
            return std::nullopt;  // "a b:c" — a colon in the first segment of a relative path
        }
    }
    if (s.substr(0, 2) == "//") {
        s = s.substr(2);
        size_t end = s.find('/');
        std::string_view auth = s.substr(0, end);
        s = end == std::string_view::npos ? std::string_view{} : s.substr(end);
        if (auto at = auth.rfind('@'); at != std::string_view::npos) {
            u.userinfo = std::string(auth.substr(0, at));
            auth = auth.substr(at + 1);
        }
        for (char c : auth)
            if (c == ' ' || c == '\\' || c == '<' || c == '>' || c == '"' || c == '{' || c == '}' || c == '|' ||
                c == '^' || c == '`')
                return std::nullopt;
        u.host = std::string(auth);
    }
    u.path = std::string(s);
    return u;
}

std::string Url::Hostname() const {
    std::string_view h = host;
    if (!h.empty() && h[0] == '[') {
        auto e = h.find(']');
        return std::string(h.substr(1, e == std::string_view::npos ? h.size() - 1 : e - 1));
    }
    return std::string(h.substr(0, h.find(':')));
}

std::string Url::Port() const {
    std::string_view h = host;
    size_t start = 0;
    if (!h.empty() && h[0] == '[') {
        start = h.find(']');
        if (start == std::string_view::npos) return "";
    }
    auto c = h.find(':', start);
    return c == std::string_view::npos ? "" : std::string(h.substr(c + 1));
}

std::string Url::ToString() const {
    std::string out;
    if (!scheme.empty()) out += scheme + ":";
    if (!host.empty() || scheme == "http" || scheme == "https" || !userinfo.empty()) {
        out += "//";
        if (!userinfo.empty()) out += userinfo + "@";
        out += host;
    }
    out += path;
    if (has_query || !raw_query.empty()) out += "?" + raw_query;
    if (!fragment.empty()) out += "#" + fragment;
    return out;
}

std::string JoinUrl(std::string_view base, std::string_view path) {
    std::string out(base);
    // Keep only scheme://host/prefix — drop any query of the base.
    if (auto q = out.find('?'); q != std::string::npos) out.resize(q);
    while (!out.empty() && out.back() == '/') out.pop_back();
    if (!path.empty() && path.front() != '/') out += '/';
    out += path;
    return out;
}

}  // namespace bia::core
