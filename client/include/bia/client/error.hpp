// The error side of every operation, as in Ory's generated clients: Error<T> says whether the
// request never got an answer (TransportError), got an answer the client could not decode
// (SerdeError), or got an error status (ResponseContent<T>, with the body decoded into the
// operation's error variant T when possible).
#pragma once

#include <cstddef>
#include <exception>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace bia::client {

// No HTTP answer: connection refused, DNS failure, timeout, TLS failure, invalid request input.
struct TransportError {
    int code = 0;  // the libcurl CURLcode
    std::string message;
};

// An answer whose body is not what the operation's success type needs (or not JSON at all).
struct SerdeError {
    std::string message;  // what did not match, with the JSON path (e.g. `ui.nodes[2].group`)
    long status = 0;      // HTTP status of the answer
    std::string content;  // the raw body
};

// An answer with an error status (>= 400, or a redirect where the operation expects a body).
// `entity` holds the decoded body when it is JSON; it is empty for non-JSON bodies.
template <class T>
struct ResponseContent {
    long status = 0;
    std::string content;
    std::optional<T> entity;
};

template <class T>
using Error = std::variant<TransportError, SerdeError, ResponseContent<T>>;

// Alternatives of the per-operation error variants (`SubmitSelfServiceSettingsFlowError::Status400`
// is Status<400, models::SelfServiceSettingsFlow>): the body decoded as the schema the OpenAPI
// document gives for that status.
template <long Code, class T>
struct Status {
    static constexpr long code = Code;
    T value;
    friend bool operator==(const Status&, const Status&) = default;
};

// Any other error status whose body is the standard error envelope (models::JsonError), or a
// documented status whose body does not have the documented shape but is an envelope.
template <class T>
struct DefaultResponse {
    T value;
    friend bool operator==(const DefaultResponse&, const DefaultResponse&) = default;
};

// A JSON body that matches none of the above.
struct UnknownValue {
    nlohmann::json value;
    friend bool operator==(const UnknownValue&, const UnknownValue&) = default;
};

// Thrown by the models' from_json (and so by nlohmann::json::get<models::X>()) when a document
// does not fit a model: a missing required key, a wrong JSON type, an unknown enum value or
// discriminator. Operations never throw it; they turn it into a SerdeError.
class JsonDecodeError : public std::exception {
  public:
    enum class Kind { kMissingKey, kTypeMismatch, kInvalidValue };

    JsonDecodeError(Kind kind, std::string detail, std::string path = {});

    Kind kind() const noexcept { return kind_; }
    // Dotted JSON path of the offending value, e.g. `ui.nodes[3].attributes.name` (empty: the root).
    const std::string& path() const noexcept { return path_; }
    const char* what() const noexcept override { return message_.c_str(); }

    // Used while unwinding out of nested values: "nodes" + "[3].name" -> "nodes[3].name".
    void prepend_key(std::string_view key);
    void prepend_index(std::size_t index);

    static JsonDecodeError missing_key(std::string_view key);
    static JsonDecodeError type_mismatch(std::string_view expected, const nlohmann::json& actual);

  private:
    void render();

    Kind kind_;
    std::string detail_;
    std::string path_;
    std::string message_;
};

// One line for logs: "transport error (curl 7): Couldn't connect to server", "HTTP 400: {...}".
std::string describe(const TransportError& error);
std::string describe(const SerdeError& error);
std::string describe_response(long status, std::string_view content);

template <class T>
std::string describe(const Error<T>& error) {
    if (const auto* transport = std::get_if<TransportError>(&error)) return describe(*transport);
    if (const auto* serde = std::get_if<SerdeError>(&error)) return describe(*serde);
    const auto& response = std::get<ResponseContent<T>>(error);
    return describe_response(response.status, response.content);
}

// The HTTP status of an error, when there was an answer at all.
template <class T>
std::optional<long> status_of(const Error<T>& error) {
    if (const auto* serde = std::get_if<SerdeError>(&error)) return serde->status;
    if (const auto* response = std::get_if<ResponseContent<T>>(&error)) return response->status;
    return std::nullopt;
}

}  // namespace bia::client
