// Answers built once (a serialised whoami, a flow) and served again while the stamp they were
// built under is still the store's current one. The cache never decides freshness itself: the
// caller reads the current stamp (one indexed read, e.g. SessionRepository::FindStamp) before
// every use, so a write by this process, another process on the same SQLite file or another
// instance on the same PostgreSQL is seen on the very next request. It only stores and bounds:
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
#include <string>
#include <string_view>
#include <unordered_map>

namespace bia::core {

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

    // `max_bytes` = 0 disables the cache (every Find misses, Put stores nothing).
    explicit AnswerCache(size_t max_bytes);
    AnswerCache(const AnswerCache&) = delete;
    AnswerCache& operator=(const AnswerCache&) = delete;

    // The answer stored for `key` under exactly `stamp`; null when there is none or it was stored
    // under another stamp (which is then dropped).
    AnswerPtr Find(std::string_view key, const Stamp& stamp);
    // Stores (replaces) the answer for `key`; answers larger than a shard's budget are not kept.
    void Put(std::string_view key, const Stamp& stamp, Answer answer);
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
