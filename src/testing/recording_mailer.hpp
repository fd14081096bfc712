// A courier::Mailer that keeps what the flows asked to send, for flow tests (header-only).
#pragma once

#include <string>
#include <vector>

#include "courier/mailer.hpp"

namespace bia::testing {

class RecordingMailer final : public courier::Mailer {
  public:
    struct Sent {
        courier::Template type;
        std::string recipient;
        nlohmann::json model;
    };
    core::Status Queue(courier::Template t, std::string_view recipient, const nlohmann::json& model) override {
        sent.push_back({t, std::string(recipient), model});
        return core::Status::Ok();
    }
    std::vector<Sent> sent;
};

}  // namespace bia::testing
