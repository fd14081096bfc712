// courier::Courier, the Mailer the flows queue mail through: it renders the template with the
// model (To, RequestURL, Identity, VerificationURL, VerificationCode, RecoveryURL, RecoveryCode)
// and stores the message as queued; the Dispatcher delivers it later. Nothing here talks SMTP.
#pragma once

#include "core/clock.hpp"
#include "core/random.hpp"
#include "courier/mailer.hpp"
#include "courier/message_repository.hpp"
#include "courier/templates.hpp"

namespace bia::courier {

// An address longer than this is refused (RFC 5321's path limits, generously).
inline constexpr size_t kMaxRecipientBytes = 320;
// A rendered body (plaintext or HTML) larger than this is refused.
inline constexpr size_t kMaxBodyBytes = size_t{256} * 1024;

class Courier final : public Mailer {
  public:
    Courier(MessageRepository& messages, const Templates& templates, const core::Clock& clock, core::Random& random)
        : messages_(messages), templates_(templates), clock_(clock), random_(random) {}

    // 400 for a recipient that is empty, too long or holds a line break; 400 for a body over
    // kMaxBodyBytes; else the repository's answer. `model`'s To defaults to the recipient.
    core::Status Queue(Template t, std::string_view recipient, const nlohmann::json& model) override;

  private:
    MessageRepository& messages_;
    const Templates& templates_;
    const core::Clock& clock_;
    core::Random& random_;
};

}  // namespace bia::courier
