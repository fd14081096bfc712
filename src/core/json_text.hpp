// Writing JSON text straight into a string, byte for byte what nlohmann::json's compact dump()
// writes for the same document (keys in std::map order, the same string escapes, integers in
// decimal), for the few hot documents that are serialised on every request (a flow's UI) and so
// need not be built as a DOM first. Callers write an object's keys in sorted order themselves;
// json_text_test.cpp checks every helper against dump().
#pragma once

#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace bia::core {

// What invalid UTF-8 in a string does, as dump()'s `error_handler` argument: strict throws
// nlohmann's type_error 316, replace writes U+FFFD.
using JsonUtf8Errors = nlohmann::json::error_handler_t;
// How answers are written: invalid UTF-8 becomes U+FFFD, so an answer is always writable.
inline constexpr JsonUtf8Errors kAnswerUtf8Errors = JsonUtf8Errors::replace;

// `s` as a JSON string. Text needing no escape is copied as is; anything else (escapes,
// non-ASCII bytes) goes through nlohmann's own escaping, so the bytes — and the exception that
// invalid UTF-8 raises under strict — are exactly dump()'s.
void AppendJsonString(std::string& out, std::string_view s, JsonUtf8Errors errors = JsonUtf8Errors::strict);
// `"key":` (keys are plain text here, but escaped the same way all the same).
void AppendJsonKey(std::string& out, std::string_view key);
void AppendJsonInt(std::string& out, int64_t v);
inline void AppendJsonBool(std::string& out, bool v) { out += v ? "true" : "false"; }
// Any DOM value, as dump(-1, ' ', false, errors) writes it: objects, arrays, plain strings and
// integers directly, floats and strings that need escaping through nlohmann (dump() decodes
// every byte of every string as UTF-8, the bulk of a response's serialisation).
void AppendJsonValue(std::string& out, const nlohmann::json& v, JsonUtf8Errors errors = JsonUtf8Errors::strict);
// dump(-1, ' ', false, errors), the same way.
std::string DumpJsonText(const nlohmann::json& v, JsonUtf8Errors errors = JsonUtf8Errors::strict);

// Whether `v` holds, at any depth, a float with no fractional part (100.0, 1e2). A stored copy of
// such a number may read back as an integer: PostgreSQL's jsonb keeps a number's decimal value,
// not its form, so 1e2 reads back as 100 and prints as "100", not "100.0". A document kept in
// memory as written then prints differently from a fresh load of it.
bool HasIntegralFloat(const nlohmann::json& v);

// `[a,b,…]` of items that write themselves with `item.AppendJson(out, errors)`.
template <class Items>
void AppendJsonArrayOf(std::string& out, const Items& items, JsonUtf8Errors errors) {
    out += '[';
    bool first = true;
    for (const auto& item : items) {
        if (!first) out += ',';
        first = false;
        item.AppendJson(out, errors);
    }
    out += ']';
}

// A JSON answer as a domain service hands it to http/: a DOM, or the text already written (the
// bytes DumpJsonText(dom, kAnswerUtf8Errors) gives for the same document), for the hot answers
// that are written straight from their parts instead of being built as a DOM first.
class JsonAnswer {
  public:
    JsonAnswer() = default;
    JsonAnswer(nlohmann::json dom) : dom_(std::move(dom)) {}  // NOLINT(google-explicit-constructor)
    // `answer = {{"key", value}}` would reach the constructor above as an array: spell out the DOM.
    JsonAnswer(nlohmann::json::initializer_list_t) = delete;

    static JsonAnswer Text(std::string text) {
        JsonAnswer a;
        a.text_ = std::move(text);
        a.is_text_ = true;
        return a;
    }
    bool is_text() const { return is_text_; }
    // The answer as text (a DOM is written with kAnswerUtf8Errors).
    std::string TakeText() &&;
    // The answer as a DOM, text parsed (null if it were not JSON): for tests and other readers off
    // the hot paths.
    nlohmann::json Dom() const;

  private:
    nlohmann::json dom_;
    std::string text_;
    bool is_text_ = false;
};

// Builds a DOM object whose members arrive in key order: each is placed at the end of the map
// without a search, and no initializer list's temporary [key, value] arrays are made (members
// out of order still give the same object, only slower).
class JsonObject {
  public:
    JsonObject() : j_(nlohmann::json::value_t::object), o_(j_.get_ptr<nlohmann::json::object_t*>()) {}
    void Put(std::string_view key, nlohmann::json v) { o_->emplace_hint(o_->end(), std::string(key), std::move(v)); }
    void PutIfNotEmpty(std::string_view key, const std::string& v) {
        if (!v.empty()) Put(key, v);
    }
    nlohmann::json Take() && { return std::move(j_); }

  private:
    nlohmann::json j_;
    nlohmann::json::object_t* o_;
};

// Writes one object's members, commas included; the caller opens and closes the braces and names
// the keys in sorted order.
class JsonMembers {
  public:
    explicit JsonMembers(std::string& out, JsonUtf8Errors errors = JsonUtf8Errors::strict)
        : out_(out), errors_(errors) {}
    JsonUtf8Errors errors() const { return errors_; }
    // Starts the member `key`; its value is appended next.
    std::string& Key(std::string_view key) {
        if (!first_) out_ += ',';
        first_ = false;
        AppendJsonKey(out_, key);
        return out_;
    }
    void String(std::string_view key, std::string_view v) { AppendJsonString(Key(key), v, errors_); }
    void StringIfNotEmpty(std::string_view key, std::string_view v) {
        if (!v.empty()) String(key, v);
    }
    void Int(std::string_view key, int64_t v) { AppendJsonInt(Key(key), v); }
    void Bool(std::string_view key, bool v) { AppendJsonBool(Key(key), v); }
    void Value(std::string_view key, const nlohmann::json& v) { AppendJsonValue(Key(key), v, errors_); }

  private:
    std::string& out_;
    JsonUtf8Errors errors_;
    bool first_ = true;
};

}  // namespace bia::core
