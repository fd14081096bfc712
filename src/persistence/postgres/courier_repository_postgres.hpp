// courier::MessageRepository on PostgreSQL: the queue of outgoing email in one table. A claim is
// one UPDATE over rows picked with FOR UPDATE SKIP LOCKED, so dispatchers in several processes
// claim disjoint messages without waiting for each other.
#pragma once

#include <memory>

#include "courier/message_repository.hpp"
#include "persistence/postgres/database.hpp"

namespace bia::persistence::postgres {

class CourierRepositoryPostgres final : public courier::MessageRepository {
  public:
    explicit CourierRepositoryPostgres(Database& db) : db_(db) {}
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
    return std::make_unique<CourierRepositoryPostgres>(db);
}

}  // namespace bia::persistence::postgres
