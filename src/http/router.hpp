// Method + path routing with "{name}" segments. Routes are registered once at start-up by
// app::Wiring; matching allocates nothing but the captured parameters.
#pragma once

#include <any>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"

namespace bia::http {

// Where a handler runs. kInline: on the I/O thread (fast, non-blocking work such as session
// lookups and flow fetches). kOffload: on the bounded worker pool (anything that writes, and so
// waits for a commit, or may hash a password); when the pool's queue is full the server answers
// 503 with the error envelope instead of queueing.
enum class Execution { kInline, kOffload };

using Handler = std::function<Response(Request&)>;

// A read a route makes before its handler without a thread waiting for it (on PostgreSQL, the
// round trip of a stamp that proves a cached answer current), so that a request answered from what
// was read never leaves its I/O thread.
struct Prefetch {
    // Begins the read for the request and returns true, promising to call `done` exactly once,
    // from any thread, when it has ended (done posts back to the request's I/O thread); or returns
    // false, having started nothing. It runs on the I/O thread and must not block or, once it has
    // started the read, throw. What it read travels in Request::prefetched.
    std::function<bool(Request&, std::function<void()> done)> start;
    // Runs on the I/O thread once the read has ended: the route's answer, when what was read
    // suffices (an error, a cached answer), or nothing: then the handler runs as it would have
    // (on the pool when offloaded).
    std::function<std::optional<Response>(Request&)> answer;
};

// The read a prefetch keeps in Request::prefetched as a std::shared_ptr<Read>, where Read has a
// `std::optional<…> result` set when the read has ended; nullptr before that or for another type.
template <class Read>
const Read* PrefetchedRead(const Request& request) {
    const auto* held = std::any_cast<std::shared_ptr<Read>>(&request.prefetched);
    return held != nullptr && *held != nullptr && (*held)->result ? held->get() : nullptr;
}

// Keeps `read` in request.prefetched and gives the callback for its asynchronous read: it records
// the read's result in `read` (which owns whatever the read views) and then calls done.
template <class Read>
auto KeepPrefetchedRead(Request& request, std::shared_ptr<Read> read, std::function<void()> done) {
    request.prefetched = read;
    return [read = std::move(read), done = std::move(done)](auto result) {
        read->result.emplace(std::move(result));
        done();
    };
}

struct Route {
    std::string method;   // "GET", ...; "*" matches any method
    std::string pattern;  // "/admin/identities/{id}"
    Handler handler;
    Execution execution = Execution::kInline;
    Prefetch prefetch;  // optional (start empty: none)
};

class Router {
  public:
    void Add(std::string method, std::string pattern, Handler handler, Execution execution = Execution::kInline);
    // Convenience: same handler for several methods.
    void AddMany(const std::vector<std::string>& methods, const std::string& pattern, const Handler& handler,
                 Execution execution = Execution::kInline);
    // Gives every route added so far with exactly this pattern the prefetch step (both its
    // functions must be set).
    void SetPrefetch(std::string_view pattern, const Prefetch& prefetch);

    enum class MatchKind { kFound, kNotFound, kMethodNotAllowed };
    struct Match {
        MatchKind kind = MatchKind::kNotFound;
        const Route* route = nullptr;
    };
    // Fills request.params on success. Among routes whose path matches, literal segments win
    // over "{name}" segments (position by position), then registration order. A HEAD request
    // falls back to the GET route of the path when no HEAD (or "*") route matches.
    Match Find(Request& request) const;

    // The answer for a failed match: kNotFound → fallback (or the 404 envelope); kMethodNotAllowed
    // → the 405 envelope with an Allow header. Exceptions from the fallback propagate.
    Response Unmatched(MatchKind kind, Request& request) const;

    // Answer used when nothing matches (default: 404 envelope). 405 gets the envelope too.
    void SetFallback(Handler handler) { fallback_ = std::move(handler); }
    const Handler& fallback() const { return fallback_; }

  private:
    struct Segment {
        std::string text;  // literal text, or the parameter name
        bool param = false;
    };
    // Matches `path` against a compiled pattern; captures into `params` when non-null.
    static bool MatchPath(const std::vector<Segment>& segments, std::string_view path,
                          std::vector<std::pair<std::string, std::string>>* params);

    std::vector<Route> routes_;                   // registration order
    std::vector<std::vector<Segment>> compiled_;  // parallel to routes_
    std::vector<size_t> order_;                   // indices into routes_, most specific first
    Handler fallback_;
};

}  // namespace bia::http
