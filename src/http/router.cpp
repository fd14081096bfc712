#include "http/router.hpp"

#include <algorithm>

#include "core/encoding.hpp"

namespace bia::http {
namespace {

std::vector<std::string_view> SplitPattern(std::string_view pattern) {
    std::vector<std::string_view> out;
    if (!pattern.empty() && pattern.front() == '/') pattern.remove_prefix(1);
    if (pattern.empty()) return out;  // "/" has no segments
    for (;;) {
        size_t slash = pattern.find('/');
        out.push_back(pattern.substr(0, slash));
        if (slash == std::string_view::npos) break;
        pattern.remove_prefix(slash + 1);
    }
    return out;
}

}  // namespace

void Router::Add(std::string method, std::string pattern, Handler handler, Execution execution) {
    std::vector<Segment> segments;
    for (std::string_view part : SplitPattern(pattern)) {
        if (part.size() >= 2 && part.front() == '{' && part.back() == '}') {
            segments.push_back({std::string(part.substr(1, part.size() - 2)), true});
        } else {
            segments.push_back({std::string(part), false});
        }
    }
    routes_.push_back(Route{std::move(method), std::move(pattern), std::move(handler), execution, {}});
    compiled_.push_back(std::move(segments));
    order_.push_back(routes_.size() - 1);
    // Routes are added once at start-up, so re-sorting here keeps Find a plain first-match scan.
    std::stable_sort(order_.begin(), order_.end(), [this](size_t a, size_t b) {
        // Lexicographic over "is a parameter" flags (literal first): a strict weak order, and the
        // only part that matters is the first differing position, since patterns of different
        // lengths never match the same path.
        const auto& sa = compiled_[a];
        const auto& sb = compiled_[b];
        return std::lexicographical_compare(sa.begin(), sa.end(), sb.begin(), sb.end(),
                                            [](const Segment& x, const Segment& y) { return !x.param && y.param; });
    });
}

void Router::AddMany(const std::vector<std::string>& methods, const std::string& pattern, const Handler& handler,
                     Execution execution) {
    for (const auto& m : methods) Add(m, pattern, handler, execution);
}

void Router::SetPrefetch(std::string_view pattern, const Prefetch& prefetch) {
    for (auto& route : routes_) {
        if (route.pattern == pattern) route.prefetch = prefetch;
    }
}

bool Router::MatchPath(const std::vector<Segment>& segments, std::string_view path,
                       std::vector<std::pair<std::string, std::string>>* params) {
    if (path.empty() || path.front() != '/') return false;
    path.remove_prefix(1);
    if (segments.empty()) return path.empty();
    for (size_t i = 0; i < segments.size(); ++i) {
        size_t slash = path.find('/');
        std::string_view part = path.substr(0, slash);
        bool last = i + 1 == segments.size();
        // The last pattern segment must consume the rest of the path; earlier ones need a '/'.
        if (last != (slash == std::string_view::npos)) return false;
        const Segment& seg = segments[i];
        if (seg.param) {
            if (part.empty()) return false;
            if (params) {
                // Go routers match on the decoded path; a malformed escape keeps the raw text.
                auto decoded = core::PercentDecode(part, false);
                params->emplace_back(seg.text, decoded ? std::move(*decoded) : std::string(part));
            }
        } else if (part != seg.text) {
            return false;
        }
        if (!last) path.remove_prefix(slash + 1);
    }
    return true;
}

Router::Match Router::Find(Request& request) const {
    const std::string_view method = request.method;
    const bool is_head = method == "HEAD";
    bool path_matched = false;
    size_t head_fallback = routes_.size();
    // The path's first segment: a pattern whose first segment is literal text and differs cannot
    // match (MatchPath would refuse it at its first step), so it is skipped without calling it.
    std::string_view first = request.path;
    if (!first.empty() && first.front() == '/') first.remove_prefix(1);
    first = first.substr(0, first.find('/'));
    for (size_t index : order_) {
        const Route& route = routes_[index];
        const auto& segments = compiled_[index];
        if (!segments.empty() && !segments.front().param && segments.front().text != first) continue;
        if (!MatchPath(segments, request.path, nullptr)) continue;
        path_matched = true;
        if (route.method == method || route.method == "*") {
            MatchPath(compiled_[index], request.path, &request.params);
            return {MatchKind::kFound, &route};
        }
        if (is_head && head_fallback == routes_.size() && route.method == "GET") head_fallback = index;
    }
    if (head_fallback != routes_.size()) {
        MatchPath(compiled_[head_fallback], request.path, &request.params);
        return {MatchKind::kFound, &routes_[head_fallback]};
    }
    return {path_matched ? MatchKind::kMethodNotAllowed : MatchKind::kNotFound, nullptr};
}

Response Router::Unmatched(MatchKind kind, Request& request) const {
    if (kind == MatchKind::kMethodNotAllowed) {
        std::vector<std::string_view> methods;
        for (size_t index : order_) {
            const Route& route = routes_[index];
            if (!MatchPath(compiled_[index], request.path, nullptr)) continue;
            if (std::find(methods.begin(), methods.end(), route.method) == methods.end()) {
                methods.push_back(route.method);
            }
        }
        std::string allow;
        for (std::string_view m : methods) {
            if (!allow.empty()) allow.append(", ");
            allow.append(m);
        }
        Response r = Response::Error(core::Error(405, ""), request.RequestId());
        if (!allow.empty()) r.SetHeader("Allow", std::move(allow));
        return r;
    }
    if (fallback_) return fallback_(request);
    return Response::Error(core::Error(404, ""), request.RequestId());
}

}  // namespace bia::http
