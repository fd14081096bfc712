#include "selfservice/flow/error_store.hpp"

#include "core/time.hpp"
#include "selfservice/flow/flow_errors.hpp"

namespace bia::selfservice {

namespace {
constexpr std::string_view kStub500 = "stub:500";

nlohmann::json Render(const StoredError& e) {
    return {{"id", e.id.ToString()},
            {"error", e.error},
            {"created_at", core::FormatRfc3339(e.created_at)},
            {"updated_at", core::FormatRfc3339(e.updated_at)}};
}
}  // namespace

core::Result<core::Uuid> ErrorStore::Store(const core::Error& error) {
    StoredError e;
    e.id = core::Uuid::V4(random_);
    e.error = error.ToJson();
    e.created_at = e.updated_at = clock_.Now();
    BIA_TRY(repository_.Add(e));
    return e.id;
}

core::Result<nlohmann::json> ErrorStore::Read(std::string_view id) {
    if (id == kStub500) {
        StoredError e;
        e.error = core::Internal("This is a stub error.").ToJson();
        e.created_at = e.updated_at = clock_.Now();
        return Render(e);
    }
    auto uuid = core::Uuid::Parse(id);
    if (!uuid) return FlowNotFound();
    BIA_TRY_ASSIGN(StoredError e, repository_.Get(*uuid));
    if (!e.seen) {
        // Reading marks the error as seen; failing to record that must not hide the error.
        (void)repository_.MarkSeen(e.id, clock_.Now());
    }
    return Render(e);
}

}  // namespace bia::selfservice
