#include "persistence/postgres/courier_repository_postgres.hpp"

#include <algorithm>

namespace bia::persistence::postgres {

using courier::Message;
using courier::MessageStatus;

namespace {

#define BIA_COURIER_COLUMNS                                                                                      \
    "id, type, status, recipient, subject, body, html_body, template_type, send_count, created_at, updated_at, " \
    "next_attempt_at, last_error"

Message CourierRowToMessage(const Rows& r, int row) {
    Message m;
    m.id = r.Id(row, 0);
    m.type = r.Text(row, 1);
    m.status = courier::ParseMessageStatus(r.TextView(row, 2)).value_or(MessageStatus::kQueued);
    m.recipient = r.Text(row, 3);
    m.subject = r.Text(row, 4);
    m.body = r.Text(row, 5);
    m.html_body = r.Text(row, 6);
    m.template_type = r.Text(row, 7);
    m.send_count = r.Int(row, 8);
    m.created_at = r.Time(row, 9);
    m.updated_at = r.Time(row, 10);
    m.next_attempt_at = r.Time(row, 11);
    m.last_error = r.Text(row, 12);
    return m;
}

core::Status FinishCourierAttempt(Database& db, const core::Uuid& id, core::TimePoint now, MessageStatus status,
                                  std::string_view error, core::TimePoint next_attempt) {
    BIA_TRY_ASSIGN(auto lease, db.Acquire());
    Params p;
    p.Add(ToString(status)).Add(error).Add(next_attempt).Add(now).Add(id);
    BIA_TRY_ASSIGN(Rows r, lease->Query("UPDATE courier_messages SET status = $1, send_count = send_count + 1, "
                                        "last_error = $2, next_attempt_at = $3, updated_at = $4 WHERE id = $5",
                                        p));
    if (r.affected() == 0) return core::ResourceNotFound();
    return {};
}

}  // namespace

core::Status CourierRepositoryPostgres::Add(const Message& m) {
    BIA_TRY_ASSIGN(auto lease, db_.Acquire());
    Params p;
    p.Add(m.id).Add(m.type).Add(ToString(m.status)).Add(m.recipient).Add(m.subject).Add(m.body).Add(m.html_body);
    p.Add(m.template_type).Add(m.send_count).Add(m.created_at).Add(m.updated_at).Add(m.next_attempt_at);
    p.Add(m.last_error);
    BIA_TRY(lease->Query("INSERT INTO courier_messages (" BIA_COURIER_COLUMNS
                         ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
                         p));
    return {};
}

core::Result<std::vector<Message>> CourierRepositoryPostgres::ClaimDue(core::TimePoint now, int64_t limit,
                                                                       core::Duration claim_timeout) {
    std::vector<Message> out;
    if (limit < 1) return out;
    const core::TimePoint stale = now - std::chrono::duration_cast<core::TimePoint::duration>(claim_timeout);
    BIA_TRY_ASSIGN(auto lease, db_.Acquire());
    Params p;
    p.Add(now).Add(stale).Add(limit);
    // One statement, autocommit: the rows picked are locked (and skipped by a concurrent claim)
    // until they are marked processing.
    BIA_TRY_ASSIGN(Rows r, lease->Query("UPDATE courier_messages SET status = 'processing', updated_at = $1 "
                                        "WHERE id IN (SELECT id FROM courier_messages WHERE "
                                        "(status = 'queued' AND next_attempt_at <= $1) OR "
                                        "(status = 'processing' AND updated_at <= $2) "
                                        "ORDER BY created_at, id LIMIT $3 FOR UPDATE SKIP LOCKED) "
                                        "RETURNING " BIA_COURIER_COLUMNS,
                                        p));
    for (int i = 0; i < r.size(); ++i) out.push_back(CourierRowToMessage(r, i));
    std::sort(out.begin(), out.end(), [](const Message& a, const Message& b) {
        return a.created_at != b.created_at ? a.created_at < b.created_at : a.id.ToString() < b.id.ToString();
    });
    return out;
}

core::Status CourierRepositoryPostgres::MarkSent(const core::Uuid& id, core::TimePoint now) {
    return FinishCourierAttempt(db_, id, now, MessageStatus::kSent, "", now);
}

core::Status CourierRepositoryPostgres::MarkFailed(const core::Uuid& id, core::TimePoint now, std::string_view error,
                                                   std::optional<core::TimePoint> retry_at) {
    return FinishCourierAttempt(db_, id, now, retry_at ? MessageStatus::kQueued : MessageStatus::kAbandoned, error,
                                retry_at.value_or(now));
}

core::Result<Message> CourierRepositoryPostgres::Get(const core::Uuid& id) {
    Params p;
    p.Add(id);
    return db_.Read([&](Connection& c) -> core::Result<Message> {
        BIA_TRY_ASSIGN(Rows r, c.Query("SELECT " BIA_COURIER_COLUMNS " FROM courier_messages WHERE id = $1", p));
        if (r.empty()) return core::ResourceNotFound();
        return CourierRowToMessage(r, 0);
    });
}

core::Result<courier::MessagePage> CourierRepositoryPostgres::List(const courier::MessageFilter& f) {
    const int64_t size = std::clamp<int64_t>(f.page_size, 1, courier::kMaxPageSize);
    Params p;
    if (f.status)
        p.Add(ToString(*f.status));
    else
        p.Add(std::nullopt);
    if (f.recipient)
        p.Add(*f.recipient);
    else
        p.Add(std::nullopt);
    if (f.after)
        p.Add(f.after->created_at).Add(f.after->id);
    else
        p.Add(std::nullopt).Add(std::nullopt);
    p.Add(size + 1);
    return db_.Read([&](Connection& c) -> core::Result<courier::MessagePage> {
        BIA_TRY_ASSIGN(Rows r, c.Query("SELECT " BIA_COURIER_COLUMNS " FROM courier_messages WHERE "
                                       "($1::text IS NULL OR status = $1::text) AND "
                                       "($2::text IS NULL OR recipient = $2::text) AND "
                                       "($3::timestamptz IS NULL OR created_at < $3::timestamptz OR "
                                       "(created_at = $3::timestamptz AND id < $4::uuid)) "
                                       "ORDER BY created_at DESC, id DESC LIMIT $5",
                                       p));
        courier::MessagePage page;
        for (int i = 0; i < r.size(); ++i) page.messages.push_back(CourierRowToMessage(r, i));
        if (static_cast<int64_t>(page.messages.size()) > size) {
            page.messages.pop_back();
            page.next = courier::MessageCursor{page.messages.back().created_at, page.messages.back().id};
        }
        return page;
    });
}

#undef BIA_COURIER_COLUMNS

}  // namespace bia::persistence::postgres
