// Contract suite every backend's courier::MessageRepository must pass: the queue's states,
// atomic claims (also from many threads at once), the reclaim of messages a dead dispatcher left
// in processing, and the admin listing (filters, newest first, page tokens). A backend
// instantiates it with a Backend type whose `Make()` handle exposes `courier()`.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/random.hpp"
#include "courier/message_repository.hpp"

namespace bia::persistence::testing {

template <class Backend>
class CourierRepositoryContract : public ::testing::Test {
  protected:
    static constexpr core::TimePoint kT0 = core::TimePoint(std::chrono::seconds(1700000000));

    void SetUp() override { h_ = Backend::Make(); }
    courier::MessageRepository& repo() { return h_->courier(); }

    courier::Message Queue(std::string recipient, core::TimePoint created, core::TimePoint due) {
        courier::Message m;
        m.id = core::Uuid::V4(random_);
        m.recipient = std::move(recipient);
        m.subject = "Please verify your email address";
        m.body = "plain text\nline 2";
        m.html_body = "<p>html</p>";
        m.template_type = "verification_code_valid";
        m.created_at = m.updated_at = created;
        m.next_attempt_at = due;
        auto s = repo().Add(m);
        EXPECT_TRUE(s) << s.error().reason << " " << s.error().debug;
        return m;
    }

    core::SecureRandom random_;
    decltype(Backend::Make()) h_;
};

TYPED_TEST_SUITE_P(CourierRepositoryContract);

TYPED_TEST_P(CourierRepositoryContract, AMessageReadsBackAsStoredAndAnAbsentOneIs404) {
    const auto m = this->Queue("to@example.com", this->kT0, this->kT0);
    auto got = this->repo().Get(m.id);
    ASSERT_TRUE(got) << got.error().debug;
    EXPECT_EQ(got->id, m.id);
    EXPECT_EQ(got->status, courier::MessageStatus::kQueued);
    EXPECT_EQ(got->type, "email");
    EXPECT_EQ(got->recipient, m.recipient);
    EXPECT_EQ(got->subject, m.subject);
    EXPECT_EQ(got->body, m.body);
    EXPECT_EQ(got->html_body, m.html_body);
    EXPECT_EQ(got->template_type, m.template_type);
    EXPECT_EQ(got->send_count, 0);
    EXPECT_EQ(got->created_at, m.created_at);
    EXPECT_EQ(got->next_attempt_at, m.next_attempt_at);
    auto absent = this->repo().Get(core::Uuid::V4(this->random_));
    ASSERT_FALSE(absent);
    EXPECT_EQ(absent.error().code, 404);
    EXPECT_EQ(this->repo().MarkSent(core::Uuid::V4(this->random_), this->kT0).error().code, 404);
}

TYPED_TEST_P(CourierRepositoryContract, ClaimsTakeDueQueuedMessagesOnceOldestFirst) {
    using namespace std::chrono_literals;
    const auto t0 = this->kT0;
    const auto b = this->Queue("b@example.com", t0 + 2s, t0);
    const auto a = this->Queue("a@example.com", t0 + 1s, t0);
    const auto later = this->Queue("later@example.com", t0, t0 + 1h);  // not due yet
    const auto c = this->Queue("c@example.com", t0 + 3s, t0 - 1s);

    auto first = this->repo().ClaimDue(t0 + 10s, 2, 10min);
    ASSERT_TRUE(first) << first.error().debug;
    ASSERT_EQ(first->size(), 2u);
    EXPECT_EQ((*first)[0].id, a.id);
    EXPECT_EQ((*first)[1].id, b.id);
    EXPECT_EQ((*first)[0].status, courier::MessageStatus::kProcessing);
    EXPECT_EQ(this->repo().Get(a.id)->status, courier::MessageStatus::kProcessing);
    auto second = this->repo().ClaimDue(t0 + 10s, 10, 10min);
    ASSERT_TRUE(second);
    ASSERT_EQ(second->size(), 1u);
    EXPECT_EQ((*second)[0].id, c.id);
    EXPECT_TRUE(this->repo().ClaimDue(t0 + 20s, 10, 10min)->empty()) << "claimed ones are not handed out again";
    EXPECT_EQ(this->repo().Get(later.id)->status, courier::MessageStatus::kQueued);
    EXPECT_TRUE(this->repo().ClaimDue(t0 + 10s, 0, 10min)->empty());
}

TYPED_TEST_P(CourierRepositoryContract, AMessageLeftInProcessingIsDueAgainAfterTheClaimTimeout) {
    using namespace std::chrono_literals;
    const auto t0 = this->kT0;
    const auto m = this->Queue("crash@example.com", t0, t0);
    ASSERT_EQ(this->repo().ClaimDue(t0, 10, 10min)->size(), 1u);
    EXPECT_TRUE(this->repo().ClaimDue(t0 + 9min, 10, 10min)->empty());
    auto again = this->repo().ClaimDue(t0 + 10min, 10, 10min);
    ASSERT_TRUE(again);
    ASSERT_EQ(again->size(), 1u);
    EXPECT_EQ((*again)[0].id, m.id);
    EXPECT_TRUE(this->repo().ClaimDue(t0 + 11min, 10, 10min)->empty()) << "the reclaim renewed the claim";
}

TYPED_TEST_P(CourierRepositoryContract, AttemptsCountAndFailuresRetryOrAbandon) {
    using namespace std::chrono_literals;
    const auto t0 = this->kT0;
    const auto m = this->Queue("retry@example.com", t0, t0);
    ASSERT_EQ(this->repo().ClaimDue(t0, 10, 10min)->size(), 1u);
    ASSERT_TRUE(this->repo().MarkFailed(m.id, t0 + 1s, "451 try again later", t0 + 3s));
    auto failed = this->repo().Get(m.id);
    EXPECT_EQ(failed->status, courier::MessageStatus::kQueued);
    EXPECT_EQ(failed->send_count, 1);
    EXPECT_EQ(failed->last_error, "451 try again later");
    EXPECT_EQ(failed->next_attempt_at, t0 + 3s);
    EXPECT_EQ(failed->updated_at, t0 + 1s);
    EXPECT_TRUE(this->repo().ClaimDue(t0 + 2s, 10, 10min)->empty()) << "not before the retry time";
    ASSERT_EQ(this->repo().ClaimDue(t0 + 3s, 10, 10min)->size(), 1u);
    ASSERT_TRUE(this->repo().MarkSent(m.id, t0 + 4s));
    auto sent = this->repo().Get(m.id);
    EXPECT_EQ(sent->status, courier::MessageStatus::kSent);
    EXPECT_EQ(sent->send_count, 2);
    EXPECT_EQ(sent->updated_at, t0 + 4s);
    EXPECT_TRUE(this->repo().ClaimDue(t0 + 1h, 10, 10min)->empty()) << "sent is final";

    const auto n = this->Queue("gone@example.com", t0, t0);
    ASSERT_EQ(this->repo().ClaimDue(t0, 10, 10min)->size(), 1u);
    ASSERT_TRUE(this->repo().MarkFailed(n.id, t0 + 1s, "550 no such user", std::nullopt));
    auto abandoned = this->repo().Get(n.id);
    EXPECT_EQ(abandoned->status, courier::MessageStatus::kAbandoned);
    EXPECT_EQ(abandoned->send_count, 1);
    EXPECT_TRUE(this->repo().ClaimDue(t0 + 1h, 10, 10min)->empty()) << "abandoned is final";
}

TYPED_TEST_P(CourierRepositoryContract, ListingFiltersAndPagesNewestFirst) {
    using namespace std::chrono_literals;
    const auto t0 = this->kT0;
    std::vector<courier::Message> all;  // oldest first
    for (int i = 0; i < 7; ++i)
        all.push_back(this->Queue(i % 2 ? "odd@example.com" : "even@example.com", t0 + std::chrono::seconds(i), t0));
    // Two messages created at the same instant are ordered by id, and paging does not lose one.
    all.push_back(this->Queue("even@example.com", t0 + 6s, t0));
    ASSERT_EQ(this->repo().ClaimDue(t0, 1, 10min)->size(), 1u);  // all[0] → processing
    ASSERT_TRUE(this->repo().MarkSent(all[0].id, t0 + 1min));

    courier::MessageFilter f;
    auto everything = this->repo().List(f);
    ASSERT_TRUE(everything) << everything.error().debug;
    ASSERT_EQ(everything->messages.size(), 8u);
    EXPECT_FALSE(everything->next.has_value());
    for (size_t i = 1; i < everything->messages.size(); ++i)
        EXPECT_GE(everything->messages[i - 1].created_at, everything->messages[i].created_at);

    std::set<std::string> seen;
    f.page_size = 3;
    int pages = 0;
    for (;;) {
        auto page = this->repo().List(f);
        ASSERT_TRUE(page);
        ++pages;
        for (const auto& m : page->messages) EXPECT_TRUE(seen.insert(m.id.ToString()).second);
        if (!page->next) break;
        ASSERT_EQ(page->messages.size(), 3u);
        f.after = page->next;
        ASSERT_LT(pages, 10);
    }
    EXPECT_EQ(pages, 3);
    EXPECT_EQ(seen.size(), 8u);

    courier::MessageFilter odd;
    odd.recipient = "odd@example.com";
    EXPECT_EQ(this->repo().List(odd)->messages.size(), 3u);
    courier::MessageFilter sent;
    sent.status = courier::MessageStatus::kSent;
    auto s = this->repo().List(sent);
    ASSERT_EQ(s->messages.size(), 1u);
    EXPECT_EQ(s->messages[0].id, all[0].id);
    sent.recipient = "odd@example.com";
    EXPECT_TRUE(this->repo().List(sent)->messages.empty());
    courier::MessageFilter nobody;
    nobody.recipient = "nobody@example.com";
    EXPECT_TRUE(this->repo().List(nobody)->messages.empty());
}

TYPED_TEST_P(CourierRepositoryContract, ConcurrentClaimsNeverHandOutAMessageTwice) {
    using namespace std::chrono_literals;
    const auto t0 = this->kT0;
    constexpr int kMessages = 60;
    for (int i = 0; i < kMessages; ++i) (void)this->Queue("many@example.com", t0 + std::chrono::seconds(i), t0);
    std::mutex mu;
    std::vector<std::string> claimed;
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int k = 0; k < 4; ++k) {
        threads.emplace_back([&] {
            for (;;) {
                auto got = this->repo().ClaimDue(t0 + 1h, 4, 10min);
                if (!got) {
                    ++failures;
                    continue;
                }
                if (got->empty()) return;
                std::lock_guard lock(mu);
                for (const auto& m : *got) claimed.push_back(m.id.ToString());
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(failures.load(), 0);
    EXPECT_EQ(claimed.size(), static_cast<size_t>(kMessages));
    EXPECT_EQ(std::set<std::string>(claimed.begin(), claimed.end()).size(), static_cast<size_t>(kMessages));
}

REGISTER_TYPED_TEST_SUITE_P(CourierRepositoryContract, AMessageReadsBackAsStoredAndAnAbsentOneIs404,
                            ClaimsTakeDueQueuedMessagesOnceOldestFirst,
                            AMessageLeftInProcessingIsDueAgainAfterTheClaimTimeout,
                            AttemptsCountAndFailuresRetryOrAbandon, ListingFiltersAndPagesNewestFirst,
                            ConcurrentClaimsNeverHandOutAMessageTwice);

}  // namespace bia::persistence::testing
