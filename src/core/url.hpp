// URLs as Kratos handles them: parse absolute or relative references, read and edit the query
// string (order-preserving, Go-style encoding), join a base URL with a path.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bia::core {

class Query {
  public:
    Query() = default;
    // Parses "a=1&b=2"; malformed %-escapes keep the raw text (never fails).
    static Query Parse(std::string_view raw);

    // First value of `key`, if present.
    std::optional<std::string_view> Get(std::string_view key) const;
    std::vector<std::string_view> GetAll(std::string_view key) const;
    bool Has(std::string_view key) const { return Get(key).has_value(); }
    // Replaces every occurrence of `key` with one entry (appended where the first one stood).
    void Set(std::string_view key, std::string_view value);
    void Add(std::string_view key, std::string_view value) { items_.emplace_back(key, value); }
    void Remove(std::string_view key);
    // Go's url.Values.Encode sorts by key; `sorted=false` keeps insertion order.
    std::string Encode(bool sorted = false) const;
    bool empty() const { return items_.empty(); }
    const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }

  private:
    std::vector<std::pair<std::string, std::string>> items_;
};

struct Url {
    std::string scheme;     // lower-cased; empty for relative references
    std::string userinfo;   // rarely used
    std::string host;       // host[:port], as written (IPv6 in brackets)
    std::string path;       // decoded form is not kept: this is the raw path
    std::string raw_query;  // without '?'
    std::string fragment;   // without '#'
    bool has_query = false;

    // RFC 3986 reference parsing; rejects control characters and spaces in scheme/host.
    static std::optional<Url> Parse(std::string_view s);

    bool IsAbsolute() const { return !scheme.empty(); }
    std::string Hostname() const;  // host without port and brackets
    std::string Port() const;      // "" when absent
    Query query() const { return Query::Parse(raw_query); }
    void SetQuery(const Query& q) {
        raw_query = q.Encode();
        has_query = !raw_query.empty();
    }
    std::string ToString() const;
};

// Joins base ("https://a.b/" or "https://a.b/prefix") with `path` ("/self-service/x"),
// never doubling the slash.
std::string JoinUrl(std::string_view base, std::string_view path);

}  // namespace bia::core
