// The courier's delivery side as `serve --watch-courier` and `bia courier watch` run it: the SMTP
// sender and the dispatcher built from `courier.*`, logging one JSON event per attempt (message
// id, template type, attempt count and the error — never the recipient's message or the SMTP
// password).
#pragma once

#include <memory>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "courier/dispatcher.hpp"
#include "courier/message_repository.hpp"
#include "courier/smtp_sender.hpp"

namespace bia::app {

courier::DispatcherOptions DispatcherOptionsFrom(const config::CourierConfig& config);

struct CourierWorker {
    std::unique_ptr<courier::SmtpSender> sender;
    std::unique_ptr<courier::Dispatcher> dispatcher;  // not started
};

// A config error when courier.smtp.connection_uri is missing or malformed.
core::Result<CourierWorker> BuildCourierWorker(const config::CourierConfig& config,
                                               courier::MessageRepository& messages, const core::Clock& clock);

}  // namespace bia::app
