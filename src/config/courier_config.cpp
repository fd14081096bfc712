#include "config/courier_config.hpp"

#include "config/key_schema.hpp"

namespace bia::config {

core::Status BuildCourierConfig(const ParsedValues& v, Config& c, Warnings& warnings) {
    CourierConfig& courier = c.courier;
    if (const auto* p = v.Get<std::string>("courier.delivery_strategy")) {
        if (*p != "smtp")
            return KeyError("courier.delivery_strategy",
                            "\"" + *p + "\" is not built into Bia; only \"smtp\" is supported");
        courier.delivery_strategy = *p;
    }
    if (const auto* p = v.Get<std::string>("courier.smtp.connection_uri")) courier.smtp_connection_uri = *p;
    if (const auto* p = v.Get<std::string>("courier.smtp.from_address")) courier.smtp_from_address = *p;
    if (const auto* p = v.Get<std::string>("courier.smtp.from_name")) courier.smtp_from_name = *p;
    if (const auto* p = v.Get<std::string>("courier.smtp.local_name")) courier.smtp_local_name = *p;
    if (const auto* headers = v.Get<std::map<std::string, std::string>>("courier.smtp.headers"))
        courier.smtp_headers = *headers;
    if (const auto* p = v.Get<std::string>("courier.template_override_path")) courier.template_override_path = *p;
    for (const auto& key : CourierTemplateKeys()) {
        const std::string path = "courier.templates." + key;
        const auto* p = v.Get<std::string>(path);
        if (!p) continue;
        if (!p->starts_with("file://") && !p->starts_with("base64://") && !p->starts_with("http://") &&
            !p->starts_with("https://"))
            return KeyError(path, "must be a file://, base64://, http:// or https:// URL");
        courier.templates[key] = *p;
    }
    if (const auto* p = v.Get<int64_t>("courier.message_retries")) courier.message_retries = *p;
    if (const auto* p = v.Get<int64_t>("courier.worker.pull_count")) courier.worker_pull_count = *p;
    if (const auto* p = v.Get<core::Duration>("courier.worker.pull_wait")) courier.worker_pull_wait = *p;
    const auto& flows = c.selfservice.flows;
    if (!courier.smtp_connection_uri && (flows.verification.enabled || flows.recovery.enabled))
        warnings.push_back(
            "courier.smtp.connection_uri is not set; verification and recovery messages cannot be "
            "delivered");
    return core::Status::Ok();
}

}  // namespace bia::config
