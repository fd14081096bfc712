#include "core/time.hpp"

#include <cmath>
#include <cstdio>
#include <ctime>

namespace bia::core {

using std::chrono::duration_cast;
using std::chrono::nanoseconds;
using std::chrono::seconds;

namespace {

void PutDigits(char* at, int64_t v, int width) {
    for (int i = width - 1; i >= 0; --i) {
        at[i] = static_cast<char>('0' + v % 10);
        v /= 10;
    }
}

}  // namespace

// Every flow and identity answer formats several instants: std::chrono's calendar and plain
// digit writes instead of gmtime_r and snprintf.
std::string FormatRfc3339(TimePoint t) {
    auto ns = duration_cast<nanoseconds>(t.time_since_epoch()).count();
    int64_t secs = ns / 1'000'000'000;
    int64_t frac = ns % 1'000'000'000;
    if (frac < 0) {
        frac += 1'000'000'000;
        secs -= 1;
    }
    // The civil date from the standard library's calendar (no gmtime_r: it takes glibc's tz lock).
    const std::chrono::sys_seconds whole{seconds(secs)};
    const auto day_point = std::chrono::floor<std::chrono::days>(whole);
    const std::chrono::year_month_day ymd{day_point};
    const int64_t sod = (whole - day_point).count();
    const int64_t year = static_cast<int>(ymd.year());
    const int64_t month = static_cast<unsigned>(ymd.month());
    const int64_t day = static_cast<unsigned>(ymd.day());
    // A TimePoint counts nanoseconds in an int64: years 1677–2262, always four digits.

    char buf[32] = "0000-00-00T00:00:00";
    PutDigits(buf, year, 4);
    PutDigits(buf + 5, month, 2);
    PutDigits(buf + 8, day, 2);
    PutDigits(buf + 11, sod / 3600, 2);
    PutDigits(buf + 14, sod / 60 % 60, 2);
    PutDigits(buf + 17, sod % 60, 2);
    size_t n = 19;
    if (frac != 0) {
        buf[n++] = '.';
        PutDigits(buf + n, frac, 9);
        n += 9;
        while (buf[n - 1] == '0') --n;
    }
    buf[n++] = 'Z';
    return std::string(buf, n);
}

std::string FormatGoTime(TimePoint t) {
    std::string s = FormatRfc3339(t);
    s[10] = ' ';
    s.pop_back();  // the 'Z'
    return s + " +0000 UTC";
}

namespace {
bool Digits(std::string_view s, size_t pos, size_t n, int& out) {
    if (pos + n > s.size()) return false;
    int v = 0;
    for (size_t i = 0; i < n; ++i) {
        char c = s[pos + i];
        if (c < '0' || c > '9') return false;
        v = v * 10 + (c - '0');
    }
    out = v;
    return true;
}
}  // namespace

std::optional<TimePoint> ParseRfc3339(std::string_view s) {
    int y, mo, d, h, mi, se;
    if (!Digits(s, 0, 4, y) || s.size() < 20 || s[4] != '-' || !Digits(s, 5, 2, mo) || s[7] != '-' ||
        !Digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !Digits(s, 11, 2, h) || s[13] != ':' ||
        !Digits(s, 14, 2, mi) || s[16] != ':' || !Digits(s, 17, 2, se))
        return std::nullopt;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return std::nullopt;
    size_t pos = 19;
    int64_t frac_ns = 0;
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        size_t start = pos;
        int64_t scale = 100'000'000;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
            if (pos - start < 9) {
                frac_ns += (s[pos] - '0') * scale;
                scale /= 10;
            }
            ++pos;
        }
        if (pos == start) return std::nullopt;
    }
    int offset_sec = 0;
    if (pos >= s.size()) return std::nullopt;
    if (s[pos] == 'Z' || s[pos] == 'z') {
        ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
        int oh, om;
        if (!Digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' || !Digits(s, pos + 4, 2, om))
            return std::nullopt;
        offset_sec = (oh * 3600 + om * 60) * (s[pos] == '-' ? -1 : 1);
        pos += 6;
    } else {
        return std::nullopt;
    }
    if (pos != s.size()) return std::nullopt;
    std::tm tm{};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = se;
    std::time_t tt = timegm(&tm);
    auto tp = TimePoint(duration_cast<TimePoint::duration>(seconds(tt - offset_sec) + nanoseconds(frac_ns)));
    return tp;
}

std::optional<Duration> ParseGoDuration(std::string_view s) {
    if (s.empty()) return std::nullopt;
    bool neg = false;
    if (s[0] == '-' || s[0] == '+') {
        neg = s[0] == '-';
        s.remove_prefix(1);
    }
    if (s == "0") return Duration(0);
    if (s.empty()) return std::nullopt;
    long double total = 0;
    while (!s.empty()) {
        size_t i = 0;
        long double v = 0;
        bool any = false;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
            v = v * 10 + (s[i] - '0');
            ++i;
            any = true;
        }
        if (i < s.size() && s[i] == '.') {
            ++i;
            long double scale = 0.1L;
            while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
                v += (s[i] - '0') * scale;
                scale /= 10;
                ++i;
                any = true;
            }
        }
        if (!any) return std::nullopt;
        size_t u = i;
        while (u < s.size() && !(s[u] >= '0' && s[u] <= '9') && s[u] != '.') ++u;
        std::string_view unit = s.substr(i, u - i);
        long double mul;
        if (unit == "ns")
            mul = 1;
        else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs")
            mul = 1e3L;
        else if (unit == "ms")
            mul = 1e6L;
        else if (unit == "s")
            mul = 1e9L;
        else if (unit == "m")
            mul = 60e9L;
        else if (unit == "h")
            mul = 3600e9L;
        else
            return std::nullopt;
        total += v * mul;
        if (total > 9.2e18L) return std::nullopt;
        s.remove_prefix(u);
    }
    auto ns = static_cast<int64_t>(std::llround(static_cast<double>(total)));
    return Duration(neg ? -ns : ns);
}

std::string FormatGoDuration(Duration d) {
    int64_t ns = d.count();
    if (ns == 0) return "0s";
    std::string sign = ns < 0 ? "-" : "";
    uint64_t u = ns < 0 ? static_cast<uint64_t>(-ns) : static_cast<uint64_t>(ns);
    char buf[64];
    if (u < 1'000'000'000ULL) {
        // sub-second: ns, µs or ms with fraction
        const char* unit;
        double v;
        if (u < 1000) {
            unit = "ns";
            v = static_cast<double>(u);
        } else if (u < 1'000'000) {
            unit = "\xC2\xB5s";
            v = static_cast<double>(u) / 1e3;
        } else {
            unit = "ms";
            v = static_cast<double>(u) / 1e6;
        }
        std::snprintf(buf, sizeof buf, "%.9g%s", v, unit);
        return sign + buf;
    }
    uint64_t h = u / 3'600'000'000'000ULL;
    u -= h * 3'600'000'000'000ULL;
    uint64_t m = u / 60'000'000'000ULL;
    u -= m * 60'000'000'000ULL;
    uint64_t s = u / 1'000'000'000ULL;
    uint64_t f = u % 1'000'000'000ULL;
    std::string secs = std::to_string(s);
    if (f) {
        char fb[16];
        std::snprintf(fb, sizeof fb, "%09llu", static_cast<unsigned long long>(f));
        std::string fs(fb);
        while (!fs.empty() && fs.back() == '0') fs.pop_back();
        secs += "." + fs;
    }
    std::string out = sign;
    if (h) out += std::to_string(h) + "h";
    if (h || m) out += std::to_string(m) + "m";
    out += secs + "s";
    return out;
}

int64_t UnixSeconds(TimePoint t) { return duration_cast<seconds>(t.time_since_epoch()).count(); }

}  // namespace bia::core
