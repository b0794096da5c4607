// The header row, read the same way by every command (convert, ingest, the Lambda import).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "csv/reader.hpp"

namespace csv2ddb::csv {

// The error code of a header that cannot be used (damaged, empty or repeated names).
inline constexpr std::string_view kInvalidHeader = "InvalidHeader";

// The column names from the first record that is not blank: blank lines before the header are
// skipped, as blank lines are everywhere else in a file. (Python's csv.DictReader does not skip
// them: it takes a blank first line as a header of no columns, which makes every row ragged;
// no user wants that, and the reference never feeds it such a file.)
//
// nullopt when the input holds no record at all (empty, or only blank lines). Errors: the
// source fails (as CsvReader::next), or the header record itself is damaged (InvalidHeader,
// naming its line, e.g. an unterminated quote or a record over the size limit).
Result<std::optional<std::vector<std::string>>> read_header_row(CsvReader& reader);

}  // namespace csv2ddb::csv
