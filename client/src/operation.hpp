// What every generated operation does (private to the library): build a Request, send it with
// libcurl (transport.cpp), then turn the answer into Result<T, Error<E>>:
//   2xx                  -> T decoded from the body (std::monostate: body ignored), else SerdeError;
//   3xx                  -> success for operations without a body type, else ResponseContent;
//   anything else        -> ResponseContent<E> with the body decoded into E's alternatives: the
//                           Status<code, …> documented for that status, else DefaultResponse
//                           (the standard error envelope), else UnknownValue (any JSON).
#pragma once

#include <cstdint>
#include <exception>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "bia/client/configuration.hpp"
#include "bia/client/error.hpp"
#include "bia/client/result.hpp"
#include "serde.hpp"

namespace bia::client::detail {

// RFC 3986 percent-encoding of everything but unreserved characters.
std::string PercentEncode(std::string_view text);

class Request {
  public:
    Request(std::string method, std::string path) : method_(std::move(method)), path_(std::move(path)) {}

    void Query(const char* name, std::string_view value) { Add(name, std::string(value)); }
    void Query(const char* name, const std::optional<std::string_view>& value) {
        if (value) Add(name, std::string(*value));
    }
    void Query(const char* name, const std::optional<std::int64_t>& value) {
        if (value) Add(name, std::to_string(*value));
    }
    void Query(const char* name, const std::optional<bool>& value) {
        if (value) Add(name, *value ? "true" : "false");
    }
    // Arrays use OpenAPI's default style (form, explode): one `name=value` pair per item.
    void Query(const char* name, const std::optional<std::vector<std::string>>& values) {
        if (!values) return;
        for (const auto& value : *values) Add(name, value);
    }

    void Header(const char* name, std::string_view value) { headers_.emplace_back(name, std::string(value)); }
    void Header(const char* name, const std::optional<std::string_view>& value) {
        if (value) headers_.emplace_back(name, std::string(*value));
    }

    template <class T>
    void JsonBody(const std::optional<T>& body) {
        if (body) body_ = nlohmann::json(*body).dump();
    }

    void RequiresAuthorization() { authorization_ = true; }

    const std::string& method() const { return method_; }
    const std::string& path() const { return path_; }
    const std::vector<std::pair<std::string, std::string>>& query() const { return query_; }
    const std::vector<std::pair<std::string, std::string>>& headers() const { return headers_; }
    const std::optional<std::string>& body() const { return body_; }
    bool authorization() const { return authorization_; }

  private:
    void Add(const char* name, std::string value) { query_.emplace_back(name, std::move(value)); }

    std::string method_;
    std::string path_;
    std::vector<std::pair<std::string, std::string>> query_;
    std::vector<std::pair<std::string, std::string>> headers_;
    std::optional<std::string> body_;
    bool authorization_ = false;
};

struct HttpResponse {
    long status = 0;
    std::string body;
};

// Sends the request; never throws for network trouble (TransportError instead).
std::variant<HttpResponse, TransportError> Execute(const Configuration& configuration, const Request& request);

// Helpers for the `_async` twins: own the viewed strings while the call runs on another thread.
inline std::optional<std::string> Own(const std::optional<std::string_view>& value) {
    if (!value) return std::nullopt;
    return std::string(*value);
}
inline std::optional<std::string_view> View(const std::optional<std::string>& value) {
    if (!value) return std::nullopt;
    return std::string_view(*value);
}

template <class T>
T DecodeSuccess(const std::string& body) {
    if constexpr (std::is_same_v<T, std::monostate>) {
        return {};
    } else if constexpr (std::is_same_v<T, std::string>) {
        // `type: string` answers (the WebAuthn script) are sent as text, not as a JSON string.
        auto parsed = nlohmann::json::parse(body, nullptr, false);
        if (!parsed.is_discarded() && parsed.is_string()) return parsed.template get<std::string>();
        return body;
    } else {
        T value{};
        Read(nlohmann::json::parse(body), value);
        return value;
    }
}

template <class T>
struct IsStatus : std::false_type {};
template <long Code, class T>
struct IsStatus<Status<Code, T>> : std::true_type {};
template <class T>
struct IsDefaultResponse : std::false_type {};
template <class T>
struct IsDefaultResponse<DefaultResponse<T>> : std::true_type {};

template <class A>
std::optional<A> TryAlternative(const nlohmann::json& j) {
    try {
        decltype(A::value) value{};
        Read(j, value);
        return A{std::move(value)};
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

template <class E, class... A>
E DecodeAlternatives(long status, const nlohmann::json& j, const std::variant<A...>*) {
    std::optional<E> result;
    const auto try_status = [&](auto tag) {
        using Alt = typename decltype(tag)::type;
        if constexpr (IsStatus<Alt>::value) {
            if (!result && Alt::code == status) {
                if (auto alt = TryAlternative<Alt>(j)) result.emplace(std::in_place_type<Alt>, std::move(*alt));
            }
        }
    };
    const auto try_default = [&](auto tag) {
        using Alt = typename decltype(tag)::type;
        if constexpr (IsDefaultResponse<Alt>::value) {
            if (!result) {
                if (auto alt = TryAlternative<Alt>(j)) result.emplace(std::in_place_type<Alt>, std::move(*alt));
            }
        }
    };
    (try_status(std::type_identity<A>{}), ...);
    (try_default(std::type_identity<A>{}), ...);
    if (!result) result.emplace(std::in_place_type<UnknownValue>, UnknownValue{j});
    return std::move(*result);
}

template <class E>
std::optional<E> DecodeErrorEntity(long status, const std::string& body) {
    auto parsed = nlohmann::json::parse(body, nullptr, false);
    if (parsed.is_discarded()) return std::nullopt;
    // E derives from std::variant<...>; the pointer conversion lets the alternatives be deduced.
    return DecodeAlternatives<E>(status, parsed, static_cast<const E*>(nullptr));
}

template <class T, class E>
Result<T, Error<E>> Complete(const Configuration& configuration, const Request& request) {
    using R = Result<T, Error<E>>;
    auto outcome = Execute(configuration, request);
    if (auto* failure = std::get_if<TransportError>(&outcome)) {
        return R(std::in_place_index<1>, std::in_place_index<0>, std::move(*failure));
    }
    auto& response = std::get<HttpResponse>(outcome);
    const bool success = (response.status >= 200 && response.status < 300) ||
                         (std::is_same_v<T, std::monostate> && response.status >= 300 && response.status < 400);
    if (success) {
        try {
            return R(std::in_place_index<0>, DecodeSuccess<T>(response.body));
        } catch (const std::exception& e) {
            return R(std::in_place_index<1>, std::in_place_index<1>,
                     SerdeError{e.what(), response.status, std::move(response.body)});
        }
    }
    std::optional<E> entity = DecodeErrorEntity<E>(response.status, response.body);
    return R(std::in_place_index<1>, std::in_place_index<2>,
             ResponseContent<E>{response.status, std::move(response.body), std::move(entity)});
}

}  // namespace bia::client::detail
