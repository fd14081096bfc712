#include "persistence/sqlite/courier_repository_sqlite.hpp"

#include <algorithm>

namespace bia::persistence::sqlite {

using courier::Message;
using courier::MessageStatus;

namespace {

#define BIA_COURIER_COLUMNS                                                                                      \
    "id, type, status, recipient, subject, body, html_body, template_type, send_count, created_at, updated_at, " \
    "next_attempt_at, last_error"

Message CourierRowToMessage(const Statement& st) {
    Message m;
    m.id = st.Id(0);
    m.type = st.Text(1);
    m.status = courier::ParseMessageStatus(st.TextView(2)).value_or(MessageStatus::kQueued);
    m.recipient = st.Text(3);
    m.subject = st.Text(4);
    m.body = st.Text(5);
    m.html_body = st.Text(6);
    m.template_type = st.Text(7);
    m.send_count = st.Int(8);
    m.created_at = st.Time(9);
    m.updated_at = st.Time(10);
    m.next_attempt_at = st.Time(11);
    m.last_error = st.Text(12);
    return m;
}

// One attempt more, and the state it leaves the message in.
core::Status FinishAttempt(Database& db, const core::Uuid& id, core::TimePoint now, MessageStatus status,
                           std::string_view error, core::TimePoint next_attempt) {
    return db.Transaction([&](Connection& c) -> core::Status {
        BIA_TRY_ASSIGN(auto st, c.Prepare("UPDATE courier_messages SET status = ?, send_count = send_count + 1, "
                                          "last_error = ?, next_attempt_at = ?, updated_at = ? WHERE id = ?"));
        st.Bind(1, ToString(status)).Bind(2, error).Bind(3, next_attempt).Bind(4, now).Bind(5, id);
        BIA_TRY(st.Run());
        if (sqlite3_changes64(c.raw()) == 0) return core::ResourceNotFound();
        return {};
    });
}

}  // namespace

core::Status CourierRepositorySqlite::Add(const Message& m) {
    return db_.Transaction([&](Connection& c) -> core::Status {
        BIA_TRY_ASSIGN(auto st, c.Prepare("INSERT INTO courier_messages (" BIA_COURIER_COLUMNS
                                          ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"));
        st.Bind(1, m.id).Bind(2, m.type).Bind(3, ToString(m.status)).Bind(4, m.recipient).Bind(5, m.subject);
        st.Bind(6, m.body).Bind(7, m.html_body).Bind(8, m.template_type).Bind(9, m.send_count);
        st.Bind(10, m.created_at).Bind(11, m.updated_at).Bind(12, m.next_attempt_at).Bind(13, m.last_error);
        return st.Run();
    });
}

core::Result<std::vector<Message>> CourierRepositorySqlite::ClaimDue(core::TimePoint now, int64_t limit,
                                                                     core::Duration claim_timeout) {
    std::vector<Message> out;
    if (limit < 1) return out;
    const core::TimePoint stale = now - std::chrono::duration_cast<core::TimePoint::duration>(claim_timeout);
    BIA_TRY(db_.Transaction([&](Connection& c) -> core::Status {
        out.clear();
        BIA_TRY_ASSIGN(auto st, c.Prepare("UPDATE courier_messages SET status = 'processing', updated_at = ?1 "
                                          "WHERE id IN (SELECT id FROM courier_messages WHERE "
                                          "(status = 'queued' AND next_attempt_at <= ?1) OR "
                                          "(status = 'processing' AND updated_at <= ?2) "
                                          "ORDER BY created_at, id LIMIT ?3) RETURNING " BIA_COURIER_COLUMNS));
        st.Bind(1, now).Bind(2, stale).Bind(3, limit);
        for (;;) {
            BIA_TRY_ASSIGN(bool row, st.Step());
            if (!row) break;
            out.push_back(CourierRowToMessage(st));
        }
        return {};
    }));
    std::sort(out.begin(), out.end(), [](const Message& a, const Message& b) {
        return a.created_at != b.created_at ? a.created_at < b.created_at : a.id.ToString() < b.id.ToString();
    });
    return out;
}

core::Status CourierRepositorySqlite::MarkSent(const core::Uuid& id, core::TimePoint now) {
    return FinishAttempt(db_, id, now, MessageStatus::kSent, "", now);
}

core::Status CourierRepositorySqlite::MarkFailed(const core::Uuid& id, core::TimePoint now, std::string_view error,
                                                 std::optional<core::TimePoint> retry_at) {
    return FinishAttempt(db_, id, now, retry_at ? MessageStatus::kQueued : MessageStatus::kAbandoned, error,
                         retry_at.value_or(now));
}

core::Result<Message> CourierRepositorySqlite::Get(const core::Uuid& id) {
    BIA_TRY_ASSIGN(auto lease, db_.Acquire());
    BIA_TRY_ASSIGN(auto st, lease->Prepare("SELECT " BIA_COURIER_COLUMNS " FROM courier_messages WHERE id = ?"));
    st.Bind(1, id);
    BIA_TRY_ASSIGN(bool row, st.Step());
    if (!row) return core::ResourceNotFound();
    return CourierRowToMessage(st);
}

core::Result<courier::MessagePage> CourierRepositorySqlite::List(const courier::MessageFilter& f) {
    const int64_t size = std::clamp<int64_t>(f.page_size, 1, courier::kMaxPageSize);
    BIA_TRY_ASSIGN(auto lease, db_.Acquire());
    BIA_TRY_ASSIGN(auto st, lease->Prepare("SELECT " BIA_COURIER_COLUMNS " FROM courier_messages WHERE "
                                           "(?1 IS NULL OR status = ?1) AND (?2 IS NULL OR recipient = ?2) AND "
                                           "(?3 IS NULL OR created_at < ?3 OR (created_at = ?3 AND id < ?4)) "
                                           "ORDER BY created_at DESC, id DESC LIMIT ?5"));
    if (f.status)
        st.Bind(1, ToString(*f.status));
    else
        st.Bind(1, std::nullopt);
    if (f.recipient)
        st.Bind(2, *f.recipient);
    else
        st.Bind(2, std::nullopt);
    if (f.after)
        st.Bind(3, f.after->created_at).Bind(4, f.after->id);
    else
        st.Bind(3, std::nullopt).Bind(4, std::nullopt);
    st.Bind(5, size + 1);
    courier::MessagePage page;
    for (;;) {
        BIA_TRY_ASSIGN(bool row, st.Step());
        if (!row) break;
        page.messages.push_back(CourierRowToMessage(st));
    }
    if (static_cast<int64_t>(page.messages.size()) > size) {
        page.messages.pop_back();
        page.next = courier::MessageCursor{page.messages.back().created_at, page.messages.back().id};
    }
    return page;
}

#undef BIA_COURIER_COLUMNS

}  // namespace bia::persistence::sqlite
