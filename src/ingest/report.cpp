#include "ingest/report.hpp"

#include <cmath>
#include <cstdio>

#include "model/json.hpp"

namespace csv2ddb::ingest {
std::string format_decimal(double value, int decimals) {
  if (!std::isfinite(value)) value = 0;
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  std::string number(text);
  if (number.find('.') != std::string::npos) {
    while (number.back() == '0') number.pop_back();
    if (number.back() == '.') number.pop_back();
  }
  if (number == "-0") number = "0";
  return number;
}

std::string Report::to_json() const {
  std::string out;
  auto key = [&](const char* name) {
    out.push_back(out.empty() ? '{' : ',');
    out.push_back('"');
    out.append(name);
    out.append("\":");
  };
  auto count = [&](const char* name, std::uint64_t value) {
    key(name);
    out.append(std::to_string(value));
  };
  key("source");
  model::append_json_string(out, source);
  key("table");
  model::append_json_string(out, table);
  count("rows_read", rows_read);
  count("rows_written", rows_written);
  count("rows_rejected", rows_rejected);
  count("rows_unprocessed", rows_unprocessed);
  count("rows_skipped", rows_skipped);
  count("bytes_read", bytes_read);
  key("seconds");
  out.append(format_decimal(seconds, 3));
  count("requests", requests);
  count("retries", retries);
  count("throttles", throttles);
  key("consumed_wcu");
  out.append(format_decimal(consumed_wcu, 1));
  key("dry_run");
  out.append(dry_run ? "true" : "false");
  out.push_back('}');
  return out;
}

}  // namespace csv2ddb::ingest
