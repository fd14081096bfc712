// Answers built once (a serialised whoami, a flow) and served again while the stamp they were
// built under is still the store's current one. The cache never decides freshness itself: the
// caller reads the current stamp (one indexed read, e.g. SessionRepository::FindStamp) before
// every use, so a write by this process, another process on the same SQLite file or another
// instance on the same PostgreSQL is seen on the very next request. A store with a shared change
// version (core::ChangeWatch) lets the caller skip that read: an entry remembers the version
// under which its stamp was last read, and FindUnchanged serves it while the store's version is
// still that one (nothing was written anywhere since) and its expiry has not passed. It only stores and bounds:
// a byte budget split over shards, first in first out when a shard is full, so it never grows
// past its budget whatever the traffic. Thread-safe; a shard's lock is held for one lookup or
// one insert, never while building or writing an answer.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/change_watch.hpp"
#include "core/clock.hpp"

namespace bia::core {

// What lets a cached answer be served without reading its stamp: the store's version read *before*
// the stamp (or the data) it was checked against, and the earliest expiry it depends on.
struct AnswerProof {
    std::optional<StoreVersion> version;
    TimePoint until{};
};

class AnswerCache {
  public:
    // Whatever revisions the caller compares, e.g. (session, identity) or (flow, session, identity).
    struct Stamp {
        int64_t first = 0;
        int64_t second = 0;
        int64_t third = 0;
        friend bool operator==(const Stamp&, const Stamp&) = default;
    };
    struct Answer {
        std::string body;
        std::string subject;  // a small value served with the body (e.g. the identity id header)
    };
    using AnswerPtr = std::shared_ptr<const Answer>;
    using Proof = AnswerProof;

    // `max_bytes` = 0 disables the cache (every Find misses, Put stores nothing).
    explicit AnswerCache(size_t max_bytes);
    AnswerCache(const AnswerCache&) = delete;
    AnswerCache& operator=(const AnswerCache&) = delete;

    // The answer stored for `key` under exactly `stamp`; null when there is none or it was stored
    // under another stamp (which is then dropped). A hit records `proof` for FindUnchanged.
    AnswerPtr Find(std::string_view key, const Stamp& stamp, const Proof& proof = {});
    // The answer for `key` if its stamp was last proven while the store's version was `version`
    // and `now` is before its proof's expiry; null otherwise (the caller then reads the stamp).
    AnswerPtr FindUnchanged(std::string_view key, const StoreVersion& version, TimePoint now);
    // Stores (replaces) the answer for `key`; answers larger than a shard's budget are not kept.
    void Put(std::string_view key, const Stamp& stamp, Answer answer, const Proof& proof = {});
    void Erase(std::string_view key);

    size_t bytes() const;    // accounted bytes (keys, bodies and a fixed per-entry overhead)
    size_t entries() const;  // stored answers

  private:
    static constexpr size_t kShards = 16;
    static constexpr size_t kEntryOverhead = 128;  // map node, list node, control block, strings

    struct Hash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    struct Entry {
        Stamp stamp;
        Proof proof;
        AnswerPtr answer;
        size_t cost = 0;
        std::list<const std::string*>::iterator order;
    };
    struct Shard {
        mutable std::mutex mu;
        std::unordered_map<std::string, Entry, Hash, std::equal_to<>> map;
        std::list<const std::string*> order;  // oldest first; points at the map's keys
        size_t bytes = 0;
    };

    Shard& ShardFor(std::string_view key) { return shards_[Hash{}(key) % kShards]; }
    static void EraseLocked(Shard& shard, std::unordered_map<std::string, Entry, Hash, std::equal_to<>>::iterator it);

    size_t shard_budget_;
    std::array<Shard, kShards> shards_;
};

}  // namespace bia::core
