// A store's cheap evidence that nothing was written to it: a version held in memory shared by
// every process using the store, changed by each committed write (SQLite's WAL index header,
// persistence/sqlite/database.hpp). An answer cache whose stamp was read while the version was V
// may serve that answer again without reading the stamp while the version still reads V: no
// write can have changed the stamp in between. Stores without such a version (PostgreSQL) offer
// none, and their caches read the stamp on every request.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

namespace bia::core {

struct StoreVersion {
    std::array<uint32_t, 12> words{};
    friend bool operator==(const StoreVersion&, const StoreVersion&) = default;
};

class ChangeWatch {
  public:
    virtual ~ChangeWatch() = default;
    // The current version, or nullopt when none can be read consistently right now (a commit is
    // publishing a new one, or the store has no shared version): the caller then reads its stamp.
    virtual std::optional<StoreVersion> CurrentVersion() const noexcept = 0;
};

}  // namespace bia::core
