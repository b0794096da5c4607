#include "aws/clock_skew.hpp"

namespace csv2ddb::aws {

bool suggests_clock_skew(int status, const std::string* date_header, SystemTime signed_at) {
  if ((status != 401 && status != 403) || date_header == nullptr) return false;
  auto server_time = parse_http_date(*date_header);
  if (!server_time) return false;
  const auto difference =
      *server_time > signed_at ? *server_time - signed_at : signed_at - *server_time;
  return difference > kSuspiciousSkew;
}

SystemTime ClockSkew::now() const {
  return std::chrono::system_clock::now() + offset();
}

void ClockSkew::update(SystemTime server_time, SystemTime local_time) {
  set_offset(std::chrono::duration_cast<std::chrono::milliseconds>(server_time - local_time));
}

bool ClockSkew::update_from_date_header(std::string_view date_header_value) {
  auto server_time = parse_http_date(date_header_value);
  if (!server_time) return false;
  update(*server_time, std::chrono::system_clock::now());
  return true;
}

ClockSkew& ClockSkew::process_wide() {
  static ClockSkew skew;
  return skew;
}

}  // namespace csv2ddb::aws
