// The one JSON form of Counts: every field has one name (the report's: "rows_read",
// "consumed_wcu", ...) and one way to be written and read. A document picks the fields it
// carries, in its order: the report all of them, a continuation event's resume point the rows,
// its costs the costs, the import handler's result a selection.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string_view>

#include "common/result.hpp"
#include "ingest/counts.hpp"
#include "model/json.hpp"

namespace csv2ddb::ingest {

enum class CountField : std::uint8_t {
  kRowsRead,
  kRowsWritten,
  kRowsRejected,
  kRowsUnprocessed,
  kRowsSkipped,
  kRowsConflicts,
  kBytesRead,
  kSeconds,
  kRequests,
  kRetries,
  kThrottles,
  kConsumedWcu,
};
using CountFields = std::initializer_list<CountField>;

// How the two real-valued fields are written: rounded for people (seconds to the millisecond,
// write units to a tenth, trailing zeros dropped), or exact for documents whose totals are
// added up again (%.17g, which strtod reads back to the same double).
enum class NumberForm : std::uint8_t { kRounded, kExact };

// The fields of a report, in its order.
inline constexpr CountFields kReportFields = {
    CountField::kRowsRead,        CountField::kRowsWritten, CountField::kRowsRejected,
    CountField::kRowsUnprocessed, CountField::kRowsSkipped, CountField::kRowsConflicts,
    CountField::kBytesRead,       CountField::kSeconds,     CountField::kRequests,
    CountField::kRetries,         CountField::kThrottles,   CountField::kConsumedWcu};
inline constexpr CountFields kRowFields = {CountField::kRowsRead, CountField::kRowsWritten,
                                           CountField::kRowsRejected, CountField::kRowsUnprocessed,
                                           CountField::kRowsSkipped};
inline constexpr CountFields kCostFields = {CountField::kSeconds, CountField::kRequests,
                                            CountField::kRetries, CountField::kThrottles,
                                            CountField::kConsumedWcu};

std::string_view count_field_name(CountField field);

// Appends `"name":value` for each field, comma-separated; a leading comma unless `first`.
void append_counts(model::JsonWriter& json, const Counts& counts, CountFields fields,
                   NumberForm form, bool first = true);
// Reads the fields from `object` into `counts` (the others are left as they are). Errors name
// the member (model/json_members.hpp).
Status read_counts(const model::JsonValue& object, CountFields fields, Counts& counts);

// Fixed decimals, trailing zeros dropped: 12, 0.5, 1.234 (never exponents, never "-0").
std::string format_decimal(double value, int decimals);

}  // namespace csv2ddb::ingest
