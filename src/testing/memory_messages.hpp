// Test double: courier::MessageRepository in memory, with the same state rules as the database
// backends (claims, attempts, newest-first listing). Test-only (header-only).
#pragma once

#include <algorithm>
#include <mutex>
#include <vector>

#include "courier/message_repository.hpp"

namespace bia::testing {

class MemoryMessages final : public courier::MessageRepository {
  public:
    core::Status Add(const courier::Message& m) override {
        std::lock_guard lock(mu_);
        messages_.push_back(m);
        return {};
    }
    core::Result<std::vector<courier::Message>> ClaimDue(core::TimePoint now, int64_t limit,
                                                         core::Duration claim_timeout) override {
        std::lock_guard lock(mu_);
        std::vector<courier::Message*> due;
        for (auto& m : messages_) {
            const bool queued = m.status == courier::MessageStatus::kQueued && m.next_attempt_at <= now;
            const bool stale = m.status == courier::MessageStatus::kProcessing && m.updated_at + claim_timeout <= now;
            if (queued || stale) due.push_back(&m);
        }
        std::stable_sort(due.begin(), due.end(), [](auto* a, auto* b) { return a->created_at < b->created_at; });
        std::vector<courier::Message> out;
        for (auto* m : due) {
            if (static_cast<int64_t>(out.size()) >= limit) break;
            m->status = courier::MessageStatus::kProcessing;
            m->updated_at = now;
            out.push_back(*m);
        }
        return out;
    }
    core::Status MarkSent(const core::Uuid& id, core::TimePoint now) override {
        std::lock_guard lock(mu_);
        auto* m = Find(id);
        if (!m) return core::ResourceNotFound();
        m->status = courier::MessageStatus::kSent;
        ++m->send_count;
        m->updated_at = now;
        m->last_error.clear();
        return {};
    }
    core::Status MarkFailed(const core::Uuid& id, core::TimePoint now, std::string_view error,
                            std::optional<core::TimePoint> retry_at) override {
        std::lock_guard lock(mu_);
        auto* m = Find(id);
        if (!m) return core::ResourceNotFound();
        m->status = retry_at ? courier::MessageStatus::kQueued : courier::MessageStatus::kAbandoned;
        ++m->send_count;
        m->updated_at = now;
        m->next_attempt_at = retry_at.value_or(now);
        m->last_error = std::string(error);
        return {};
    }
    core::Result<courier::Message> Get(const core::Uuid& id) override {
        std::lock_guard lock(mu_);
        auto* m = Find(id);
        if (!m) return core::ResourceNotFound();
        return *m;
    }
    core::Result<courier::MessagePage> List(const courier::MessageFilter& f) override {
        std::lock_guard lock(mu_);
        std::vector<courier::Message> all;
        for (const auto& m : messages_) {
            if (f.status && m.status != *f.status) continue;
            if (f.recipient && m.recipient != *f.recipient) continue;
            if (f.after && !(m.created_at < f.after->created_at ||
                             (m.created_at == f.after->created_at && m.id.ToString() < f.after->id.ToString())))
                continue;
            all.push_back(m);
        }
        std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
            return a.created_at != b.created_at ? a.created_at > b.created_at : a.id.ToString() > b.id.ToString();
        });
        courier::MessagePage page;
        const auto size = static_cast<size_t>(std::clamp<int64_t>(f.page_size, 1, courier::kMaxPageSize));
        for (size_t i = 0; i < all.size() && i < size; ++i) page.messages.push_back(all[i]);
        if (all.size() > size) page.next = courier::MessageCursor{all[size - 1].created_at, all[size - 1].id};
        return page;
    }

  private:
    courier::Message* Find(const core::Uuid& id) {
        for (auto& m : messages_)
            if (m.id == id) return &m;
        return nullptr;
    }
    std::mutex mu_;
    std::vector<courier::Message> messages_;
};

}  // namespace bia::testing
