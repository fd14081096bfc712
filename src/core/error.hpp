// Errors as values. An Error carries everything Kratos puts in its JSON error envelope
// (settings-flow.md §1.3) plus the "enhanced" top-level extras, so any layer can fail without
// knowing about HTTP; http/ turns it into a response.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace bia::core {

struct Error {
    int code = 500;          // HTTP status the error maps to
    std::string id;          // Kratos error id, e.g. "session_inactive"; empty = none
    std::string reason;      // human-readable reason
    std::string message;     // short generic message; defaulted from `code` when empty
    std::string debug;       // only serialised when non-empty
    nlohmann::json details;  // object or null
    nlohmann::json extra;    // enhanced errors: top-level siblings of "error" (object or null)

    Error() = default;
    Error(int c, std::string r) : code(c), reason(std::move(r)) {}

    Error&& WithId(std::string v) && {
        id = std::move(v);
        return std::move(*this);
    }
    Error&& WithMessage(std::string v) && {
        message = std::move(v);
        return std::move(*this);
    }
    Error&& WithDetail(const std::string& k, nlohmann::json v) && {
        details[k] = std::move(v);
        return std::move(*this);
    }
    Error&& WithExtra(const std::string& k, nlohmann::json v) && {
        extra[k] = std::move(v);
        return std::move(*this);
    }

    // The generic message Kratos uses for a status code (settings-flow.md §1.3).
    static std::string_view DefaultMessage(int code);
    // The HTTP reason phrase ("Bad Request", ...).
    static std::string_view StatusText(int code);

    std::string EffectiveMessage() const;

    // {"code":..,"status":..,"reason":..,...} without the envelope.
    nlohmann::json ToJson(std::string_view request_id = {}) const;
    // {"error":{...}, ...extra}
    nlohmann::json ToEnvelope(std::string_view request_id = {}) const;
};

// Common constructors.
Error BadRequest(std::string reason);
Error Unauthorized(std::string reason);
Error Forbidden(std::string reason);
Error NotFound(std::string reason);
// 404 with Kratos's "Unable to locate the resource" message (a missing identity, session or flow).
Error ResourceNotFound();
Error Conflict(std::string reason);
Error Gone(std::string reason);
Error Internal(std::string reason);
Error Unavailable(std::string reason);

}  // namespace bia::core
