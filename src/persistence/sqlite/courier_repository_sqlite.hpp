// courier::MessageRepository on SQLite: the queue of outgoing email in one table, times as
// nanoseconds. A claim is one UPDATE … RETURNING inside BEGIN IMMEDIATE, so two dispatchers on
// the same file never claim one message twice.
#pragma once

#include <memory>

#include "courier/message_repository.hpp"
#include "persistence/sqlite/database.hpp"

namespace bia::persistence::sqlite {

class CourierRepositorySqlite final : public courier::MessageRepository {
  public:
    explicit CourierRepositorySqlite(Database& db) : db_(db) {}
    core::Status Add(const courier::Message& message) override;
    core::Result<std::vector<courier::Message>> ClaimDue(core::TimePoint now, int64_t limit,
                                                         core::Duration claim_timeout) override;
    core::Status MarkSent(const core::Uuid& id, core::TimePoint now) override;
    core::Status MarkFailed(const core::Uuid& id, core::TimePoint now, std::string_view error,
                            std::optional<core::TimePoint> retry_at) override;
    core::Result<courier::Message> Get(const core::Uuid& id) override;
    core::Result<courier::MessagePage> List(const courier::MessageFilter& filter) override;

  private:
    Database& db_;
};

inline std::unique_ptr<courier::MessageRepository> NewCourierRepository(Database& db) {
    return std::make_unique<CourierRepositorySqlite>(db);
}

}  // namespace bia::persistence::sqlite
