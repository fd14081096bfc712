#include "core/answer_cache.hpp"

namespace bia::core {

AnswerCache::AnswerCache(size_t max_bytes) : shard_budget_(max_bytes / kShards) {}

void AnswerCache::EraseLocked(Shard& shard,
                              std::unordered_map<std::string, Entry, Hash, std::equal_to<>>::iterator it) {
    shard.bytes -= it->second.cost;
    shard.order.erase(it->second.order);
    shard.map.erase(it);
}

AnswerCache::AnswerPtr AnswerCache::Find(std::string_view key, const Stamp& stamp, const Proof& proof) {
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

AnswerCache::AnswerPtr AnswerCache::FindUnchanged(std::string_view key, const StoreVersion& version, TimePoint now) {
    if (shard_budget_ == 0) return nullptr;
    Shard& shard = ShardFor(key);
    std::lock_guard lock(shard.mu);
    auto it = shard.map.find(key);
    if (it == shard.map.end()) return nullptr;
    const Proof& proof = it->second.proof;
    if (!proof.version || !(*proof.version == version) || !(now < proof.until)) return nullptr;
    return it->second.answer;
}

void AnswerCache::Put(std::string_view key, const Stamp& stamp, Answer answer, const Proof& proof) {
    const size_t cost = key.size() + answer.body.size() + answer.subject.size() + kEntryOverhead;
    if (cost > shard_budget_) return;
    auto ptr = std::make_shared<const Answer>(std::move(answer));
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

void AnswerCache::Erase(std::string_view key) {
    Shard& shard = ShardFor(key);
    std::lock_guard lock(shard.mu);
    if (auto it = shard.map.find(key); it != shard.map.end()) EraseLocked(shard, it);
}

size_t AnswerCache::bytes() const {
    size_t n = 0;
    for (const auto& s : shards_) {
        std::lock_guard lock(s.mu);
        n += s.bytes;
    }
    return n;
}

size_t AnswerCache::entries() const {
    size_t n = 0;
    for (const auto& s : shards_) {
        std::lock_guard lock(s.mu);
        n += s.map.size();
    }
    return n;
}

}  // namespace bia::core
