#include "core/error.hpp"

namespace bia::core {

std::string_view Error::DefaultMessage(int code) {
    switch (code) {
        case 400:
            return "The request was malformed or contained invalid parameters";
        case 401:
            return "The request could not be authorized";
        case 403:
            return "The requested action was forbidden";
        case 404:
            return "The requested resource could not be found";
        case 405:
            return "The requested HTTP method is not allowed for this resource";
        case 409:
            return "The resource could not be created due to a conflict";
        case 410:
            return "The requested resource is no longer available because it has expired or is otherwise invalid.";
        case 413:
            return "The request body is too large";
        case 415:
            return "The request's content type is not supported";
        case 422:
            return "The request was well-formed but was unable to be followed due to semantic errors";
        case 429:
            return "Too many requests, please retry later";
        case 431:
            return "The request header fields are too large";
        case 501:
            return "The requested functionality is not implemented";
        case 502:
            return "An upstream server sent an invalid response";
        case 503:
            return "The service is temporarily unavailable, please retry later";
        default:
            return "An internal server error occurred, please contact the system administrator";
    }
}

std::string_view Error::StatusText(int code) {
    switch (code) {
        case 200:
            return "OK";
        case 201:
            return "Created";
        case 204:
            return "No Content";
        case 302:
            return "Found";
        case 303:
            return "See Other";
        case 307:
            return "Temporary Redirect";
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 408:
            return "Request Timeout";
        case 409:
            return "Conflict";
        case 410:
            return "Gone";
        case 413:
            return "Request Entity Too Large";
        case 415:
            return "Unsupported Media Type";
        case 422:
            return "Unprocessable Entity";
        case 429:
            return "Too Many Requests";
        case 431:
            return "Request Header Fields Too Large";
        case 500:
            return "Internal Server Error";
        case 501:
            return "Not Implemented";
        case 502:
            return "Bad Gateway";
        case 503:
            return "Service Unavailable";
        case 504:
            return "Gateway Timeout";
        default:
            return "";
    }
}

std::string Error::EffectiveMessage() const { return message.empty() ? std::string(DefaultMessage(code)) : message; }

nlohmann::json Error::ToJson(std::string_view request_id) const {
    nlohmann::json e = nlohmann::json::object();
    if (!id.empty()) e["id"] = id;
    e["code"] = code;
    if (auto s = StatusText(code); !s.empty()) e["status"] = s;
    if (!request_id.empty()) e["request"] = request_id;
    if (!reason.empty()) e["reason"] = reason;
    if (!debug.empty()) e["debug"] = debug;
    if (details.is_object() && !details.empty()) e["details"] = details;
    e["message"] = message.empty() ? std::string(DefaultMessage(code)) : message;
    return e;
}

nlohmann::json Error::ToEnvelope(std::string_view request_id) const {
    nlohmann::json env = nlohmann::json::object();
    env["error"] = ToJson(request_id);
    if (extra.is_object()) {
        for (auto it = extra.begin(); it != extra.end(); ++it) env[it.key()] = it.value();
    }
    return env;
}

Error BadRequest(std::string reason) { return Error(400, std::move(reason)); }
Error Unauthorized(std::string reason) { return Error(401, std::move(reason)); }
Error Forbidden(std::string reason) { return Error(403, std::move(reason)); }
Error NotFound(std::string reason) { return Error(404, std::move(reason)); }
Error ResourceNotFound() { return NotFound("").WithMessage("Unable to locate the resource"); }
Error Conflict(std::string reason) { return Error(409, std::move(reason)); }
Error Gone(std::string reason) { return Error(410, std::move(reason)); }
Error Internal(std::string reason) { return Error(500, std::move(reason)); }
Error Unavailable(std::string reason) { return Error(503, std::move(reason)); }

}  // namespace bia::core
