// CSV record → DynamoDB item, following ARCHITECTURE.md's semantics: empty values omitted,
// all-empty rows skipped, keys typed by the key schema, non-key columns typed by the typing
// mode, and every row that cannot become an item rejected with a reason a person can act on.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "csv/reader.hpp"
#include "model/attribute_value.hpp"

namespace csv2ddb::ingest {

// How non-key columns are typed: `strings` (the reference design's behaviour, the default),
// `infer` (conservative: plain integers/decimals → N, true/false → BOOL), or a spec naming
// columns ("price:N,active:BOOL,tags:SS"; unnamed columns stay strings). Set types split the
// cell on ';' (DynamoDB sets are unordered and have no empty members).
struct Typing {
  enum class Mode { kStrings, kInfer, kSpec };
  Mode mode = Mode::kStrings;
  std::vector<std::pair<std::string, model::AttributeType>> columns;  // for kSpec
  // A spec column missing from a CSV header is an error (a typo, most likely), unless the
  // spec is for several files that need not all have every column.
  bool every_column_required = true;
};

// The error code of a --types that cannot be used (a bad spec, a typed column not in the header).
inline constexpr std::string_view kInvalidTypes = "InvalidTypes";

// Parses what --types takes. Error code kInvalidTypes naming the bad part.
Result<Typing> parse_typing(std::string_view text);

// A row that could not become an item: written to rejected/ as
// {"line":N,"reason":"...","fields":[...]}.
struct Rejection {
  std::uint64_t line = 0;
  std::string
      reason;  // e.g. "key attribute 'account' is empty", "row has 9 fields; the header has 8"
  std::vector<std::string> fields;  // the raw fields as read (capped, see row_mapper.cpp)
};

class RowMapper {
 public:
  // Validates the header (no empty or duplicate names, key attributes present, spec columns
  // present) and plans each column's handling. Errors name the column and its position.
  static Result<RowMapper> create(std::vector<std::string> header, model::KeySchema schema,
                                  const Typing& typing);

  enum class Outcome { kItem, kSkipped, kRejected };

  // Maps one record. On kItem, `item` is overwritten (its capacity reused); on kRejected,
  // `rejection` is filled. Blank lines and rows whose values are all empty are kSkipped.
  Outcome map(const csv::Record& record, model::Item& item, Rejection& rejection) const;

  const std::vector<std::string>& header() const { return header_; }
  const model::KeySchema& schema() const { return schema_; }

 private:
  // The plan for one column, decided once from the header, schema and typing.
  struct Column {
    enum class Role : std::uint8_t { kAttribute, kHashKey, kRangeKey };
    Role role = Role::kAttribute;
    model::AttributeType type = model::AttributeType::kS;
    bool infer = false;  // type decided per value (Typing::Mode::kInfer)
  };
  RowMapper() = default;
  std::vector<std::string> header_;
  model::KeySchema schema_;
  std::vector<Column> columns_;
};

}  // namespace csv2ddb::ingest
