// Session stamps (session::SessionStamp, docs/architecture.md "Answers cached by revision") as
// PostgreSQL rows, shared by the session repository (whoami) and the flow store (settings fetch),
// which both read them in batches (read_batcher.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "persistence/postgres/connection.hpp"
#include "persistence/postgres/database.hpp"
#include "session/session.hpp"

namespace bia::persistence::postgres {

// The stamp's columns over `sessions s JOIN identities i`, in the order ReadSessionStamp reads.
inline constexpr std::string_view kSessionStampColumns = "s.revision, i.revision, s.active, s.expires_at, i.state";

// Joins the stamp's rows (aliases s and i, kSessionStampColumns) to the batch's keys `k`, by the
// token in k.token; `kind` is "JOIN" or "LEFT JOIN". Each side is a LATERAL subquery with LIMIT 1
// (the keys are unique): PostgreSQL cannot flatten it into a join, so every key is one index
// lookup, whatever the table's size. (As plain joins, a batch of 32 keys over a few thousand
// sessions was planned as a hash join over a scan of the whole table: ~2 ms where 32 index
// lookups take ~0.1 ms.)
std::string SessionStampJoin(std::string_view kind);

// The stamp at `row`, from `first_col` on.
session::SessionStamp ReadSessionStamp(const Rows& r, int row, int first_col);

// The most keys one batched statement carries, and the batches that may run at once (each holds
// a pooled connection while it runs).
inline constexpr size_t kMaxBatchedKeys = 64;
inline constexpr size_t kMaxConcurrentBatches = 1;
// The most sessions one batched full lookup loads (each with its identity and children: a few KiB).
inline constexpr size_t kMaxBatchedLoads = 16;

// The statements of one batched read, one per batch size it is padded to (2, 4, 8, … up to
// kMaxBatchedKeys). A batch's keys travel as scalar parameters in a VALUES list that also numbers
// them (k.n, from 1), padded by repeating its last key: with the same statement text for every size
// of batch, and scalar parameters whose values do not change its row estimates, PostgreSQL settles
// on one generic plan per statement. (An array parameter made it plan every execution anew: a
// custom plan, which knows the array's length, always looked cheaper than the generic one. Planning
// cost ~4× the lookup.)
class BatchedStatements {
  public:
    // make(values) builds the statement around `values`, e.g. "(VALUES ($1::text, 1), ($2, 2)) AS
    // k(token, n)" for the column types {"text"} and the names {"token"}.
    BatchedStatements(std::span<const std::string_view> types, std::span<const std::string_view> names,
                      const std::function<std::string(const std::string& values)>& make);
    // The statement for a batch of n keys (2 ≤ n ≤ kMaxBatchedKeys) and how many keys it takes.
    const std::string& For(size_t n, size_t* slots) const;

  private:
    std::vector<std::string> sql_;  // [i]: 2^(i+1) slots
};

// Runs a BatchedStatements statement for `keys` keys and places each row by its first column
// (k.n, from 1) with read(rows, row); keys without a row stay empty.
template <class Value, class ReadRow>
core::Result<std::vector<std::optional<Value>>> ReadBatch(Database& db, const std::string& sql, const Params& params,
                                                          size_t keys, ReadRow read) {
    return db.Read([&](Connection& c) -> core::Result<std::vector<std::optional<Value>>> {
        BIA_TRY_ASSIGN(Rows r, c.Query(sql, params));
        std::vector<std::optional<Value>> out(keys);
        for (int row = 0; row < r.size(); ++row) {
            const int64_t n = r.Int(row, 0);
            if (n >= 1 && static_cast<size_t>(n) <= out.size()) out[static_cast<size_t>(n - 1)] = read(r, row);
        }
        return out;
    });
}

}  // namespace bia::persistence::postgres
