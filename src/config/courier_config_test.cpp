// The courier.* keys: the dispatcher's settings, the delivery strategy and template overrides.
#include <gtest/gtest.h>

#include "config/config.hpp"

namespace bia::config {
namespace {

core::Result<Config> LoadCourierYaml(const std::string& extra, const Environment& env = {}) {
    return LoadConfigFromYaml({{"base.yml",
                                "dsn: memory\nidentity:\n  schemas:\n    - id: default\n"
                                "      url: file://config/identity.schema.json\n"},
                               {"extra.yml", extra}},
                              env, false, nullptr);
}

std::string CourierErrorOf(const std::string& extra) {
    auto c = LoadCourierYaml(extra);
    return c.ok() ? "<loaded without error>" : c.error().reason;
}

TEST(ConfigCourier, DefaultsAndTheDispatcherKeys) {
    auto d = LoadCourierYaml("");
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d->courier.message_retries, 5);
    EXPECT_EQ(d->courier.worker_pull_count, 10);
    EXPECT_EQ(d->courier.worker_pull_wait, std::chrono::seconds(1));
    EXPECT_EQ(d->courier.delivery_strategy, "smtp");
    EXPECT_TRUE(d->courier.smtp_local_name.empty());
    EXPECT_TRUE(d->courier.templates.empty());
    auto c = LoadCourierYaml(
        "courier:\n  message_retries: 3\n  delivery_strategy: smtp\n  worker:\n    pull_count: 50\n"
        "    pull_wait: 250ms\n  smtp:\n    local_name: mx.bia.example\n");
    ASSERT_TRUE(c.ok()) << c.error().reason;
    EXPECT_EQ(c->courier.message_retries, 3);
    EXPECT_EQ(c->courier.worker_pull_count, 50);
    EXPECT_EQ(c->courier.worker_pull_wait, std::chrono::milliseconds(250));
    EXPECT_EQ(c->courier.smtp_local_name, "mx.bia.example");
    auto env = LoadCourierYaml("", {{"COURIER_MESSAGE_RETRIES", "9"}, {"COURIER_WORKER_PULL_WAIT", "2s"}});
    ASSERT_TRUE(env.ok()) << env.error().reason;
    EXPECT_EQ(env->courier.message_retries, 9);
    EXPECT_EQ(env->courier.worker_pull_wait, std::chrono::seconds(2));
}

TEST(ConfigCourier, TheHttpStrategyIsRefusedClearly) {
    EXPECT_EQ(CourierErrorOf("courier:\n  delivery_strategy: http\n"),
              "config: courier.delivery_strategy: \"http\" is not built into Bia; only \"smtp\" is supported");
    EXPECT_EQ(CourierErrorOf("courier:\n  delivery_strategy: pigeon\n"),
              "config: courier.delivery_strategy: invalid value \"pigeon\" (expected one of: smtp, http)");
    EXPECT_NE(CourierErrorOf("courier:\n  message_retries: 0\n"), "");
    EXPECT_NE(CourierErrorOf("courier:\n  worker:\n    pull_count: 0\n"), "");
}

TEST(ConfigCourier, TemplateOverridesByKratossKeys) {
    auto c = LoadCourierYaml(
        "courier:\n  template_override_path: /etc/bia/courier\n  templates:\n    verification_code:\n"
        "      valid:\n        email:\n          subject: base64://SGVsbG8=\n          body:\n"
        "            html: https://t.example/v.html\n            plaintext: file:///etc/bia/v.txt\n"
        "    recovery:\n      invalid:\n        email:\n          subject: file:///etc/bia/r.txt\n");
    ASSERT_TRUE(c.ok()) << c.error().reason;
    EXPECT_EQ(c->courier.template_override_path, "/etc/bia/courier");
    EXPECT_EQ(c->courier.templates.size(), 4u);
    EXPECT_EQ(c->courier.templates.at("verification_code.valid.email.subject"), "base64://SGVsbG8=");
    EXPECT_EQ(c->courier.templates.at("verification_code.valid.email.body.html"), "https://t.example/v.html");
    EXPECT_EQ(c->courier.templates.at("verification_code.valid.email.body.plaintext"), "file:///etc/bia/v.txt");
    EXPECT_EQ(c->courier.templates.at("recovery.invalid.email.subject"), "file:///etc/bia/r.txt");
    EXPECT_EQ(CourierErrorOf("courier:\n  templates:\n    recovery:\n      valid:\n        email:\n"
                             "          subject: Hello {{ .To }}\n"),
              "config: courier.templates.recovery.valid.email.subject: must be a file://, base64://, http:// or "
              "https:// URL");
}

}  // namespace
}  // namespace bia::config
