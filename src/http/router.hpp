// Method + path routing with "{name}" segments. Routes are registered once at start-up by
// app::Wiring; matching allocates nothing but the captured parameters.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"

namespace bia::http {

// Where a handler runs. kInline: on the I/O thread (fast, non-blocking work such as session
// lookups). kOffload: on the bounded worker pool (password hashing, heavy writes); when the
// pool's queue is full the server answers 503 with the error envelope instead of queueing.
enum class Execution { kInline, kOffload };

using Handler = std::function<Response(Request&)>;

struct Route {
    std::string method;  // "GET", ...; "*" matches any method
    std::string pattern; // "/admin/identities/{id}"
    Handler handler;
    Execution execution = Execution::kInline;
};

class Router {
public:
    void Add(std::string method, std::string pattern, Handler handler,
             Execution execution = Execution::kInline);
    // Convenience: same handler for several methods.
    void AddMany(const std::vector<std::string>& methods, const std::string& pattern, const Handler& handler,
                 Execution execution = Execution::kInline);

    enum class MatchKind { kFound, kNotFound, kMethodNotAllowed };
    struct Match {
        MatchKind kind = MatchKind::kNotFound;
        const Route* route = nullptr;
    };
    // Fills request.params on success.
    Match Find(Request& request) const;

    // Answer used when nothing matches (default: 404 envelope). 405 gets the envelope too.
    void SetFallback(Handler handler) { fallback_ = std::move(handler); }
    const Handler& fallback() const { return fallback_; }

private:
    std::vector<Route> routes_;
    Handler fallback_;
};

}  // namespace bia::http
