#include "schema/regex.hpp"

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "schema/go_text.hpp"

namespace bia::schema {

// Types shared by the parser, the compiler and Regex::Program (so they cannot live in an
// anonymous namespace).
namespace regex_detail {

using Ranges = std::vector<std::pair<char32_t, char32_t>>;  // sorted, merged, inclusive

enum class Op : uint8_t { kClass, kAnyNotNewline, kAnyChar, kSplit, kJump, kAssert, kMatch };

enum class AssertKind : uint8_t {
    kBeginText,
    kEndText,
    kBeginLine,
    kEndLine,
    kWordBoundary,
    kNotWordBoundary,
};

struct Inst {
    Op op = Op::kMatch;
    AssertKind assertion = AssertKind::kBeginText;
    uint32_t x = 0;    // kSplit/kJump target
    uint32_t y = 0;    // kSplit second target
    uint32_t cls = 0;  // kClass: index into Program::classes
};

}  // namespace regex_detail

struct Regex::Program {
    std::string source;
    std::vector<regex_detail::Inst> insts;
    std::vector<regex_detail::Ranges> classes;
    bool anchored = false;  // starts with \A or ^ (without (?m)): only try at offset 0
};

namespace {

using regex_detail::AssertKind;
using regex_detail::Inst;
using regex_detail::Op;
using regex_detail::Ranges;

constexpr char32_t kMaxRune = 0x10FFFF;
constexpr char32_t kNoRune = 0xFFFFFFFF;
constexpr int kMaxRepeat = 1000;             // Go's limit for {n,m}
constexpr uint64_t kMaxProgramSize = 50000;  // instructions, after expanding repetitions
constexpr int kMaxNesting = 200;             // group nesting

void Normalize(Ranges& r) {
    std::sort(r.begin(), r.end());
    Ranges out;
    for (const auto& [lo, hi] : r) {
        if (!out.empty() && lo <= out.back().second + 1) {
            out.back().second = std::max(out.back().second, hi);
        } else {
            out.emplace_back(lo, hi);
        }
    }
    r.swap(out);
}

Ranges Negate(const Ranges& r) {
    Ranges out;
    char32_t next = 0;
    for (const auto& [lo, hi] : r) {
        if (lo > next) out.emplace_back(next, lo - 1);
        next = hi + 1;
    }
    if (next <= kMaxRune) out.emplace_back(next, kMaxRune);
    return out;
}

void Append(Ranges& to, const Ranges& from) { to.insert(to.end(), from.begin(), from.end()); }

// Blocks in which SimpleLower/SimpleUpper can change a rune; folding only looks here.
constexpr std::pair<char32_t, char32_t> kFoldBlocks[] = {
    {0x41, 0x5A},     {0x61, 0x7A},     {0xB5, 0xB5},     {0xC0, 0x24F},      {0x370, 0x3FF},   {0x400, 0x52F},
    {0x531, 0x586},   {0x10A0, 0x10C5}, {0x1E00, 0x1FFF}, {0x2126, 0x212B},   {0x2160, 0x217F}, {0x24B6, 0x24E9},
    {0x2C00, 0x2C5F}, {0x2D00, 0x2D25}, {0xFF21, 0xFF5A}, {0x10400, 0x1044F},
};

// Adds every rune that case-folds together with `r` (Go's fold orbits, for our case tables).
void AddOrbit(Ranges& out, char32_t r) {
    const char32_t l = SimpleLower(r);
    const char32_t u = SimpleUpper(r);
    for (char32_t c : {r, l, u, SimpleLower(u), SimpleUpper(l)}) {
        out.emplace_back(c, c);
        switch (c) {
            case 'k':
                out.emplace_back(0x212A, 0x212A);
                break;
            case 's':
                out.emplace_back(0x17F, 0x17F);
                break;
            case 0xE5:
                out.emplace_back(0x212B, 0x212B);
                break;
            case 0x3BC:
                out.emplace_back(0xB5, 0xB5);
                break;
            case 0x3C3:
                out.emplace_back(0x3C2, 0x3C2);
                break;
            case 0x3C9:
                out.emplace_back(0x2126, 0x2126);
                break;
            default:
                break;
        }
    }
}

void AddFolded(Ranges& r) {
    Ranges extra;
    for (const auto& [lo, hi] : r) {
        for (const auto& [blo, bhi] : kFoldBlocks) {
            const char32_t a = std::max(lo, blo);
            const char32_t b = std::min(hi, bhi);
            for (char32_t c = a; c <= b && a <= b; ++c) AddOrbit(extra, c);
        }
    }
    Append(r, extra);
    Normalize(r);
}

bool IsWordRune(char32_t r) {
    return (r >= '0' && r <= '9') || (r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z') || r == '_';
}

Ranges PerlClass(char c) {
    Ranges r;
    switch (c) {
        case 'd':
        case 'D':
            r = {{'0', '9'}};
            break;
        case 's':
        case 'S':
            r = {{'\t', '\n'}, {'\f', '\r'}, {' ', ' '}};
            break;
        default:
            r = {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}};
            break;
    }
    if (c == 'D' || c == 'S' || c == 'W') r = Negate(r);
    return r;
}

bool PosixClass(std::string_view name, Ranges& r) {
    if (name == "alnum")
        r = {{'0', '9'}, {'A', 'Z'}, {'a', 'z'}};
    else if (name == "alpha")
        r = {{'A', 'Z'}, {'a', 'z'}};
    else if (name == "ascii")
        r = {{0, 0x7F}};
    else if (name == "blank")
        r = {{'\t', '\t'}, {' ', ' '}};
    else if (name == "cntrl")
        r = {{0, 0x1F}, {0x7F, 0x7F}};
    else if (name == "digit")
        r = {{'0', '9'}};
    else if (name == "graph")
        r = {{'!', '~'}};
    else if (name == "lower")
        r = {{'a', 'z'}};
    else if (name == "print")
        r = {{' ', '~'}};
    else if (name == "punct")
        r = {{'!', '/'}, {':', '@'}, {'[', '`'}, {'{', '~'}};
    else if (name == "space")
        r = {{'\t', '\r'}, {' ', ' '}};
    else if (name == "upper")
        r = {{'A', 'Z'}};
    else if (name == "word")
        r = {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}};
    else if (name == "xdigit")
        r = {{'0', '9'}, {'A', 'F'}, {'a', 'f'}};
    else
        return false;
    return true;
}

// Unicode categories and scripts by block ranges. Go knows every category and script from the
// full Unicode tables; without them we support the ones identity schemas use, approximated at
// block granularity, and reject the rest at load time rather than guess.
bool UnicodeClass(std::string_view name, Ranges& r) {
    auto cased = [&](bool upper) {
        for (const auto& [lo, hi] : kFoldBlocks)
            for (char32_t c = lo; c <= hi; ++c)
                if (upper ? SimpleLower(c) != c : SimpleUpper(c) != c) r.emplace_back(c, c);
        if (!upper) r.insert(r.end(), {{0xDF, 0xDF}, {0x138, 0x138}, {0x149, 0x149}});
    };
    if (name == "Any") {
        r = {{0, kMaxRune}};
    } else if (name == "L") {
        r = {{'A', 'Z'},       {'a', 'z'},       {0xAA, 0xAA},      {0xB5, 0xB5},     {0xBA, 0xBA},
             {0xC0, 0xD6},     {0xD8, 0xF6},     {0xF8, 0x2C1},     {0x2C6, 0x2D1},   {0x2E0, 0x2E4},
             {0x370, 0x374},   {0x376, 0x377},   {0x37A, 0x37D},    {0x37F, 0x37F},   {0x386, 0x386},
             {0x388, 0x3F5},   {0x3F7, 0x481},   {0x48A, 0x52F},    {0x531, 0x556},   {0x560, 0x588},
             {0x5D0, 0x5EA},   {0x5EF, 0x5F2},   {0x620, 0x64A},    {0x671, 0x6D3},   {0x904, 0x939},
             {0xE01, 0xE30},   {0x10A0, 0x10FF}, {0x1100, 0x11FF},  {0x1E00, 0x1FBC}, {0x2C00, 0x2CE4},
             {0x3041, 0x3096}, {0x30A1, 0x30FA}, {0x3105, 0x312F},  {0x3131, 0x318E}, {0x3400, 0x4DBF},
             {0x4E00, 0x9FFF}, {0xA000, 0xA48C}, {0xAC00, 0xD7A3},  {0xF900, 0xFAFF}, {0xFF21, 0xFF3A},
             {0xFF41, 0xFF5A}, {0xFF66, 0xFFDC}, {0x20000, 0x2FA1F}};
    } else if (name == "Lu") {
        cased(true);
    } else if (name == "Ll") {
        cased(false);
    } else if (name == "N") {
        r = {{'0', '9'},     {0xB2, 0xB3},     {0xB9, 0xB9},     {0xBC, 0xBE},     {0x660, 0x669},   {0x6F0, 0x6F9},
             {0x966, 0x96F}, {0x2160, 0x2188}, {0x2460, 0x249B}, {0x3007, 0x3007}, {0x3021, 0x3029}, {0xFF10, 0xFF19}};
    } else if (name == "Nd") {
        r = {{'0', '9'},     {0x660, 0x669}, {0x6F0, 0x6F9}, {0x7C0, 0x7C9},
             {0x966, 0x96F}, {0x9E6, 0x9EF}, {0xE50, 0xE59}, {0xFF10, 0xFF19}};
    } else if (name == "P") {
        r = {{'!', '#'},       {'%', '*'},       {',', '/'},       {':', ';'},      {'?', '@'},
             {'[', ']'},       {'_', '_'},       {'{', '{'},       {'}', '}'},      {0xA1, 0xA1},
             {0xA7, 0xA7},     {0xAB, 0xAB},     {0xB6, 0xB7},     {0xBB, 0xBB},    {0xBF, 0xBF},
             {0x2010, 0x2027}, {0x2030, 0x205E}, {0x3001, 0x3003}, {0x3008, 0x3011}};
    } else if (name == "S") {
        r = {{'$', '$'},       {'+', '+'},       {'<', '>'},       {'^', '^'},       {'`', '`'},
             {'|', '|'},       {'~', '~'},       {0xA2, 0xA6},     {0xA8, 0xA9},     {0xAC, 0xAC},
             {0xAE, 0xB1},     {0xB4, 0xB4},     {0xB8, 0xB8},     {0xD7, 0xD7},     {0xF7, 0xF7},
             {0x20A0, 0x20C0}, {0x2100, 0x214F}, {0x2190, 0x23FF}, {0x2500, 0x27BF}, {0x1F300, 0x1FAFF}};
    } else if (name == "Z" || name == "Zs") {
        r = {{' ', ' '},       {0xA0, 0xA0},     {0x1680, 0x1680}, {0x2000, 0x200A},
             {0x202F, 0x202F}, {0x205F, 0x205F}, {0x3000, 0x3000}};
        if (name == "Z") r.insert(r.end(), {{0x2028, 0x2029}});
    } else if (name == "Latin") {
        r = {{'A', 'Z'},   {'a', 'z'},    {0xAA, 0xAA},     {0xBA, 0xBA},     {0xC0, 0xD6},
             {0xD8, 0xF6}, {0xF8, 0x24F}, {0x1E00, 0x1EFF}, {0xFF21, 0xFF3A}, {0xFF41, 0xFF5A}};
    } else if (name == "Greek") {
        r = {{0x370, 0x373}, {0x375, 0x377}, {0x37A, 0x37D}, {0x37F, 0x37F},  {0x384, 0x384},
             {0x386, 0x386}, {0x388, 0x3E1}, {0x3F0, 0x3FF}, {0x1F00, 0x1FFE}};
    } else if (name == "Cyrillic") {
        r = {{0x400, 0x52F}, {0x1C80, 0x1C88}, {0x2DE0, 0x2DFF}, {0xA640, 0xA69F}};
    } else if (name == "Han") {
        r = {{0x2E80, 0x2FD5}, {0x3005, 0x3005}, {0x3007, 0x3007}, {0x3021, 0x3029},
             {0x3400, 0x4DBF}, {0x4E00, 0x9FFF}, {0xF900, 0xFAFF}, {0x20000, 0x2FA1F}};
    } else if (name == "Hiragana") {
        r = {{0x3041, 0x3096}, {0x309D, 0x309F}};
    } else if (name == "Katakana") {
        r = {{0x30A1, 0x30FA}, {0x30FD, 0x30FF}, {0x31F0, 0x31FF}, {0xFF66, 0xFF6F}, {0xFF71, 0xFF9D}};
    } else if (name == "Hangul") {
        r = {{0x1100, 0x11FF}, {0x3131, 0x318E}, {0xAC00, 0xD7A3}};
    } else if (name == "Arabic") {
        r = {{0x600, 0x604}, {0x606, 0x60B}, {0x60D, 0x61A}, {0x61C, 0x61E}, {0x620, 0x63F},
             {0x641, 0x64A}, {0x656, 0x66F}, {0x671, 0x6DC}, {0x6DE, 0x6FF}, {0x750, 0x77F}};
    } else if (name == "Hebrew") {
        r = {{0x591, 0x5C7}, {0x5D0, 0x5EA}, {0x5EF, 0x5F4}};
    } else {
        return false;
    }
    return true;
}

struct Flags {
    bool fold = false;       // (?i)
    bool multiline = false;  // (?m)
    bool dot_all = false;    // (?s)
};

struct Ast {
    enum class Kind : uint8_t { kEmpty, kClass, kAnyNotNewline, kAnyChar, kAssert, kConcat, kAlternate, kRepeat };
    Kind kind = Kind::kEmpty;
    AssertKind assertion = AssertKind::kBeginText;
    int min = 0;
    int max = 0;  // -1: unbounded
    Ranges ranges;
    std::vector<Ast> subs;
};

Ast Literal(const Flags& flags, char32_t r) {
    Ast a;
    a.kind = Ast::Kind::kClass;
    if (flags.fold) {
        AddOrbit(a.ranges, r);
        Normalize(a.ranges);
    } else {
        a.ranges = {{r, r}};
    }
    return a;
}

Ast ClassAst(Ranges r) {
    Ast a;
    a.kind = Ast::Kind::kClass;
    Normalize(r);
    a.ranges = std::move(r);
    return a;
}

Ast AssertAst(AssertKind k) {
    Ast a;
    a.kind = Ast::Kind::kAssert;
    a.assertion = k;
    return a;
}

// Recursive-descent parser for Go's regexp syntax (syntax.Perl flags). Nesting is bounded, so
// hostile patterns cannot exhaust the stack.
class Parser {
  public:
    explicit Parser(std::string_view src) : src_(src) {}

    bool Parse(Ast& out) {
        Flags flags;
        if (!ParseAlternate(flags, 0, out)) return false;
        if (pos_ < src_.size()) return Fail("unexpected )", src_);
        return true;
    }
    const std::string& error() const { return error_; }

  private:
    enum class RepeatSpec { kNone, kOk, kBadCount };

    bool AtEnd() const { return pos_ >= src_.size(); }
    char Peek(size_t off = 0) const { return pos_ + off < src_.size() ? src_[pos_ + off] : '\0'; }
    bool Fail(std::string_view code, std::string_view expr) {
        error_ = "error parsing regexp: " + std::string(code) + ": `" + std::string(expr) + "`";
        return false;
    }
    std::string_view From(size_t start) const { return src_.substr(start, pos_ - start); }

    bool ParseAlternate(Flags flags, int depth, Ast& out) {
        if (depth > kMaxNesting) return Fail("expression nests too deeply", src_);
        std::vector<Ast> alternatives;
        while (true) {
            Ast concat;
            if (!ParseConcat(flags, depth, concat)) return false;
            alternatives.push_back(std::move(concat));
            if (Peek() != '|' || AtEnd()) break;
            ++pos_;
        }
        if (alternatives.size() == 1) {
            out = std::move(alternatives.front());
        } else {
            out = Ast{};
            out.kind = Ast::Kind::kAlternate;
            out.subs = std::move(alternatives);
        }
        return true;
    }

    bool ParseConcat(Flags& flags, int depth, Ast& out) {
        std::vector<Ast> items;
        while (!AtEnd()) {
            const char c = Peek();
            if (c == '|' || c == ')') break;
            if (c == '*' || c == '+' || c == '?')
                return Fail("missing argument to repetition operator", src_.substr(pos_, 1));
            if (c == '{') {
                const size_t save = pos_;
                int mn = 0;
                int mx = 0;
                const RepeatSpec spec = ParseRepeatSpec(mn, mx);
                if (spec != RepeatSpec::kNone) return Fail("missing argument to repetition operator", From(save));
                pos_ = save;
            }
            Ast atom;
            bool produced = true;
            if (!ParseAtom(flags, depth, atom, produced)) return false;
            if (!produced) continue;
            size_t first_op = std::string::npos;
            while (!AtEnd()) {
                const size_t op_start = pos_;
                int mn = 0;
                int mx = 0;
                const char q = Peek();
                if (q == '*') {
                    mn = 0, mx = -1, ++pos_;
                } else if (q == '+') {
                    mn = 1, mx = -1, ++pos_;
                } else if (q == '?') {
                    mn = 0, mx = 1, ++pos_;
                } else if (q == '{') {
                    const RepeatSpec spec = ParseRepeatSpec(mn, mx);
                    if (spec == RepeatSpec::kNone) {
                        pos_ = op_start;
                        break;
                    }
                    if (spec == RepeatSpec::kBadCount) return Fail("invalid repeat count", From(op_start));
                } else {
                    break;
                }
                if (Peek() == '?' && !AtEnd()) ++pos_;  // non-greedy: same language, same answer
                if (first_op != std::string::npos) return Fail("invalid nested repetition operator", From(first_op));
                first_op = op_start;
                Ast rep;
                rep.kind = Ast::Kind::kRepeat;
                rep.min = mn;
                rep.max = mx;
                rep.subs.push_back(std::move(atom));
                atom = std::move(rep);
            }
            items.push_back(std::move(atom));
        }
        if (items.empty()) {
            out = Ast{};
        } else if (items.size() == 1) {
            out = std::move(items.front());
        } else {
            out = Ast{};
            out.kind = Ast::Kind::kConcat;
            out.subs = std::move(items);
        }
        return true;
    }

    // {n}, {n,}, {n,m}; anything else makes '{' a literal, as in Go.
    RepeatSpec ParseRepeatSpec(int& mn, int& mx) {
        if (Peek() != '{') return RepeatSpec::kNone;
        ++pos_;
        auto number = [&](int& v) {
            const size_t start = pos_;
            while (!AtEnd() && Peek() >= '0' && Peek() <= '9') ++pos_;
            const size_t len = pos_ - start;
            if (len == 0 || (len > 1 && src_[start] == '0')) return false;
            v = len > 8 ? kMaxRepeat + 1 : std::stoi(std::string(src_.substr(start, len)));
            return true;
        };
        if (!number(mn)) return RepeatSpec::kNone;
        mx = mn;
        if (Peek() == ',') {
            ++pos_;
            if (Peek() == '}') {
                mx = -1;
            } else if (!number(mx)) {
                return RepeatSpec::kNone;
            }
        }
        if (Peek() != '}' || AtEnd()) return RepeatSpec::kNone;
        ++pos_;
        if (mn > kMaxRepeat || mx > kMaxRepeat || (mx >= 0 && mx < mn)) return RepeatSpec::kBadCount;
        return RepeatSpec::kOk;
    }

    bool ParseAtom(Flags& flags, int depth, Ast& out, bool& produced) {
        switch (Peek()) {
            case '(':
                return ParseGroup(flags, depth, out, produced);
            case '[':
                return ParseClass(flags, out);
            case '.':
                ++pos_;
                out.kind = flags.dot_all ? Ast::Kind::kAnyChar : Ast::Kind::kAnyNotNewline;
                return true;
            case '^':
                ++pos_;
                out = AssertAst(flags.multiline ? AssertKind::kBeginLine : AssertKind::kBeginText);
                return true;
            case '$':
                ++pos_;
                out = AssertAst(flags.multiline ? AssertKind::kEndLine : AssertKind::kEndText);
                return true;
            case '\\':
                return ParseEscapeAtom(flags, out);
            default: {
                const DecodedRune d = DecodeRune(src_.substr(pos_));
                pos_ += d.width;
                out = Literal(flags, d.rune);
                return true;
            }
        }
    }

    bool ParseGroup(Flags& flags, int depth, Ast& out, bool& produced) {
        const size_t start = pos_;
        ++pos_;  // (
        Flags inner = flags;
        if (Peek() == '?' && !AtEnd()) {
            std::string_view rest = src_.substr(pos_);
            const bool named = rest.starts_with("?P<") ||
                               (rest.starts_with("?<") && !rest.starts_with("?<=") && !rest.starts_with("?<!"));
            if (named) {
                pos_ += rest.starts_with("?P<") ? 3 : 2;
                const size_t close = src_.find('>', pos_);
                if (close == std::string_view::npos) return Fail("invalid named capture", src_.substr(start));
                const std::string_view name = src_.substr(pos_, close - pos_);
                pos_ = close + 1;
                bool valid = !name.empty();
                for (char c : name) valid = valid && IsWordRune(static_cast<unsigned char>(c));
                if (!valid) return Fail("invalid named capture", From(start));
                if (!names_.insert(std::string(name)).second) return Fail("duplicate capture group name", From(start));
            } else {
                ++pos_;  // ?
                bool negate = false;
                bool any_flag = false;
                bool flag_after_negate = false;
                while (true) {
                    if (AtEnd()) return Fail("missing closing )", src_);
                    const char c = src_[pos_++];
                    if (c == 'i' || c == 'm' || c == 's' || c == 'U') {
                        any_flag = true;
                        flag_after_negate = negate;
                        const bool on = !negate;
                        if (c == 'i') inner.fold = on;
                        if (c == 'm') inner.multiline = on;
                        if (c == 's') inner.dot_all = on;
                        continue;
                    }
                    if (c == '-' && !negate) {
                        negate = true;
                        continue;
                    }
                    if (c == ':' && !any_flag && !negate) break;  // (?:re), non-capturing
                    if ((c == ')' || c == ':') && any_flag && (!negate || flag_after_negate)) {
                        if (c == ')') {
                            flags = inner;  // (?i) applies to the rest of the enclosing group
                            produced = false;
                            return true;
                        }
                        break;
                    }
                    return Fail("invalid or unsupported Perl syntax", From(start));
                }
            }
        }
        Ast body;
        if (!ParseAlternate(inner, depth + 1, body)) return false;
        if (AtEnd() || Peek() != ')') return Fail("missing closing )", src_);
        ++pos_;
        out = std::move(body);
        return true;
    }

    bool ParseEscapeAtom(const Flags& flags, Ast& out) {
        const size_t start = pos_;
        ++pos_;  // backslash
        if (AtEnd()) return Fail("trailing backslash at end of expression", "");
        const char c = Peek();
        switch (c) {
            case 'A':
                ++pos_;
                out = AssertAst(AssertKind::kBeginText);
                return true;
            case 'z':
                ++pos_;
                out = AssertAst(AssertKind::kEndText);
                return true;
            case 'b':
                ++pos_;
                out = AssertAst(AssertKind::kWordBoundary);
                return true;
            case 'B':
                ++pos_;
                out = AssertAst(AssertKind::kNotWordBoundary);
                return true;
            case 'd':
            case 'D':
            case 's':
            case 'S':
            case 'w':
            case 'W':
                ++pos_;
                out = ClassAst(PerlClass(c));
                return true;
            case 'p':
            case 'P': {
                Ranges r;
                if (!ParseUnicodeClass(start, r)) return false;
                Normalize(r);
                if (flags.fold) AddFolded(r);
                out = ClassAst(std::move(r));
                return true;
            }
            case 'Q': {
                ++pos_;
                const size_t end = src_.find("\\E", pos_);
                const std::string_view lit =
                    src_.substr(pos_, end == std::string_view::npos ? std::string_view::npos : end - pos_);
                pos_ = end == std::string_view::npos ? src_.size() : end + 2;
                out = Ast{};
                out.kind = Ast::Kind::kConcat;
                for (std::string_view s = lit; !s.empty();) {
                    const DecodedRune d = DecodeRune(s);
                    out.subs.push_back(Literal(flags, d.rune));
                    s.remove_prefix(d.width);
                }
                if (out.subs.empty()) out.kind = Ast::Kind::kEmpty;
                return true;
            }
            default: {
                char32_t r = 0;
                if (!ParseEscapeRune(start, r)) return false;
                out = Literal(flags, r);
                return true;
            }
        }
    }

    // The rune of an escape at pos_ (just after the backslash at `start`).
    bool ParseEscapeRune(size_t start, char32_t& r) {
        auto octal = [&](size_t k) { return Peek(k) >= '0' && Peek(k) <= '7' && pos_ + k < src_.size(); };
        const char c = Peek();
        if (c >= '1' && c <= '7' && !octal(1)) {
            ++pos_;
            return Fail("invalid escape sequence", From(start));  // back-references are not supported
        }
        if (c >= '0' && c <= '7') {
            r = static_cast<char32_t>(c - '0');
            ++pos_;
            for (int i = 1; i < 3 && octal(0); ++i) r = r * 8 + static_cast<char32_t>(src_[pos_++] - '0');
            return true;
        }
        auto hex = [](char h) -> int {
            if (h >= '0' && h <= '9') return h - '0';
            if (h >= 'a' && h <= 'f') return h - 'a' + 10;
            if (h >= 'A' && h <= 'F') return h - 'A' + 10;
            return -1;
        };
        if (c == 'x') {
            ++pos_;
            if (Peek() == '{' && !AtEnd()) {
                ++pos_;
                uint32_t v = 0;
                int n = 0;
                while (!AtEnd() && hex(Peek()) >= 0) {
                    v = v * 16 + static_cast<uint32_t>(hex(src_[pos_++]));
                    if (v > kMaxRune) return Fail("invalid escape sequence", From(start));
                    ++n;
                }
                if (n == 0 || AtEnd() || Peek() != '}') return Fail("invalid escape sequence", From(start));
                ++pos_;
                r = v;
                return true;
            }
            if (pos_ + 2 > src_.size() || hex(src_[pos_]) < 0 || hex(src_[pos_ + 1]) < 0)
                return Fail("invalid escape sequence", From(start));
            r = static_cast<char32_t>(hex(src_[pos_]) * 16 + hex(src_[pos_ + 1]));
            pos_ += 2;
            return true;
        }
        switch (c) {
            case 'a':
                r = '\a';
                break;
            case 'f':
                r = '\f';
                break;
            case 't':
                r = '\t';
                break;
            case 'n':
                r = '\n';
                break;
            case 'r':
                r = '\r';
                break;
            case 'v':
                r = '\v';
                break;
            default: {
                const auto u = static_cast<unsigned char>(c);
                if (u < 0x80 && !IsWordRune(u)) {
                    r = u;
                    break;
                }
                pos_ += DecodeRune(src_.substr(pos_)).width;
                return Fail("invalid escape sequence", From(start));
            }
        }
        ++pos_;
        return true;
    }

    // \pL, \p{Greek}, \p{^Greek}, \PL; pos_ at 'p'/'P', `start` at the backslash.
    bool ParseUnicodeClass(size_t start, Ranges& r) {
        bool negate = Peek() == 'P';
        ++pos_;
        if (AtEnd()) return Fail("invalid character class range", src_.substr(start));
        std::string_view name;
        if (Peek() == '{') {
            const size_t close = src_.find('}', pos_);
            if (close == std::string_view::npos) return Fail("invalid character class range", src_.substr(start));
            name = src_.substr(pos_ + 1, close - pos_ - 1);
            pos_ = close + 1;
        } else {
            const DecodedRune d = DecodeRune(src_.substr(pos_));
            name = src_.substr(pos_, d.width);
            pos_ += d.width;
        }
        if (name.starts_with("^")) {
            negate = !negate;
            name.remove_prefix(1);
        }
        Ranges u;
        if (!UnicodeClass(name, u)) return Fail("invalid character class range", From(start));
        Normalize(u);
        Append(r, negate ? Negate(u) : u);
        return true;
    }

    bool ParseClassChar(size_t class_start, char32_t& r) {
        if (AtEnd()) return Fail("missing closing ]", src_.substr(class_start));
        if (Peek() == '\\') {
            const size_t start = pos_;
            ++pos_;
            if (AtEnd()) return Fail("trailing backslash at end of expression", "");
            return ParseEscapeRune(start, r);
        }
        const DecodedRune d = DecodeRune(src_.substr(pos_));
        pos_ += d.width;
        r = d.rune;
        return true;
    }

    bool ParseClass(const Flags& flags, Ast& out) {
        const size_t start = pos_;
        ++pos_;  // [
        bool negate = false;
        if (Peek() == '^' && !AtEnd()) {
            negate = true;
            ++pos_;
        }
        Ranges r;
        bool first = true;
        while (true) {
            if (AtEnd()) return Fail("missing closing ]", src_.substr(start));
            const char c = Peek();
            if (c == ']' && !first) {
                ++pos_;
                break;
            }
            first = false;
            if (c == '[' && Peek(1) == ':') {
                const size_t close = src_.find(":]", pos_ + 2);
                if (close != std::string_view::npos) {
                    std::string_view name = src_.substr(pos_ + 2, close - pos_ - 2);
                    const bool neg = name.starts_with("^");
                    if (neg) name.remove_prefix(1);
                    Ranges pr;
                    if (!PosixClass(name, pr))
                        return Fail("invalid character class range", src_.substr(pos_, close + 2 - pos_));
                    Normalize(pr);
                    Append(r, neg ? Negate(pr) : pr);
                    pos_ = close + 2;
                    continue;
                }
            }
            if (c == '\\') {
                const char n = Peek(1);
                if (n == 'd' || n == 'D' || n == 's' || n == 'S' || n == 'w' || n == 'W') {
                    pos_ += 2;
                    Append(r, PerlClass(n));
                    continue;
                }
                if (n == 'p' || n == 'P') {
                    const size_t esc = pos_;
                    ++pos_;
                    if (!ParseUnicodeClass(esc, r)) return false;
                    continue;
                }
            }
            const size_t range_start = pos_;
            char32_t lo = 0;
            if (!ParseClassChar(start, lo)) return false;
            char32_t hi = lo;
            if (Peek() == '-' && pos_ + 1 < src_.size() && Peek(1) != ']') {
                ++pos_;
                if (!ParseClassChar(start, hi)) return false;
                if (hi < lo) return Fail("invalid character class range", From(range_start));
            }
            r.emplace_back(lo, hi);
        }
        Normalize(r);
        if (flags.fold) AddFolded(r);
        if (negate) r = Negate(r);
        out = ClassAst(std::move(r));
        return true;
    }

    std::string_view src_;
    size_t pos_ = 0;
    std::string error_;
    std::set<std::string> names_;
};

uint64_t ProgramSize(const Ast& a) {
    const auto cap = [](uint64_t v) { return std::min<uint64_t>(v, kMaxProgramSize + 1); };
    switch (a.kind) {
        case Ast::Kind::kEmpty:
            return 0;
        case Ast::Kind::kConcat:
        case Ast::Kind::kAlternate: {
            uint64_t n = a.kind == Ast::Kind::kAlternate ? 2 * (a.subs.size() - 1) : 0;
            for (const Ast& s : a.subs) n = cap(n + ProgramSize(s));
            return n;
        }
        case Ast::Kind::kRepeat: {
            const uint64_t s = ProgramSize(a.subs.front());
            const uint64_t mn = static_cast<uint64_t>(a.min);
            const uint64_t rest = a.max < 0 ? s + 2 : static_cast<uint64_t>(a.max - a.min) * (s + 1);
            return cap(mn * s + rest);
        }
        default:
            return 1;
    }
}

class Emitter {
  public:
    explicit Emitter(Regex::Program& p) : p_(p) {}

    void Emit(const Ast& a) {
        switch (a.kind) {
            case Ast::Kind::kEmpty:
                break;
            case Ast::Kind::kClass:
                p_.classes.push_back(a.ranges);
                Push(Op::kClass).cls = static_cast<uint32_t>(p_.classes.size() - 1);
                break;
            case Ast::Kind::kAnyNotNewline:
                Push(Op::kAnyNotNewline);
                break;
            case Ast::Kind::kAnyChar:
                Push(Op::kAnyChar);
                break;
            case Ast::Kind::kAssert:
                Push(Op::kAssert).assertion = a.assertion;
                break;
            case Ast::Kind::kConcat:
                for (const Ast& s : a.subs) Emit(s);
                break;
            case Ast::Kind::kAlternate: {
                std::vector<uint32_t> jumps;
                for (size_t i = 0; i + 1 < a.subs.size(); ++i) {
                    const uint32_t split = Here();
                    Push(Op::kSplit).x = split + 1;
                    Emit(a.subs[i]);
                    jumps.push_back(Here());
                    Push(Op::kJump);
                    p_.insts[split].y = Here();
                }
                Emit(a.subs.back());
                for (uint32_t j : jumps) p_.insts[j].x = Here();
                break;
            }
            case Ast::Kind::kRepeat: {
                const Ast& body = a.subs.front();
                for (int i = 0; i < a.min; ++i) Emit(body);
                if (a.max < 0) {
                    const uint32_t split = Here();
                    Push(Op::kSplit).x = split + 1;
                    Emit(body);
                    Push(Op::kJump).x = split;
                    p_.insts[split].y = Here();
                } else {
                    std::vector<uint32_t> splits;
                    for (int i = a.min; i < a.max; ++i) {
                        const uint32_t split = Here();
                        splits.push_back(split);
                        Push(Op::kSplit).x = split + 1;
                        Emit(body);
                    }
                    for (uint32_t s : splits) p_.insts[s].y = Here();
                }
                break;
            }
        }
    }

  private:
    uint32_t Here() const { return static_cast<uint32_t>(p_.insts.size()); }
    Inst& Push(Op op) {
        p_.insts.push_back(Inst{});
        p_.insts.back().op = op;
        return p_.insts.back();
    }
    Regex::Program& p_;
};

bool StartsAnchored(const Ast& a) {
    if (a.kind == Ast::Kind::kAssert) return a.assertion == AssertKind::kBeginText;
    if (a.kind == Ast::Kind::kConcat && !a.subs.empty()) return StartsAnchored(a.subs.front());
    return false;
}

class SparseSet {
  public:
    explicit SparseSet(size_t n) : dense_(n), sparse_(n) {}
    bool Contains(uint32_t i) const {
        const uint32_t d = sparse_[i];
        return d < size_ && dense_[d] == i;
    }
    void Insert(uint32_t i) {
        sparse_[i] = static_cast<uint32_t>(size_);
        dense_[size_++] = i;
    }
    void Clear() { size_ = 0; }
    bool empty() const { return size_ == 0; }
    const uint32_t* begin() const { return dense_.data(); }
    const uint32_t* end() const { return dense_.data() + size_; }

  private:
    std::vector<uint32_t> dense_;
    std::vector<uint32_t> sparse_;
    size_t size_ = 0;
};

struct Position {
    bool at_start;
    bool at_end;
    char32_t prev;  // kNoRune at the start
    char32_t next;  // kNoRune at the end
};

bool AssertHolds(AssertKind k, const Position& p) {
    switch (k) {
        case AssertKind::kBeginText:
            return p.at_start;
        case AssertKind::kEndText:
            return p.at_end;
        case AssertKind::kBeginLine:
            return p.at_start || p.prev == '\n';
        case AssertKind::kEndLine:
            return p.at_end || p.next == '\n';
        case AssertKind::kWordBoundary:
            return IsWordRune(p.prev) != IsWordRune(p.next);
        case AssertKind::kNotWordBoundary:
            return IsWordRune(p.prev) == IsWordRune(p.next);
    }
    return false;
}

bool InClass(const Ranges& r, char32_t c) {
    auto it = std::upper_bound(r.begin(), r.end(), c,
                               [](char32_t v, const std::pair<char32_t, char32_t>& range) { return v < range.first; });
    if (it == r.begin()) return false;
    --it;
    return c <= it->second;
}

// Adds the ε-closure of `pc` at position `pos` to `set`; true when it reaches the match.
bool AddThread(const Regex::Program& p, SparseSet& set, uint32_t pc, const Position& pos,
               std::vector<uint32_t>& stack) {
    stack.clear();
    stack.push_back(pc);
    while (!stack.empty()) {
        const uint32_t i = stack.back();
        stack.pop_back();
        if (set.Contains(i)) continue;
        set.Insert(i);
        const Inst& in = p.insts[i];
        switch (in.op) {
            case Op::kMatch:
                return true;
            case Op::kJump:
                stack.push_back(in.x);
                break;
            case Op::kSplit:
                stack.push_back(in.y);
                stack.push_back(in.x);
                break;
            case Op::kAssert:
                if (AssertHolds(in.assertion, pos)) stack.push_back(i + 1);
                break;
            default:
                break;  // consuming instructions wait for the next rune
        }
    }
    return false;
}

}  // namespace

core::Result<Regex> Regex::Compile(std::string_view pattern) {
    for (std::string_view s = pattern; !s.empty();) {
        const DecodedRune d = DecodeRune(s);
        if (d.width == 1 && d.rune == kRuneError)
            return core::BadRequest("error parsing regexp: invalid UTF-8: `" + std::string(pattern) + "`");
        s.remove_prefix(d.width);
    }
    Parser parser(pattern);
    Ast ast;
    if (!parser.Parse(ast)) return core::BadRequest(parser.error());
    if (ProgramSize(ast) > kMaxProgramSize)
        return core::BadRequest("error parsing regexp: expression too large: `" + std::string(pattern) + "`");
    auto program = std::make_shared<Program>();
    program->source = std::string(pattern);
    program->anchored = StartsAnchored(ast);
    Emitter(*program).Emit(ast);
    program->insts.push_back(Inst{});  // kMatch
    return Regex(std::move(program));
}

bool Regex::Search(std::string_view text) const {
    const Program& p = *program_;
    SparseSet current(p.insts.size());
    SparseSet next(p.insts.size());
    std::vector<uint32_t> stack;
    size_t pos = 0;
    char32_t prev = kNoRune;
    DecodedRune cur = DecodeRune(text);
    while (true) {
        const Position here{pos == 0, pos == text.size(), prev, cur.width ? cur.rune : kNoRune};
        if ((pos == 0 || !p.anchored) && AddThread(p, current, 0, here, stack)) return true;
        if (pos >= text.size() || (p.anchored && current.empty())) return false;
        const size_t next_pos = pos + cur.width;
        const DecodedRune after = DecodeRune(text.substr(next_pos));
        const Position there{false, next_pos == text.size(), cur.rune, after.width ? after.rune : kNoRune};
        next.Clear();
        for (uint32_t pc : current) {
            const Inst& in = p.insts[pc];
            bool consumes = false;
            if (in.op == Op::kClass)
                consumes = InClass(p.classes[in.cls], cur.rune);
            else if (in.op == Op::kAnyChar)
                consumes = true;
            else if (in.op == Op::kAnyNotNewline)
                consumes = cur.rune != '\n';
            if (consumes && AddThread(p, next, pc + 1, there, stack)) return true;
        }
        std::swap(current, next);
        pos = next_pos;
        prev = cur.rune;
        cur = after;
    }
}

const std::string& Regex::source() const { return program_->source; }

}  // namespace bia::schema
