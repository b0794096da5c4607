#include "csv/header_row.hpp"

namespace csv2ddb::csv {

Result<std::optional<std::vector<std::string>>> read_header_row(CsvReader& reader) {
  Record record;
  while (true) {
    Result<bool> more = reader.next(record);
    if (!more) return more.take_error();
    if (!*more) return std::optional<std::vector<std::string>>();
    if (record.error != RecordErrorKind::kNone) {
      return make_error(std::string(kInvalidHeader),
                        "the header (line " + std::to_string(record.line) +
                            ") cannot be read: " + record.error_message);
    }
    if (!record.blank()) break;
  }
  return std::optional<std::vector<std::string>>(
      std::vector<std::string>(record.fields.begin(), record.fields.end()));
}

}  // namespace csv2ddb::csv
