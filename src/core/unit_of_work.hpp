// Writes that belong together, committed together: a domain service that must change several
// records for one request (an identity, a session, two flows) runs those writes inside Run, and the
// store commits them as one transaction, or none of them. The domain keeps calling its
// repositories as usual; the store behind them joins their writes to the unit (SQLite: one write of
// its group commit; PostgreSQL: one transaction on one pooled connection). Besides all-or-nothing,
// a unit costs one commit instead of one per write.
#pragma once

#include <functional>

#include "core/result.hpp"

namespace bia::core {

class UnitOfWork {
  public:
    virtual ~UnitOfWork() = default;
    // Runs fn once, or again from its start when the store must retry the unit (a PostgreSQL
    // serialization failure or deadlock), so fn must be repeatable: it may only write through the
    // store's repositories and set values it recomputes. Every repository write fn makes commits
    // when fn returns success and is rolled back when it returns an error (that error is Run's
    // result). Reads inside fn see the unit's own writes. Units do not nest across stores.
    virtual Status Run(const std::function<Status()>& fn) = 0;
};

// For stores that have no transactions (the in-memory repositories of the domain tests): fn runs
// as it is, each write on its own.
class DirectUnitOfWork final : public UnitOfWork {
  public:
    Status Run(const std::function<Status()>& fn) override { return fn(); }
};

}  // namespace bia::core
