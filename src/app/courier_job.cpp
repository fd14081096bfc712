#include "app/courier_job.hpp"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

namespace bia::app {

courier::DispatcherOptions DispatcherOptionsFrom(const config::CourierConfig& config) {
    courier::DispatcherOptions o;
    o.pull_count = config.worker_pull_count;
    o.pull_wait = config.worker_pull_wait;
    o.message_retries = config.message_retries;
    return o;
}

core::Result<CourierWorker> BuildCourierWorker(const config::CourierConfig& config,
                                               courier::MessageRepository& messages, const core::Clock& clock) {
    if (!config.smtp_connection_uri)
        return core::Internal("config: courier.smtp.connection_uri is required to deliver courier messages");
    courier::SmtpOptions smtp;
    smtp.connection_uri = *config.smtp_connection_uri;
    smtp.from_address = config.smtp_from_address;
    smtp.from_name = config.smtp_from_name;
    smtp.headers = config.smtp_headers;
    smtp.local_name = config.smtp_local_name;
    CourierWorker w;
    BIA_TRY_ASSIGN(w.sender, courier::SmtpSender::Create(std::move(smtp), clock));
    w.dispatcher = std::make_unique<courier::Dispatcher>(
        messages, *w.sender, clock, DispatcherOptionsFrom(config),
        [retries = config.message_retries](const courier::Message& m, const core::Status& outcome) {
            nlohmann::json event = {
                {"message_id", m.id.ToString()}, {"template_type", m.template_type}, {"attempt", m.send_count + 1}};
            if (outcome) {
                event["msg"] = "courier message sent";
                spdlog::info("{}", event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
                return;
            }
            event["msg"] = m.send_count + 1 >= retries ? "courier message abandoned" : "courier delivery failed";
            event["error"] = outcome.error().reason;
            spdlog::warn("{}", event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
        });
    w.dispatcher->OnRoundError([](const core::Error& e) {
        const nlohmann::json event = {{"msg", "courier dispatch failed"}, {"error", e.reason}};
        spdlog::warn("{}", event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    });
    return w;
}

}  // namespace bia::app
