#include "ingest/input_format.hpp"

#include <array>

namespace csv2ddb::ingest {
namespace {

constexpr std::string_view kItemArraySuffix = ".unprocessed.json";
constexpr std::array<std::string_view, 10> kInputSuffixes = {
    ".csv",      ".csv.gz",    ".csv.zst", ".json.gz",   ".jsonl.gz",
    ".json.zst", ".jsonl.zst", ".ndjson",  ".ndjson.gz", ".ndjson.zst"};
// The members a DynamoDB JSON line starts with: an item, or an incremental export's record.
constexpr std::array<std::string_view, 4> kDynamoDbJsonFirstMembers = {"Item", "Keys", "NewImage",
                                                                       "Metadata"};

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c;
}

bool ends_with_ignoring_case(std::string_view text, std::string_view lower_suffix) {
  if (text.size() < lower_suffix.size()) return false;
  const std::string_view tail = text.substr(text.size() - lower_suffix.size());
  for (std::size_t i = 0; i < tail.size(); ++i) {
    if (lower(tail[i]) != lower_suffix[i]) return false;
  }
  return true;
}

std::string_view skip_spaces(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size() && is_space(text[i])) ++i;
  return text.substr(i);
}

// The name of the first member of the object `text` starts (after its '{'), if it is a plain
// string without escapes: all the formats' member names are.
std::string_view first_member_name(std::string_view text) {
  text = skip_spaces(text.substr(1));
  if (text.empty() || text.front() != '"') return {};
  const std::size_t end = text.find_first_of("\"\\", 1);
  if (end == std::string_view::npos || text[end] != '"') return {};
  return text.substr(1, end - 1);
}

std::string_view base_name(std::string_view key) {
  const std::size_t slash = key.find_last_of('/');
  return slash == std::string_view::npos ? key : key.substr(slash + 1);
}

}  // namespace

std::string_view input_format_name(InputFormat format) {
  switch (format) {
    case InputFormat::kCsv:
      return "csv";
    case InputFormat::kDynamoDbJson:
      return "ddb-json";
    case InputFormat::kJsonLines:
      return "json";
    case InputFormat::kItemArray:
      return "items";
  }
  return "csv";
}

std::optional<InputFormat> parse_input_format(std::string_view name) {
  for (InputFormat format :
       {InputFormat::kCsv, InputFormat::kDynamoDbJson, InputFormat::kJsonLines}) {
    if (input_format_name(format) == name) return format;
  }
  return std::nullopt;
}

InputFormat detect_input_format(std::string_view name, std::string_view first_bytes) {
  if (ends_with_ignoring_case(name, kItemArraySuffix)) return InputFormat::kItemArray;
  const std::string_view text = skip_spaces(first_bytes);
  if (text.empty()) return InputFormat::kCsv;
  if (text.front() == '[') return InputFormat::kItemArray;
  if (text.front() != '{') return InputFormat::kCsv;
  const std::string_view member = first_member_name(text);
  for (std::string_view known : kDynamoDbJsonFirstMembers) {
    if (member == known) return InputFormat::kDynamoDbJson;
  }
  return InputFormat::kJsonLines;
}

std::string_view strip_input_suffix(std::string_view key) {
  for (std::string_view suffix : kInputSuffixes) {
    if (ends_with_ignoring_case(key, suffix)) return key.substr(0, key.size() - suffix.size());
  }
  return key;
}

bool has_input_suffix(std::string_view key) {
  return strip_input_suffix(key).size() != key.size();
}

std::string_view export_bookkeeping_reason(std::string_view key) {
  const std::string_view name = base_name(key);
  if (name == "manifest-summary.json" || name == "manifest-files.json") {
    return "a DynamoDB export's manifest";
  }
  if (name == "_started") return "a DynamoDB export's _started marker";
  if (ends_with_ignoring_case(name, ".checksum") || ends_with_ignoring_case(name, ".md5")) {
    return "a checksum file";
  }
  return "";
}

}  // namespace csv2ddb::ingest
