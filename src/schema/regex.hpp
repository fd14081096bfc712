// Regular expressions for the JSON Schema `pattern`, `patternProperties` and `regex` format,
// in Go's syntax (what Kratos compiles them with), compiled and matched by RE2 in linear time, so
// hostile patterns or very long inputs can never backtrack exponentially or exhaust the stack.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace bia::schema {

class Regex {
  public:
    // Go's regexp.Compile syntax: literals, ., [] classes (ranges, negation, [:posix:], \d\s\w,
    // \p{L}-style classes for common categories and scripts), ^ $ \A \z \b \B, groups
    // ((?:), (?P<n>), (?<n>), (?flags), (?flags:re)), | and the repetitions * + ? {n,m} (lazy
    // forms accepted). Look-around and back-references are rejected, as in Go. The error text
    // follows Go's ("error parsing regexp: missing closing ): `(a`").
    static core::Result<Regex> Compile(std::string_view pattern);

    // Whether the pattern matches anywhere in `text` (Go's MatchString); runs in
    // O(len(text) × program size). Invalid UTF-8 bytes are seen as U+FFFD, like Go.
    bool Search(std::string_view text) const;

    const std::string& source() const;

    struct Program;

  private:
    explicit Regex(std::shared_ptr<const Program> program) : program_(std::move(program)) {}
    std::shared_ptr<const Program> program_;
};

}  // namespace bia::schema
