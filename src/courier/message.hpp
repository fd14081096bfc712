// The courier's stored message (Kratos's courier `message`): one email, rendered from a template
// when it was queued, with its delivery state. The dispatcher moves it queued → processing →
// sent, or back to queued with a later next attempt after a failure, or to abandoned after too
// many failures. The HTML body and the last error are kept for delivery and operators' logs but
// are not part of the admin API's JSON.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/uuid.hpp"

namespace bia::courier {

// Kratos's courierMessageStatus.
enum class MessageStatus { kQueued, kProcessing, kSent, kAbandoned };
std::string_view ToString(MessageStatus status);
std::optional<MessageStatus> ParseMessageStatus(std::string_view text);

inline constexpr std::string_view kMessageTypeEmail = "email";

struct Message {
    core::Uuid id;
    MessageStatus status = MessageStatus::kQueued;
    std::string type = std::string(kMessageTypeEmail);
    std::string recipient;
    std::string subject;
    std::string body;       // plaintext
    std::string html_body;  // stored and sent, never shown by the admin API
    std::string template_type;
    int64_t send_count = 0;  // delivery attempts so far, failed or not
    core::TimePoint created_at{};
    core::TimePoint updated_at{};
    core::TimePoint next_attempt_at{};  // a queued message is due from then on
    std::string last_error;             // why the last attempt failed (internal)
};

// The admin API's `message` object: id, status, type, recipient, subject, body, template_type,
// send_count, created_at, updated_at, channel and dispatches (Bia keeps no dispatch records: an
// empty array).
nlohmann::json ToJson(const Message& m);

// Where a listing continues: the last message of the previous page (newest first, ties broken by
// id). The page token is this cursor, opaque to clients.
struct MessageCursor {
    core::TimePoint created_at{};
    core::Uuid id;
};
std::string EncodePageToken(const MessageCursor& cursor);
// A 400 for a token Bia did not hand out.
core::Result<MessageCursor> DecodePageToken(std::string_view token);

}  // namespace bia::courier
