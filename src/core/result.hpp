// Result<T>: a value or a core::Error. g++ 12 in C++20 mode has no std::expected, so this is
// the small subset we need. Result<void> is spelled Status.
#pragma once

#include <cassert>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

#include "core/error.hpp"

namespace bia::core {

template <class T>
class [[nodiscard]] Result {
  public:
    Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}      // NOLINT(google-explicit-constructor)
    Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT(google-explicit-constructor)
    template <class U, class = std::enable_if_t<
                           std::is_constructible_v<T, U&&> && !std::is_same_v<std::decay_t<U>, T> &&
                           !std::is_same_v<std::decay_t<U>, Error> && !std::is_same_v<std::decay_t<U>, Result>>>
    Result(U&& u) : v_(std::in_place_index<0>, T(std::forward<U>(u))) {}  // NOLINT

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & {
        assert(ok());
        return std::get<0>(v_);
    }
    const T& value() const& {
        assert(ok());
        return std::get<0>(v_);
    }
    T&& value() && {
        assert(ok());
        return std::get<0>(std::move(v_));
    }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const Error& error() const& {
        assert(!ok());
        return std::get<1>(v_);
    }
    Error&& error() && {
        assert(!ok());
        return std::get<1>(std::move(v_));
    }

  private:
    std::variant<T, Error> v_;
};

class [[nodiscard]] Status {
  public:
    Status() = default;
    Status(Error error) : error_(std::move(error)) {}  // NOLINT(google-explicit-constructor)
    static Status Ok() { return {}; }
    bool ok() const { return !error_.has_value(); }
    explicit operator bool() const { return ok(); }
    const Error& error() const& {
        assert(!ok());
        return *error_;
    }
    Error&& error() && {
        assert(!ok());
        return std::move(*error_);
    }

  private:
    std::optional<Error> error_;
};

}  // namespace bia::core

// Propagate an error from an expression yielding Result<T> or Status.
// `lhs` is a declaration (`auto x`) and `tmp` an identifier: neither can be parenthesised.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define BIA_TRY(expr)                                          \
    do {                                                       \
        auto&& bia_try_r_ = (expr);                            \
        if (!bia_try_r_) return std::move(bia_try_r_).error(); \
    } while (0)

#define BIA_CONCAT_INNER(a, b) a##b
#define BIA_CONCAT(a, b) BIA_CONCAT_INNER(a, b)
// auto x = BIA_ASSIGN_OR_RETURN-style: BIA_TRY_ASSIGN(auto x, expr);
#define BIA_TRY_ASSIGN(lhs, expr) BIA_TRY_ASSIGN_IMPL(BIA_CONCAT(bia_r_, __LINE__), lhs, expr)
#define BIA_TRY_ASSIGN_IMPL(tmp, lhs, expr)  \
    auto tmp = (expr);                       \
    if (!tmp) return std::move(tmp).error(); \
    lhs = std::move(tmp).value()
// NOLINTEND(bugprone-macro-parentheses)
