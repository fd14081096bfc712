#include "selfservice/flow/continuity.hpp"

#include <gtest/gtest.h>

#include <map>

#include "selfservice/flow/flow_errors.hpp"

namespace bia::selfservice {
namespace {

class MemoryContinuity final : public ContinuityRepository {
  public:
    core::Status Create(const ContinuityContainer& c) override {
        items[c.id] = c;
        return {};
    }
    core::Result<ContinuityContainer> Get(const core::Uuid& id) override {
        auto it = items.find(id);
        if (it == items.end()) return FlowNotFound();
        return it->second;
    }
    core::Status Delete(const core::Uuid& id) override {
        items.erase(id);
        return {};
    }
    std::map<core::Uuid, ContinuityContainer> items;
};

class ContinuitySealing : public ::testing::Test {
  protected:
    crypto::CookieSealer Sealer(std::vector<std::string> secrets) {
        return crypto::CookieSealer::Create(std::move(secrets), random_).value();
    }
    core::SeededRandom random_{11};
    core::Uuid id_ = core::Uuid::V4(random_);
};

TEST_F(ContinuitySealing, SmallPayloadsAreOneSealedChunkThatOpensUnderItsIdOnly) {
    auto sealer = Sealer({"cipher-secret-0123456789abcdef"});
    const nlohmann::json payload = {{"flow", "f"}, {"body", {{"password", "hunter2 but longer"}}}};
    auto sealed = SealContinuityPayload(sealer, id_, payload);
    ASSERT_TRUE(sealed);
    ASSERT_TRUE(sealed->is_object());
    ASSERT_EQ(sealed->at("sealed").size(), 1u);
    EXPECT_EQ(sealed->dump().find("hunter2"), std::string::npos);
    EXPECT_EQ(OpenContinuityPayload(sealer, id_, *sealed).value(), payload);
    EXPECT_EQ(OpenContinuityPayload(sealer, core::Uuid::V4(random_), *sealed).error().code, 400);
    // Sealing twice gives different text (fresh nonces).
    EXPECT_NE(SealContinuityPayload(sealer, id_, payload)->dump(), sealed->dump());
}

TEST_F(ContinuitySealing, LargePayloadsAreChunkedAndOpenOnlyWholeAndInOrder) {
    auto sealer = Sealer({"cipher-secret-0123456789abcdef"});
    nlohmann::json payload = {{"flow", "f"}, {"body", {{"traits", {{"bio", std::string(100'000, 'x')}}}}}};
    auto sealed = SealContinuityPayload(sealer, id_, payload);
    ASSERT_TRUE(sealed) << sealed.error().reason;
    const size_t chunks = sealed->at("sealed").size();
    EXPECT_EQ(chunks, (payload.dump().size() + kContinuitySealChunk - 1) / kContinuitySealChunk);
    EXPECT_GT(chunks, 10u);
    EXPECT_EQ(OpenContinuityPayload(sealer, id_, *sealed).value(), payload);

    auto truncated = *sealed;
    truncated["sealed"].erase(truncated["sealed"].size() - 1);
    EXPECT_FALSE(OpenContinuityPayload(sealer, id_, truncated));
    auto swapped = *sealed;
    std::swap(swapped["sealed"][0], swapped["sealed"][1]);
    EXPECT_FALSE(OpenContinuityPayload(sealer, id_, swapped));
    auto tampered = *sealed;
    std::string& first = tampered["sealed"][0].get_ref<std::string&>();
    first[first.size() / 2] = first[first.size() / 2] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(OpenContinuityPayload(sealer, id_, tampered));
}

TEST_F(ContinuitySealing, AnythingElseIsRefused) {
    auto sealer = Sealer({"cipher-secret-0123456789abcdef"});
    for (const char* text :
         {R"(null)", R"({})", R"([])", R"("x")", R"({"sealed":[]})", R"({"sealed":"abc"})", R"({"sealed":[1]})",
          R"({"sealed":["not sealed"]})", R"({"flow":"f","body":{"password":"plaintext"}})"}) {
        EXPECT_EQ(OpenContinuityPayload(sealer, id_, nlohmann::json::parse(text)).error().code, 400) << text;
    }
    auto sealed = SealContinuityPayload(sealer, id_, {{"a", 1}}).value();
    sealed["extra"] = true;
    EXPECT_FALSE(OpenContinuityPayload(sealer, id_, sealed)) << "only the sealed member";
    nlohmann::json many = {{"sealed", nlohmann::json::array()}};
    for (int i = 0; i < 1025; ++i) many["sealed"].push_back("x");
    EXPECT_FALSE(OpenContinuityPayload(sealer, id_, many));
}

TEST_F(ContinuitySealing, SecretsRotate) {
    auto old_sealer = Sealer({"the-old-cipher-secret-0123456789"});
    auto rotated = Sealer({"the-new-cipher-secret-abcdefghij", "the-old-cipher-secret-0123456789"});
    auto only_new = Sealer({"the-new-cipher-secret-abcdefghij"});
    const nlohmann::json payload = {{"k", "v"}};
    auto by_old = SealContinuityPayload(old_sealer, id_, payload).value();
    EXPECT_EQ(OpenContinuityPayload(rotated, id_, by_old).value(), payload);
    EXPECT_FALSE(OpenContinuityPayload(only_new, id_, by_old));
    auto by_rotated = SealContinuityPayload(rotated, id_, payload).value();
    EXPECT_EQ(OpenContinuityPayload(only_new, id_, by_rotated).value(), payload) << "the first secret seals";
}

TEST_F(ContinuitySealing, TheRepositoryStoresSealedAndDropsWhatDoesNotOpen) {
    auto sealer = Sealer({"cipher-secret-0123456789abcdef"});
    MemoryContinuity stored;
    SealedContinuityRepository repo(stored, sealer);
    ContinuityContainer c;
    c.id = id_;
    c.name = "ory_kratos_settings_password";
    c.payload = {{"flow", "f"}, {"body", {{"password", "s3cret-new-password"}}}};
    ASSERT_TRUE(repo.Create(c));
    EXPECT_EQ(stored.items.at(id_).payload.dump().find("s3cret"), std::string::npos);
    EXPECT_EQ(stored.items.at(id_).name, c.name);
    auto got = repo.Get(id_);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->payload, c.payload);
    ASSERT_TRUE(repo.Delete(id_));
    EXPECT_TRUE(stored.items.empty());
    EXPECT_EQ(repo.Get(id_).error().code, 404);

    // A plaintext container (written before sealing) is reported absent and removed.
    ASSERT_TRUE(stored.Create(c));
    EXPECT_EQ(repo.Get(id_).error().code, 404);
    EXPECT_TRUE(stored.items.empty());
}

}  // namespace
}  // namespace bia::selfservice
