// Every model of the document, from generated examples: decoding then encoding gives back the
// same JSON (all keys, and required keys only); dropping any required key, giving the wrong JSON
// type or an unknown enum value fails with JsonDecodeError; unknown keys are ignored.
#include <gtest/gtest.h>

#include <bia/client/error.hpp>
#include <cctype>
#include <set>
#include <string>
#include <vector>

#include "model_cases.hpp"

namespace bia::client::testing {
namespace {

class ModelRoundTrip : public ::testing::TestWithParam<ModelCase> {};

TEST_P(ModelRoundTrip, DecodesAndEncodesBackTheSameJson) {
    const ModelCase& c = GetParam();
    const auto example = nlohmann::json::parse(c.json);
    nlohmann::json encoded;
    ASSERT_NO_THROW(encoded = c.round_trip(example)) << c.json;
    EXPECT_EQ(encoded, example) << "decoded+encoded: " << encoded.dump() << "\nexample: " << c.json;
}

TEST_P(ModelRoundTrip, MissingRequiredKeyIsADecodeError) {
    const ModelCase& c = GetParam();
    for (const auto& key : c.required) {
        auto document = nlohmann::json::parse(c.json);
        document.erase(key);
        try {
            c.round_trip(document);
            ADD_FAILURE() << c.name << ": decoding succeeded without required key `" << key << "`";
        } catch (const JsonDecodeError& e) {
            EXPECT_EQ(e.path(), key) << e.what();
        }
    }
}

class ObjectRoundTrip : public ::testing::TestWithParam<ModelCase> {};

TEST_P(ObjectRoundTrip, UnknownKeysAreIgnored) {
    const ModelCase& c = GetParam();
    const auto example = nlohmann::json::parse(c.json);
    auto document = example;
    document["x_bia_not_in_the_schema"] = {{"nested", 1}};
    EXPECT_EQ(c.round_trip(document), example);
}

TEST_P(ModelRoundTrip, WrongJsonTypeIsADecodeError) {
    const ModelCase& c = GetParam();
    EXPECT_THROW(c.round_trip(nlohmann::json::array({1, 2})), JsonDecodeError);
    if (c.kind == ModelCase::Kind::kEnum) {
        EXPECT_THROW(c.round_trip(nlohmann::json("x-not-a-known-value")), JsonDecodeError);
    }
}

std::string CaseName(const ::testing::TestParamInfo<ModelCase>& info) {
    std::string name;
    for (const char ch : std::string(info.param.name)) {
        name += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
    }
    return name + "_" + std::to_string(info.index);
}

std::vector<ModelCase> ObjectCases() {
    std::vector<ModelCase> objects;
    for (const auto& c : GeneratedModelCases()) {
        if (c.kind != ModelCase::Kind::kEnum) objects.push_back(c);
    }
    return objects;
}

INSTANTIATE_TEST_SUITE_P(AllModels, ModelRoundTrip, ::testing::ValuesIn(GeneratedModelCases()), CaseName);
INSTANTIATE_TEST_SUITE_P(AllModels, ObjectRoundTrip, ::testing::ValuesIn(ObjectCases()), CaseName);

TEST(ModelRoundTripCoverage, EverySchemaOfTheDocumentHasExamples) {
    std::set<std::string> models;
    for (const auto& c : GeneratedModelCases()) {
        const std::string name = c.name;
        models.insert(name.substr(0, name.find('/')));
    }
    // Spot checks of the models the journey relies on; the generator emits one per schema.
    for (const char* expected :
         {"Identity", "Session", "SelfServiceSettingsFlow", "SelfServiceLoginFlow", "JsonError", "UiNode",
          "SubmitSelfServiceSettingsFlowBody", "SubmitSelfServiceLoginFlowBody", "UiNodeAttributes",
          "AdminCreateIdentityBody", "SelfServiceSettingsFlowState", "UiNode::Group"}) {
        EXPECT_TRUE(models.count(expected)) << expected;
    }
    EXPECT_GE(models.size(), 80u);
}

}  // namespace
}  // namespace bia::client::testing
