// Self-service errors (surrounding-api.md §11): errors that browsers are sent to the error UI for
// are stored under a random id, and `GET /self-service/errors?id=` reads them back.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "core/clock.hpp"
#include "core/random.hpp"
#include "core/result.hpp"
#include "core/uuid.hpp"

namespace bia::selfservice {

struct StoredError {
    core::Uuid id;
    nlohmann::json error;  // the flat error object (core::Error::ToJson), not the envelope
    bool seen = false;
    core::TimePoint created_at{};
    core::TimePoint updated_at{};
};

// Storage contract; persistence/ implements it.
class ErrorRepository {
  public:
    virtual ~ErrorRepository() = default;
    virtual core::Status Add(const StoredError& error) = 0;
    // 404 (DB-style message) when absent.
    virtual core::Result<StoredError> Get(const core::Uuid& id) = 0;
    virtual core::Status MarkSeen(const core::Uuid& id, core::TimePoint at) = 0;
};

class ErrorStore {
  public:
    ErrorStore(ErrorRepository& repository, const core::Clock& clock, core::Random& random)
        : repository_(repository), clock_(clock), random_(random) {}

    // Stores `error` and returns its id (for ERROR_UI?id=<id>).
    core::Result<core::Uuid> Store(const core::Error& error);

    // {"id","error","created_at","updated_at"} for `id` (a UUID, or "stub:500" for the canned
    // example); marks the error as seen. Malformed or unknown ids → 404.
    core::Result<nlohmann::json> Read(std::string_view id);

  private:
    ErrorRepository& repository_;
    const core::Clock& clock_;
    core::Random& random_;
};

}  // namespace bia::selfservice
