// Contract suites every backend must pass for the cleanup and for continuity payloads at rest.
// A backend instantiates them with a Backend type providing `static std::unique_ptr<Handle> Make()`
// where the handle exposes the repositories — identities(), sessions(), login_flows(),
// registration_flows(), settings_flows(), continuity(), errors(), expired(), courier() — plus two raw reads
// that bypass them: `int64_t Count(std::string_view table)` and
// `std::string RawPayload(const core::Uuid& continuity_id)` (the payload column as stored).
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "cleanup/cleanup.hpp"
#include "cleanup/expired_records.hpp"
#include "core/random.hpp"
#include "courier/message_repository.hpp"
#include "crypto/cookie_sealer.hpp"
#include "persistence/testing/identity_repository_contract.hpp"
#include "selfservice/flow/continuity.hpp"
#include "selfservice/flow/error_store.hpp"
#include "selfservice/flow/one_time_secret.hpp"
#include "selfservice/login/login_flow.hpp"
#include "selfservice/recovery/recovery_flow.hpp"
#include "selfservice/registration/registration_flow.hpp"
#include "selfservice/settings/settings_flow.hpp"
#include "selfservice/verification/verification_flow.hpp"
#include "session/session_repository.hpp"

namespace bia::persistence::testing {

inline std::string_view TableOf(cleanup::RecordKind kind) {
    switch (kind) {
        case cleanup::RecordKind::kSessions:
            return "sessions";
        case cleanup::RecordKind::kContinuityContainers:
            return "continuity_containers";
        case cleanup::RecordKind::kLoginFlows:
            return "selfservice_login_flows";
        case cleanup::RecordKind::kRegistrationFlows:
            return "selfservice_registration_flows";
        case cleanup::RecordKind::kSettingsFlows:
            return "selfservice_settings_flows";
        case cleanup::RecordKind::kVerificationFlows:
            return "selfservice_verification_flows";
        case cleanup::RecordKind::kRecoveryFlows:
            return "selfservice_recovery_flows";
        case cleanup::RecordKind::kOneTimeSecrets:
            return "selfservice_one_time_secrets";
        case cleanup::RecordKind::kSelfServiceErrors:
            return "selfservice_errors";
        case cleanup::RecordKind::kCourierMessages:
            return "courier_messages";
    }
    return "";
}

template <class Backend>
class ExpiredRecordsContract : public ::testing::Test {
  protected:
    // Whole seconds: both backends keep them exactly (PostgreSQL stores microseconds).
    static constexpr core::TimePoint kT0 = core::TimePoint(std::chrono::seconds(1700000000));

    void SetUp() override {
        h_ = Backend::Make();
        owner_ = MakeIdentity(random_, "cleanup" + random_.AlphaNumeric(6) + "@example.com");
        ASSERT_TRUE(h_->identities().Create(owner_));
    }

    // One record of `kind` expiring at `t` (a stored error: stored at `t`).
    core::Uuid Insert(cleanup::RecordKind kind, core::TimePoint t) {
        const core::Uuid id = core::Uuid::V4(random_);
        const core::TimePoint created = t - std::chrono::hours(1);
        core::Status s;
        switch (kind) {
            case cleanup::RecordKind::kSessions: {
                session::Session x;
                x.id = id;
                x.token = "ory_st_" + random_.AlphaNumeric(32);
                x.logout_token = "ory_lo_" + random_.AlphaNumeric(32);
                x.identity_id = owner_.id;
                x.created_at = x.updated_at = x.issued_at = x.authenticated_at = created;
                x.expires_at = t;
                x.methods = {{"password", "aal1", created, ""}};
                s = h_->sessions().Create(x);
                break;
            }
            case cleanup::RecordKind::kContinuityContainers: {
                selfservice::ContinuityContainer x;
                x.id = id;
                x.name = "ory_kratos_settings_password";
                x.identity_id = owner_.id;
                x.payload = {{"flow", "f"}};
                x.created_at = created;
                x.expires_at = t;
                s = h_->continuity().Create(x);
                break;
            }
            case cleanup::RecordKind::kLoginFlows: {
                selfservice::login::LoginFlow x;
                x.id = id;
                x.issued_at = x.created_at = x.updated_at = created;
                x.expires_at = t;
                x.request_url = "http://p/self-service/login/browser";
                s = h_->login_flows().Create(x);
                break;
            }
            case cleanup::RecordKind::kRegistrationFlows: {
                selfservice::registration::RegistrationFlow x;
                x.id = id;
                x.issued_at = x.created_at = x.updated_at = created;
                x.expires_at = t;
                x.request_url = "http://p/self-service/registration/browser";
                s = h_->registration_flows().Create(x);
                break;
            }
            case cleanup::RecordKind::kSettingsFlows: {
                selfservice::settings::SettingsFlow x;
                x.id = id;
                x.issued_at = x.created_at = x.updated_at = created;
                x.expires_at = t;
                x.request_url = "http://p/self-service/settings/browser";
                x.identity_id = owner_.id;
                s = h_->settings_flows().Create(x);
                break;
            }
            case cleanup::RecordKind::kVerificationFlows: {
                selfservice::verification::VerificationFlow x;
                x.id = id;
                x.issued_at = x.created_at = x.updated_at = created;
                x.expires_at = t;
                x.request_url = "http://p/self-service/verification/browser";
                s = h_->verification_flows().Create(x);
                break;
            }
            case cleanup::RecordKind::kRecoveryFlows: {
                selfservice::recovery::RecoveryFlow x;
                x.id = id;
                x.issued_at = x.created_at = x.updated_at = created;
                x.expires_at = t;
                x.request_url = "http://p/self-service/recovery/browser";
                s = h_->recovery_flows().Create(x);
                break;
            }
            case cleanup::RecordKind::kOneTimeSecrets: {
                selfservice::OneTimeSecret x;
                x.id = id;
                x.digest = id.ToString();
                x.flow_id = id;
                x.identity_id = owner_.id;
                x.address = "cleanup@example.com";
                x.created_at = created;
                x.expires_at = t;
                s = h_->one_time_secrets().Create(x);
                break;
            }
            case cleanup::RecordKind::kSelfServiceErrors: {
                selfservice::StoredError x;
                x.id = id;
                x.error = core::Forbidden("x").WithId("security_csrf_violation").ToJson();
                x.created_at = x.updated_at = t;
                s = h_->errors().Add(x);
                break;
            }
            case cleanup::RecordKind::kCourierMessages: {
                // Queued before, sent at `t` (what the cleanup goes by).
                courier::Message x;
                x.id = id;
                x.recipient = "cleanup@example.com";
                x.subject = "s";
                x.template_type = "verification_valid";
                x.created_at = x.updated_at = x.next_attempt_at = created;
                s = h_->courier().Add(x);
                if (s) s = h_->courier().MarkSent(id, t);
                break;
            }
        }
        EXPECT_TRUE(s) << cleanup::ToString(kind) << ": " << s.error().reason << " " << s.error().debug;
        return id;
    }

    // Whether the repository still finds the record.
    bool Exists(cleanup::RecordKind kind, const core::Uuid& id) {
        switch (kind) {
            case cleanup::RecordKind::kSessions:
                return h_->sessions().FindById(id, false).ok();
            case cleanup::RecordKind::kContinuityContainers:
                return h_->continuity().Get(id).ok();
            case cleanup::RecordKind::kLoginFlows:
                return h_->login_flows().Get(id).ok();
            case cleanup::RecordKind::kRegistrationFlows:
                return h_->registration_flows().Get(id).ok();
            case cleanup::RecordKind::kSettingsFlows:
                return h_->settings_flows().Get(id).ok();
            case cleanup::RecordKind::kVerificationFlows:
                return h_->verification_flows().Get(id).ok();
            case cleanup::RecordKind::kRecoveryFlows:
                return h_->recovery_flows().Get(id).ok();
            case cleanup::RecordKind::kOneTimeSecrets:
                return h_->one_time_secrets()
                    .FindUnused(selfservice::SecretKind::kVerificationCode, id.ToString(), std::nullopt)
                    .ok();
            case cleanup::RecordKind::kSelfServiceErrors:
                return h_->errors().Get(id).ok();
            case cleanup::RecordKind::kCourierMessages:
                return h_->courier().Get(id).ok();
        }
        return false;
    }

    int64_t Count(cleanup::RecordKind kind) { return h_->Count(TableOf(kind)); }

    int64_t DeleteBatch(cleanup::RecordKind kind, core::TimePoint cutoff, int64_t limit) {
        auto n = h_->expired().DeleteExpiredBatch(kind, cutoff, limit);
        EXPECT_TRUE(n) << cleanup::ToString(kind) << ": " << n.error().reason << " " << n.error().debug;
        return n ? *n : -1;
    }

    core::SecureRandom random_;
    decltype(Backend::Make()) h_;
    identity::Identity owner_;
};

TYPED_TEST_SUITE_P(ExpiredRecordsContract);

TYPED_TEST_P(ExpiredRecordsContract, DeletesExpiredRecordsOfEveryKindAndKeepsTheRest) {
    using namespace std::chrono_literals;
    const auto t0 = this->kT0;
    for (cleanup::RecordKind kind : cleanup::kAllRecordKinds) {
        SCOPED_TRACE(std::string(cleanup::ToString(kind)));
        const auto old1 = this->Insert(kind, t0 - 2h);
        const auto old2 = this->Insert(kind, t0 - 1s);
        const auto at_cutoff = this->Insert(kind, t0);
        const auto live1 = this->Insert(kind, t0 + 1s);
        const auto live2 = this->Insert(kind, t0 + 24h);
        ASSERT_EQ(this->Count(kind), 5);

        EXPECT_EQ(this->DeleteBatch(kind, t0, 100), 3) << "expired at or before the cutoff";
        EXPECT_EQ(this->Count(kind), 2);
        for (const auto& id : {old1, old2, at_cutoff}) EXPECT_FALSE(this->Exists(kind, id));
        for (const auto& id : {live1, live2}) EXPECT_TRUE(this->Exists(kind, id));
        EXPECT_EQ(this->DeleteBatch(kind, t0, 100), 0) << "nothing left to delete";
        EXPECT_EQ(this->Count(kind), 2);
    }
    // Sessions went, their identity stays.
    EXPECT_TRUE(this->h_->identities().Get(this->owner_.id).ok());
}

TYPED_TEST_P(ExpiredRecordsContract, BatchesAreBoundedAndTakeTheOldestFirst) {
    using namespace std::chrono_literals;
    const auto t0 = this->kT0;
    for (cleanup::RecordKind kind : {cleanup::RecordKind::kLoginFlows, cleanup::RecordKind::kSessions}) {
        SCOPED_TRACE(std::string(cleanup::ToString(kind)));
        std::vector<core::Uuid> expired;  // oldest first
        for (int i = 25; i >= 1; --i) expired.push_back(this->Insert(kind, t0 - std::chrono::minutes(i)));
        const auto live = this->Insert(kind, t0 + 1min);

        EXPECT_EQ(this->DeleteBatch(kind, t0, 10), 10);
        for (size_t i = 0; i < expired.size(); ++i) EXPECT_EQ(this->Exists(kind, expired[i]), i >= 10) << i;
        EXPECT_EQ(this->DeleteBatch(kind, t0, 10), 10);
        EXPECT_EQ(this->DeleteBatch(kind, t0, 10), 5);
        EXPECT_EQ(this->DeleteBatch(kind, t0, 10), 0);
        EXPECT_EQ(this->Count(kind), 1);
        EXPECT_TRUE(this->Exists(kind, live));
        EXPECT_EQ(this->DeleteBatch(kind, t0, 1), 0);
    }
}

TYPED_TEST_P(ExpiredRecordsContract, ACleanupPassHonoursKeepLastAndDrainsInBatches) {
    using namespace std::chrono_literals;
    const auto t0 = this->kT0;
    core::FakeClock clock(t0);
    for (cleanup::RecordKind kind : cleanup::kAllRecordKinds) {
        for (int i = 0; i < 7; ++i) (void)this->Insert(kind, t0 - 3h - std::chrono::seconds(i));
        for (int i = 0; i < 2; ++i) (void)this->Insert(kind, t0 - 30min);  // expired, within keep_last
        (void)this->Insert(kind, t0 + 1h);                                 // not expired
    }
    cleanup::CleanupOptions options;
    options.keep_last = 1h;
    options.batch_size = 3;
    options.batch_pause = 0s;
    options.table_pause = 0s;
    cleanup::Cleanup job(this->h_->expired(), clock, options);
    cleanup::StopSignal stop;
    const auto report = job.RunOnce(stop);
    ASSERT_TRUE(report.ok());
    for (const auto& e : report.kinds) {
        SCOPED_TRACE(std::string(cleanup::ToString(e.kind)));
        if (e.kind == cleanup::RecordKind::kContinuityContainers) {
            // No keep_last for containers: all 9 expired ones go, in 4 batches (3, 3, 3, 0).
            EXPECT_EQ(e.deleted, 9);
            EXPECT_EQ(e.batches, 4);
            EXPECT_EQ(this->Count(e.kind), 1);
        } else if (e.kind == cleanup::RecordKind::kSelfServiceErrors ||
                   e.kind == cleanup::RecordKind::kCourierMessages) {
            // Errors and sent messages are kept for their retention (1h) + keep_last: 3h ago → gone.
            EXPECT_EQ(e.deleted, 7);
            EXPECT_EQ(this->Count(e.kind), 3);
        } else {
            EXPECT_EQ(e.deleted, 7);
            EXPECT_EQ(e.batches, 3);  // 3, 3, 1
            EXPECT_EQ(this->Count(e.kind), 3);
        }
    }
    EXPECT_EQ(report.TotalDeleted(), 7 * static_cast<int64_t>(cleanup::kAllRecordKinds.size() - 1) + 9);
}

// What a user submitted is sealed before it reaches the database: the stored row does not hold
// the password's bytes, opens with the current and older secrets only, and a container that was
// used (read, then deleted by the settings flow) is gone from the table.
TYPED_TEST_P(ExpiredRecordsContract, ContinuityPayloadsAreSealedAtRest) {
    core::SeededRandom nonces(7);
    auto old_sealer = crypto::CookieSealer::Create({"an-older-cipher-secret-0123456789"}, nonces).value();
    auto sealer = crypto::CookieSealer::Create({"the-current-cipher-secret-abcdefgh"}, nonces).value();
    auto rotated = crypto::CookieSealer::Create(
                       {"the-current-cipher-secret-abcdefgh", "an-older-cipher-secret-0123456789"}, nonces)
                       .value();
    const std::string password = "Tr0ub4dor&3 correct horse " + this->random_.AlphaNumeric(12);

    selfservice::ContinuityContainer c;
    c.id = core::Uuid::V4(this->random_);
    c.name = "ory_kratos_settings_password";
    c.identity_id = this->owner_.id;
    c.payload = {{"flow", core::Uuid::V4(this->random_).ToString()},
                 {"body", {{"method", "password"}, {"password", password}}}};
    c.created_at = this->kT0;
    c.expires_at = this->kT0 + selfservice::kContinuityLifespan;

    selfservice::SealedContinuityRepository sealed_old(this->h_->continuity(), old_sealer);
    ASSERT_TRUE(sealed_old.Create(c));
    const std::string raw = this->h_->RawPayload(c.id);
    ASSERT_FALSE(raw.empty());
    EXPECT_EQ(raw.find(password), std::string::npos) << raw;
    EXPECT_EQ(raw.find("password"), std::string::npos) << "the whole payload is sealed, keys included";
    EXPECT_EQ(raw.find(c.payload["flow"].get<std::string>()), std::string::npos);

    // Key rotation: the new first secret seals, the old one still opens what it sealed.
    selfservice::SealedContinuityRepository sealed_rotated(this->h_->continuity(), rotated);
    auto got = sealed_rotated.Get(c.id);
    ASSERT_TRUE(got) << got.error().reason;
    EXPECT_EQ(got->payload, c.payload);
    EXPECT_EQ(got->name, c.name);
    EXPECT_EQ(got->identity_id, c.identity_id);
    EXPECT_EQ(got->expires_at, c.expires_at);

    // Used: the settings flow reads the container, then deletes it.
    ASSERT_TRUE(sealed_rotated.Delete(c.id));
    EXPECT_EQ(this->Count(cleanup::RecordKind::kContinuityContainers), 0);
    EXPECT_EQ(sealed_rotated.Get(c.id).error().code, 404);

    // Once the old secret is retired its containers no longer open: 404, and the row is dropped.
    selfservice::ContinuityContainer d = c;
    d.id = core::Uuid::V4(this->random_);
    ASSERT_TRUE(sealed_old.Create(d));
    selfservice::SealedContinuityRepository sealed_new(this->h_->continuity(), sealer);
    EXPECT_EQ(sealed_new.Get(d.id).error().code, 404);
    EXPECT_EQ(this->Count(cleanup::RecordKind::kContinuityContainers), 0);

    // A plaintext payload (written before sealing existed) is never handed out either.
    selfservice::ContinuityContainer legacy = c;
    legacy.id = core::Uuid::V4(this->random_);
    ASSERT_TRUE(this->h_->continuity().Create(legacy));
    EXPECT_EQ(sealed_new.Get(legacy.id).error().code, 404);
    EXPECT_EQ(this->Count(cleanup::RecordKind::kContinuityContainers), 0);

    // A sealed payload copied onto another container does not open there.
    selfservice::ContinuityContainer e = c;
    e.id = core::Uuid::V4(this->random_);
    ASSERT_TRUE(sealed_new.Create(e));
    auto stored = this->h_->continuity().Get(e.id);
    ASSERT_TRUE(stored);
    selfservice::ContinuityContainer copy = *stored;
    copy.id = core::Uuid::V4(this->random_);
    ASSERT_TRUE(this->h_->continuity().Create(copy));
    EXPECT_EQ(sealed_new.Get(copy.id).error().code, 404);
    EXPECT_TRUE(sealed_new.Get(e.id).ok());
}

REGISTER_TYPED_TEST_SUITE_P(ExpiredRecordsContract, DeletesExpiredRecordsOfEveryKindAndKeepsTheRest,
                            BatchesAreBoundedAndTakeTheOldestFirst, ACleanupPassHonoursKeepLastAndDrainsInBatches,
                            ContinuityPayloadsAreSealedAtRest);

}  // namespace bia::persistence::testing
