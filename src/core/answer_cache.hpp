// Answers built once (a serialised whoami, a flow, a session with its identity) and served again while the stamp they
// were built under is still the store's current one. The cache never decides freshness itself: the caller reads the
// current stamp (one indexed read, e.g. SessionRepository::FindStamp) before every use, so a write by this process,
// another process on the same SQLite file or another instance on the same PostgreSQL is seen on the very next request.
// A store with a shared change version (core::ChangeWatch) lets the caller skip that read: an entry remembers the
// version under which its stamp was last read, and FindUnchanged serves it while the store's version is still that one
// (nothing was written anywhere since) and its expiry has not passed. It only stores and bounds: a byte budget split
// over shards, first in first out when a shard is full, so it never grows past its budget whatever the traffic.
// Thread-safe; a shard's lock is held for one lookup or one insert, never while building or writing an answer.
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

// Whatever revisions the caller compares, e.g. (session, identity) or (flow, session, identity).
struct CacheStamp {
    int64_t first = 0;
    int64_t second = 0;
    int64_t third = 0;
    friend bool operator==(const CacheStamp&, const CacheStamp&) = default;
};

// The cache, for any value that states what it costs to keep (`size_t Cost() const`, in bytes,
// counted against the budget with its key and a fixed per-entry overhead). Values are shared,
// immutable once stored.
template <class Value>
class StampedCache {
  public:
    using Stamp = CacheStamp;
    using Answer = Value;
    using AnswerPtr = std::shared_ptr<const Value>;
    using Proof = AnswerProof;

    // `max_bytes` = 0 disables the cache (every Find misses, Put stores nothing).
    explicit StampedCache(size_t max_bytes) : shard_budget_(max_bytes / kShards) {}
    StampedCache(const StampedCache&) = delete;
    StampedCache& operator=(const StampedCache&) = delete;

    // The value stored for `key` under exactly `stamp`; null when there is none or it was stored
    // under another stamp (which is then dropped). A hit records `proof` for FindUnchanged.
    AnswerPtr Find(std::string_view key, const Stamp& stamp, const Proof& proof = {}) {
        if (shard_budget_ == 0) return nullptr;
        Shard& shard = ShardFor(key);
        std::lock_guard lock(shard.mu);
        auto it = shard.map.find(key);
        if (it == shard.map.end()) return nullptr;
        if (!(it->second.stamp == stamp)) {
            EraseLocked(shard, it);
            return nullptr;
        }
        it->second.proof = proof;
        return it->second.answer;
    }
    // The value for `key` if its stamp was last proven while the store's version was `version`
    // and `now` is before its proof's expiry; null otherwise (the caller then reads the stamp).
    AnswerPtr FindUnchanged(std::string_view key, const StoreVersion& version, TimePoint now) {
        if (shard_budget_ == 0) return nullptr;
        Shard& shard = ShardFor(key);
        std::lock_guard lock(shard.mu);
        auto it = shard.map.find(key);
        if (it == shard.map.end()) return nullptr;
        const Proof& proof = it->second.proof;
        if (!proof.version || !(*proof.version == version) || !(now < proof.until)) return nullptr;
        return it->second.answer;
    }
    // Stores (replaces) the value for `key`; values costing more than a shard's budget are not kept.
    void Put(std::string_view key, const Stamp& stamp, Value value, const Proof& proof = {}) {
        const size_t cost = key.size() + value.Cost() + kEntryOverhead;
        if (cost > shard_budget_) return;
        auto ptr = std::make_shared<const Value>(std::move(value));
        Shard& shard = ShardFor(key);
        std::lock_guard lock(shard.mu);
        if (auto it = shard.map.find(key); it != shard.map.end()) EraseLocked(shard, it);
        while (shard.bytes + cost > shard_budget_ && !shard.order.empty()) {
            EraseLocked(shard, shard.map.find(*shard.order.front()));
        }
        auto [it, inserted] = shard.map.emplace(std::string(key), Entry{stamp, proof, std::move(ptr), cost, {}});
        it->second.order = shard.order.insert(shard.order.end(), &it->first);
        shard.bytes += cost;
    }
    void Erase(std::string_view key) {
        Shard& shard = ShardFor(key);
        std::lock_guard lock(shard.mu);
        if (auto it = shard.map.find(key); it != shard.map.end()) EraseLocked(shard, it);
    }

    // Accounted bytes (keys, values' costs and a fixed per-entry overhead).
    size_t bytes() const {
        size_t n = 0;
        for (const auto& s : shards_) {
            std::lock_guard lock(s.mu);
            n += s.bytes;
        }
        return n;
    }
    // Stored values.
    size_t entries() const {
        size_t n = 0;
        for (const auto& s : shards_) {
            std::lock_guard lock(s.mu);
            n += s.map.size();
        }
        return n;
    }

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
    using Map = std::unordered_map<std::string, Entry, Hash, std::equal_to<>>;
    struct Shard {
        mutable std::mutex mu;
        Map map;
        std::list<const std::string*> order;  // oldest first; points at the map's keys
        size_t bytes = 0;
    };

    Shard& ShardFor(std::string_view key) { return shards_[Hash{}(key) % kShards]; }
    static void EraseLocked(Shard& shard, typename Map::iterator it) {
        shard.bytes -= it->second.cost;
        shard.order.erase(it->second.order);
        shard.map.erase(it);
    }

    size_t shard_budget_;
    std::array<Shard, kShards> shards_;
};

// A serialised answer (a whoami, a settings flow) and a small value served with it.
struct TextAnswer {
    std::string body;
    std::string subject;  // e.g. the identity id header
    size_t Cost() const { return body.size() + subject.size(); }
};
using AnswerCache = StampedCache<TextAnswer>;

// The body of a cached answer, shared with the cache entry (which it keeps alive) rather than
// copied: a hit is written to the wire without a copy of its body.
inline std::shared_ptr<const std::string> SharedBody(const AnswerCache::AnswerPtr& answer) {
    return {answer, &answer->body};
}

}  // namespace bia::core
