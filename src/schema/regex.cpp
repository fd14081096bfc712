#include "schema/regex.hpp"

#include <re2/re2.h>

#include <set>
#include <string>
#include <utility>

#include "schema/go_text.hpp"

namespace bia::schema {

struct Regex::Program {
    std::string source;
    std::unique_ptr<const re2::RE2> re;
};

namespace {

// Go's regexp/syntax limits: {n,m} counts up to 1000 and parse trees up to 1000 levels deep.
constexpr int kMaxRepeat = 1000;
constexpr int kMaxNesting = 1000;
// RE2's compiled-program budget; Go refuses programs of this order as "expression too large".
constexpr int64_t kMaxProgramMemory = int64_t{8} << 20;

core::Error ParseError(std::string_view code, std::string_view arg) {
    return core::BadRequest("error parsing regexp: " + std::string(code) + ": `" + std::string(arg) + "`");
}

// The few places where Go's syntax differs from RE2's, found in one pass over the pattern (escapes,
// \Q…\E and classes skipped as RE2 reads them): Go accepts `(?<name>` as well as `(?P<name>` (RE2
// of Debian 12 only the latter, so it is rewritten), refuses `\C` (RE2 takes it as "any byte"), a
// group name used twice (RE2 of Debian 12 accepts it) and nesting deeper than 1000 levels.
core::Result<std::string> ToRe2Syntax(std::string_view p) {
    std::string out;
    out.reserve(p.size() + 8);
    int depth = 0;
    size_t i = 0;
    std::set<std::string_view, std::less<>> names;
    auto skip_class = [&](size_t j) {  // j: just past '['; returns the index past the closing ']'
        if (j < p.size() && p[j] == '^') ++j;
        if (j < p.size() && p[j] == ']') ++j;  // a leading ']' is a literal
        while (j < p.size() && p[j] != ']') {
            if (p[j] == '\\' && j + 1 < p.size()) {
                j += 2;
            } else if (p[j] == '[' && j + 1 < p.size() && p[j + 1] == ':') {
                const size_t end = p.find(":]", j + 2);
                j = end == std::string_view::npos ? j + 1 : end + 2;
            } else {
                ++j;
            }
        }
        return j < p.size() ? j + 1 : j;
    };
    while (i < p.size()) {
        const char c = p[i];
        if (c == '\\' && i + 1 < p.size()) {
            if (p[i + 1] == 'C') return ParseError("invalid escape sequence", "\\C");
            if (p[i + 1] == 'Q') {  // literal text up to \E (or the end)
                const size_t end = p.find("\\E", i + 2);
                const size_t stop = end == std::string_view::npos ? p.size() : end + 2;
                out.append(p.substr(i, stop - i));
                i = stop;
                continue;
            }
            out.append(p.substr(i, 2));
            i += 2;
        } else if (c == '[') {
            const size_t end = skip_class(i + 1);
            out.append(p.substr(i, end - i));
            i = end;
        } else if (c == '(') {
            if (++depth > kMaxNesting) return ParseError("expression nests too deeply", p);
            const bool go_named = p.substr(i, 3) == "(?<";
            if (go_named && (p.substr(i, 4) == "(?<=" || p.substr(i, 4) == "(?<!"))
                return ParseError("invalid or unsupported Perl syntax", "(?<");
            if (go_named || p.substr(i, 4) == "(?P<") {
                const size_t name_start = i + (go_named ? 3 : 4);
                const size_t close = p.find('>', name_start);
                if (close != std::string_view::npos && !names.insert(p.substr(name_start, close - name_start)).second)
                    return ParseError("duplicate capture group name", p.substr(i, close + 1 - i));
                out.append("(?P<");
                i = name_start;
                continue;
            }
            out.push_back(c);
            ++i;
        } else {
            if (c == ')') --depth;
            out.push_back(c);
            ++i;
        }
    }
    return out;
}

// A `{n}` / `{n,}` / `{n,m}` repeat that Go takes on its own (counts within 1000, n ≤ m).
bool IsValidRepeat(std::string_view arg) {
    if (arg.size() < 3 || arg.front() != '{' || arg.back() != '}') return false;
    arg = arg.substr(1, arg.size() - 2);
    const size_t comma = arg.find(',');
    auto number = [](std::string_view s, int& out) {
        if (s.empty() || s.size() > 4) return false;
        out = 0;
        for (char ch : s) {
            if (ch < '0' || ch > '9') return false;
            out = out * 10 + (ch - '0');
        }
        return out <= kMaxRepeat;
    };
    int n = 0, m = 0;
    if (!number(arg.substr(0, comma), n)) return false;
    if (comma == std::string_view::npos || comma + 1 == arg.size()) return true;
    return number(arg.substr(comma + 1), m) && n <= m;
}

// RE2's error codes with Go's regexp/syntax texts (Go's parser is a port of RE2's).
core::Error GoError(const re2::RE2& re, std::string_view pattern) {
    const std::string& arg = re.error_arg();
    switch (re.error_code()) {
        case re2::RE2::ErrorBadEscape:
            return ParseError("invalid escape sequence", arg);
        case re2::RE2::ErrorBadCharClass:
            return ParseError("invalid character class", arg);
        case re2::RE2::ErrorBadCharRange:
            return ParseError("invalid character class range", arg);
        case re2::RE2::ErrorMissingBracket:
            return ParseError("missing closing ]", arg);
        case re2::RE2::ErrorMissingParen:
            // RE2 reports look-arounds as an unclosed group; Go as unsupported Perl syntax.
            if (arg.rfind("(?=", 0) == 0 || arg.rfind("(?!", 0) == 0)
                return ParseError("invalid or unsupported Perl syntax", arg.substr(0, 3));
            return ParseError("missing closing )", arg);
        case re2::RE2::ErrorUnexpectedParen:
            return ParseError("unexpected )", arg);
        case re2::RE2::ErrorTrailingBackslash:
            return ParseError("trailing backslash at end of expression", "");
        case re2::RE2::ErrorRepeatArgument:
            return ParseError("missing argument to repetition operator", arg);
        case re2::RE2::ErrorRepeatSize:
            // A count Go accepts on its own that RE2 refuses: nested repeats multiply past 1000.
            if (IsValidRepeat(arg)) return ParseError("expression too large", pattern);
            return ParseError("invalid repeat count", arg);
        case re2::RE2::ErrorRepeatOp:
            return ParseError("invalid nested repetition operator", arg);
        case re2::RE2::ErrorBadPerlOp:
            return ParseError("invalid or unsupported Perl syntax", arg);
        case re2::RE2::ErrorBadUTF8:
            return ParseError("invalid UTF-8", pattern);
        case re2::RE2::ErrorBadNamedCapture: {
            // Go tells a well-formed name used twice from a malformed one.
            const bool well_formed =
                arg.size() > 5 && arg.back() == '>' &&
                arg.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_", 4) ==
                    arg.size() - 1;
            return ParseError(well_formed ? "duplicate capture group name" : "invalid named capture", arg);
        }
        case re2::RE2::ErrorPatternTooLarge:
            return ParseError("expression too large", pattern);
        default:
            return ParseError("invalid regexp", pattern);
    }
}

bool IsValidUtf8(std::string_view s) {
    while (!s.empty()) {
        const DecodedRune d = DecodeRune(s);
        if (d.width == 1 && d.rune == kRuneError) return false;
        s.remove_prefix(d.width);
    }
    return true;
}

}  // namespace

core::Result<Regex> Regex::Compile(std::string_view pattern) {
    if (!IsValidUtf8(pattern)) return ParseError("invalid UTF-8", pattern);
    auto translated = ToRe2Syntax(pattern);
    if (!translated.ok()) return translated.error();
    re2::RE2::Options options;
    options.set_log_errors(false);
    options.set_max_mem(kMaxProgramMemory);
    auto re = std::make_unique<const re2::RE2>(*translated, options);
    if (!re->ok()) return GoError(*re, pattern);
    auto program = std::make_shared<Program>();
    program->source = std::string(pattern);
    program->re = std::move(re);
    return Regex(std::move(program));
}

bool Regex::Search(std::string_view text) const {
    const re2::RE2& re = *program_->re;
    if (IsValidUtf8(text)) return re2::RE2::PartialMatch(text, re);
    // Go's matcher reads every invalid byte as one U+FFFD; RE2 would not match it with `.`.
    return re2::RE2::PartialMatch(ToValidUtf8(text), re);
}

const std::string& Regex::source() const { return program_->source; }

}  // namespace bia::schema
