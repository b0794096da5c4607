#include "aws/http_date.hpp"

#include <array>
#include <cstdio>

namespace csv2ddb::aws {
namespace {

using namespace std::chrono;

constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<std::string_view, 7> kWeekdays = {"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};

Error invalid_date(std::string_view text) {
  return make_error("InvalidDate", "not a valid date: \"" + std::string(text) + "\"");
}

// A cursor over the text; every reader returns false on a mismatch.
struct Scanner {
  std::string_view text;
  std::size_t pos = 0;

  bool literal(std::string_view expected) {
    if (text.substr(pos, expected.size()) != expected) return false;
    pos += expected.size();
    return true;
  }
  bool digits(std::size_t count, int& out) {
    if (pos + count > text.size()) return false;
    int value = 0;
    for (std::size_t i = 0; i < count; ++i) {
      char c = text[pos + i];
      if (c < '0' || c > '9') return false;
      value = value * 10 + (c - '0');
    }
    out = value;
    pos += count;
    return true;
  }
  bool month(int& out) {
    for (std::size_t i = 0; i < kMonths.size(); ++i) {
      if (literal(kMonths[i])) {
        out = static_cast<int>(i) + 1;
        return true;
      }
    }
    return false;
  }
  bool skip_until(char c) {
    auto found = text.find(c, pos);
    if (found == std::string_view::npos) return false;
    pos = found + 1;
    return true;
  }
  bool at_end() const { return pos == text.size(); }
};

Result<SystemTime> make_time(std::string_view text, int y, int mo, int d, int h, int mi, int s) {
  year_month_day date{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!date.ok() || h > 23 || mi > 59 || s > 60) return invalid_date(text);
  return SystemTime(sys_days(date)) + hours(h) + minutes(mi) + seconds(s);
}

bool clock_part(Scanner& in, int& h, int& mi, int& s) {
  return in.digits(2, h) && in.literal(":") && in.digits(2, mi) && in.literal(":") &&
         in.digits(2, s);
}

}  // namespace

Result<SystemTime> parse_http_date(std::string_view text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
  if (text.size() == 29 && text[3] == ',') {
    Scanner in{text, 5};
    if (in.digits(2, d) && in.literal(" ") && in.month(mo) && in.literal(" ") && in.digits(4, y) &&
        in.literal(" ") && clock_part(in, h, mi, s) && in.literal(" GMT") && in.at_end()) {
      return make_time(text, y, mo, d, h, mi, s);
    }
    return invalid_date(text);
  }
  // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT" (two-digit years are taken as 19xx/20xx
  // around 1970, which is all a Date header from a live server can mean).
  if (auto comma = text.find(','); comma != std::string_view::npos && comma > 3) {
    Scanner in{text, comma + 1};
    int yy = 0;
    if (in.literal(" ") && in.digits(2, d) && in.literal("-") && in.month(mo) && in.literal("-") &&
        in.digits(2, yy) && in.literal(" ") && clock_part(in, h, mi, s) && in.literal(" GMT") &&
        in.at_end()) {
      return make_time(text, yy < 70 ? 2000 + yy : 1900 + yy, mo, d, h, mi, s);
    }
    return invalid_date(text);
  }
  // asctime: "Sun Nov  6 08:49:37 1994".
  if (text.size() == 24 && text[3] == ' ') {
    Scanner in{text, 4};
    if (in.month(mo) && in.literal(" ")) {
      if (text[in.pos] == ' ') ++in.pos;
      std::size_t day_digits = text[in.pos + 1] == ' ' ? 1 : 2;
      if (in.digits(day_digits, d) && in.literal(" ") && clock_part(in, h, mi, s) &&
          in.literal(" ") && in.digits(4, y) && in.at_end()) {
        return make_time(text, y, mo, d, h, mi, s);
      }
    }
  }
  return invalid_date(text);
}

std::string format_http_date(SystemTime time) {
  auto day_point = floor<days>(time);
  year_month_day date{day_point};
  hh_mm_ss clock{floor<seconds>(time - day_point)};
  weekday wd{day_point};
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%s, %02u %s %04d %02d:%02d:%02d GMT",
                std::string(kWeekdays[wd.c_encoding()]).c_str(), unsigned(date.day()),
                std::string(kMonths[unsigned(date.month()) - 1]).c_str(), int(date.year()),
                static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()));
  return buffer;
}

Result<SystemTime> parse_iso8601(std::string_view text) {
  Scanner in{text};
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (!(in.digits(4, y) && in.literal("-") && in.digits(2, mo) && in.literal("-") &&
        in.digits(2, d) && (in.literal("T") || in.literal("t") || in.literal(" ")) &&
        clock_part(in, h, mi, s))) {
    return invalid_date(text);
  }
  // Fractional seconds: kept to milliseconds.
  milliseconds fraction{0};
  if (in.literal(".")) {
    int scale = 100;
    bool any = false;
    while (in.pos < text.size() && text[in.pos] >= '0' && text[in.pos] <= '9') {
      fraction += milliseconds((text[in.pos] - '0') * scale);
      scale /= 10;
      ++in.pos;
      any = true;
    }
    if (!any) return invalid_date(text);
  }
  minutes offset{0};
  if (in.literal("Z") || in.literal("z")) {
  } else if (in.pos < text.size() && (text[in.pos] == '+' || text[in.pos] == '-')) {
    int sign = text[in.pos] == '-' ? -1 : 1;
    ++in.pos;
    int oh = 0, om = 0;
    if (!(in.digits(2, oh) && (in.literal(":") || true) && in.digits(2, om))) {
      return invalid_date(text);
    }
    offset = minutes(sign * (oh * 60 + om));
  } else {
    return invalid_date(text);
  }
  if (!in.at_end()) return invalid_date(text);
  auto base = make_time(text, y, mo, d, h, mi, s);
  if (!base) return base;
  return *base + fraction - offset;
}

std::string format_iso8601(SystemTime time) {
  auto day_point = floor<days>(time);
  year_month_day date{day_point};
  hh_mm_ss clock{floor<seconds>(time - day_point)};
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02dZ", int(date.year()),
                unsigned(date.month()), unsigned(date.day()),
                static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()));
  return buffer;
}

}  // namespace csv2ddb::aws
