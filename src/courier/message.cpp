#include "courier/message.hpp"

#include <charconv>

#include "core/encoding.hpp"
#include "core/time.hpp"

namespace bia::courier {

std::string_view ToString(MessageStatus status) {
    switch (status) {
        case MessageStatus::kQueued:
            return "queued";
        case MessageStatus::kProcessing:
            return "processing";
        case MessageStatus::kSent:
            return "sent";
        case MessageStatus::kAbandoned:
            return "abandoned";
    }
    return "queued";
}

std::optional<MessageStatus> ParseMessageStatus(std::string_view text) {
    for (MessageStatus s :
         {MessageStatus::kQueued, MessageStatus::kProcessing, MessageStatus::kSent, MessageStatus::kAbandoned}) {
        if (ToString(s) == text) return s;
    }
    return std::nullopt;
}

nlohmann::json ToJson(const Message& m) {
    return {
        {"id", m.id.ToString()},
        {"status", ToString(m.status)},
        {"type", m.type},
        {"channel", m.type},
        {"recipient", m.recipient},
        {"subject", m.subject},
        {"body", m.body},
        {"template_type", m.template_type},
        {"send_count", m.send_count},
        {"created_at", core::FormatRfc3339(m.created_at)},
        {"updated_at", core::FormatRfc3339(m.updated_at)},
        {"dispatches", nlohmann::json::array()},
    };
}

// The token is base64url("<created_at in ns since the epoch>/<uuid>").
std::string EncodePageToken(const MessageCursor& cursor) {
    return core::Base64UrlEncode(std::to_string(cursor.created_at.time_since_epoch().count()) + "/" +
                                 cursor.id.ToString());
}

core::Result<MessageCursor> DecodePageToken(std::string_view token) {
    const auto invalid = [] { return core::BadRequest("The page_token parameter is invalid."); };
    auto text = core::Base64UrlDecode(token);
    if (!text) return invalid();
    const size_t slash = text->find('/');
    if (slash == std::string::npos) return invalid();
    core::TimePoint::duration::rep ns = 0;
    const char* begin = text->data();
    auto [p, ec] = std::from_chars(begin, begin + slash, ns);
    if (ec != std::errc() || p != begin + slash) return invalid();
    auto id = core::Uuid::Parse(std::string_view(*text).substr(slash + 1));
    if (!id) return invalid();
    return MessageCursor{core::TimePoint(core::TimePoint::duration(ns)), *id};
}

}  // namespace bia::courier
