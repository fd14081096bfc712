// Storage port of the courier's queue; persistence/sqlite and persistence/postgres implement it.
// Claiming is atomic (queued → processing in one statement), so two dispatchers — two threads or
// two processes on one database — never send one message twice; a message a crashed dispatcher
// left in processing becomes due again once it has been there longer than the claim timeout.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "courier/message.hpp"

namespace bia::courier {

inline constexpr int64_t kDefaultPageSize = 250;
inline constexpr int64_t kMaxPageSize = 1000;

struct MessageFilter {
    std::optional<MessageStatus> status;
    std::optional<std::string> recipient;  // exact match
    int64_t page_size = kDefaultPageSize;  // 1..kMaxPageSize
    std::optional<MessageCursor> after;    // from the previous page's token
};

struct MessagePage {
    std::vector<Message> messages;      // newest first
    std::optional<MessageCursor> next;  // set when more messages follow
};

class MessageRepository {
  public:
    virtual ~MessageRepository() = default;
    virtual core::Status Add(const Message& message) = 0;
    // Marks up to `limit` due messages as processing (updated_at = now) and returns them, oldest
    // first. Due: queued with next_attempt_at ≤ now, or processing with updated_at ≤
    // now - claim_timeout (its dispatcher died).
    virtual core::Result<std::vector<Message>> ClaimDue(core::TimePoint now, int64_t limit,
                                                        core::Duration claim_timeout) = 0;
    // One more attempt that succeeded: sent, send_count + 1.
    virtual core::Status MarkSent(const core::Uuid& id, core::TimePoint now) = 0;
    // One more attempt that failed: send_count + 1 and the error kept; queued again, due at
    // `retry_at`, or abandoned when there is none.
    virtual core::Status MarkFailed(const core::Uuid& id, core::TimePoint now, std::string_view error,
                                    std::optional<core::TimePoint> retry_at) = 0;
    // 404 (core::ResourceNotFound) when absent.
    virtual core::Result<Message> Get(const core::Uuid& id) = 0;
    virtual core::Result<MessagePage> List(const MessageFilter& filter) = 0;
};

}  // namespace bia::courier
