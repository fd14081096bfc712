// bia::client::Result<T, E>: the value-or-error type every client operation returns, shaped like
// Rust's Result (the generated Ory clients return one). g++ 12 has no std::expected, so this is
// a small stand-in with the same vocabulary: has_value(), value(), error(), explicit bool.
#pragma once

#include <stdexcept>
#include <type_traits>
#include <utility>
#include <variant>

namespace bia::client {

// Thrown by Result::value() on an error and by Result::error() on a value: asking for the
// alternative that is not there is a programming error, never a server answer.
class BadResultAccess : public std::logic_error {
  public:
    using std::logic_error::logic_error;
};

template <class T, class E>
class [[nodiscard]] Result {
    static_assert(!std::is_same_v<T, E>, "Result<T, E> needs distinct value and error types");

  public:
    using value_type = T;
    using error_type = E;

    Result(const T& value) : storage_(std::in_place_index<0>, value) {}
    Result(T&& value) : storage_(std::in_place_index<0>, std::move(value)) {}
    Result(const E& error) : storage_(std::in_place_index<1>, error) {}
    Result(E&& error) : storage_(std::in_place_index<1>, std::move(error)) {}
    template <class... Args>
    explicit Result(std::in_place_index_t<0> tag, Args&&... args) : storage_(tag, std::forward<Args>(args)...) {}
    template <class... Args>
    explicit Result(std::in_place_index_t<1> tag, Args&&... args) : storage_(tag, std::forward<Args>(args)...) {}

    bool has_value() const noexcept { return storage_.index() == 0; }
    explicit operator bool() const noexcept { return has_value(); }

    T& value() & { return std::get<0>(checked_value()); }
    const T& value() const& { return std::get<0>(checked_value()); }
    T&& value() && { return std::get<0>(std::move(checked_value())); }

    E& error() & { return std::get<1>(checked_error()); }
    const E& error() const& { return std::get<1>(checked_error()); }
    E&& error() && { return std::get<1>(std::move(checked_error())); }

    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T&& operator*() && { return std::move(*this).value(); }

  private:
    std::variant<T, E>& checked_value() {
        if (!has_value()) throw BadResultAccess("Result::value() called on an error");
        return storage_;
    }
    const std::variant<T, E>& checked_value() const {
        if (!has_value()) throw BadResultAccess("Result::value() called on an error");
        return storage_;
    }
    std::variant<T, E>& checked_error() {
        if (has_value()) throw BadResultAccess("Result::error() called on a value");
        return storage_;
    }
    const std::variant<T, E>& checked_error() const {
        if (has_value()) throw BadResultAccess("Result::error() called on a value");
        return storage_;
    }

    std::variant<T, E> storage_;
};

}  // namespace bia::client
