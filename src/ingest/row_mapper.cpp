// RowMapper: the per-row rules of ARCHITECTURE.md "Semantics". Every rejection message names
// the column (or key attribute) and says what was wrong, because the person reading rejected/
// has only the message and the raw fields to go on.
#include "ingest/row_mapper.hpp"

#include <string>
#include <string_view>
#include <unordered_map>

#include "csv/header_row.hpp"
#include "model/dynamodb_json.hpp"
#include "model/item_size.hpp"
#include "model/json.hpp"
#include "model/number.hpp"

namespace csv2ddb::ingest {
namespace {

using model::AttributeType;
using model::AttributeValue;

// Caps on what a rejection carries, so a 1 MB field or a 100 000-field row does not bloat
// rejected/ files: enough to recognise the row, not a copy of it.
constexpr std::size_t kMaxRejectedFieldBytes = 1024;
constexpr std::size_t kMaxRejectedFields = 256;
constexpr std::size_t kMaxQuotedValueBytes = 64;

constexpr char kSetSeparator = ';';

Error header_error(std::string message) {
  return make_error(std::string(csv::kInvalidHeader), std::move(message));
}

std::string quoted(std::string_view value) {
  return "'" + model::displayable_utf8(value, kMaxQuotedValueBytes) + "'";
}

// The next attribute slot of `item`, reusing the storage of an earlier row's attribute.
AttributeValue& next_attribute(model::Item& item, std::size_t& count, const std::string& name,
                               AttributeType type) {
  if (count == item.attributes.size()) item.attributes.emplace_back();
  model::Attribute& attribute = item.attributes[count++];
  attribute.name.assign(name);
  AttributeValue& value = attribute.value;
  value.type = type;
  value.boolean = false;
  value.text.clear();
  value.set.clear();
  value.list.clear();
  value.map.clear();
  return value;
}

bool equals_ignoring_case(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i] >= 'A' && text[i] <= 'Z' ? static_cast<char>(text[i] + 32) : text[i];
    if (c != lower[i]) return false;
  }
  return true;
}

// Fills `value` (already typed) from a non-empty cell; returns the rejection reason or "".
std::string convert_scalar(std::string_view cell, const std::string& column, AttributeType type,
                           std::string& out) {
  switch (type) {
    case AttributeType::kN: {
      Result<std::string> number = model::canonical_number(cell);
      if (!number) return "column '" + column + "': " + number.error().message;
      out = std::move(number.value());
      return {};
    }
    case AttributeType::kB: {
      Result<std::string> bytes = model::base64_decode(cell);
      if (!bytes) return "column '" + column + "': " + bytes.error().message;
      out = std::move(bytes.value());
      return {};
    }
    default:
      out.assign(cell);
      return {};
  }
}

std::string convert_set(std::string_view cell, const std::string& column, AttributeType member,
                        std::vector<std::string>& set) {
  std::size_t start = 0;
  std::string converted;
  while (start <= cell.size()) {
    std::size_t end = cell.find(kSetSeparator, start);
    if (end == std::string_view::npos) end = cell.size();
    const std::string_view part = cell.substr(start, end - start);
    start = end + 1;
    if (!part.empty()) {
      if (std::string reason = convert_scalar(part, column, member, converted); !reason.empty()) {
        return reason;
      }
      // DynamoDB refuses duplicate set members; a CSV cell "a;a" means the set {a}.
      bool seen = false;
      for (const std::string& existing : set) seen = seen || existing == converted;
      if (!seen) set.push_back(converted);
    }
    if (end == cell.size()) break;
  }
  return {};
}

}  // namespace

Result<RowMapper> RowMapper::create(std::vector<std::string> header, model::KeySchema schema,
                                    const Typing& typing) {
  RowMapper mapper;
  mapper.columns_.resize(header.size());
  // Position of each name seen so far: duplicate detection in linear time, since a header may
  // have tens of thousands of columns.
  std::unordered_map<std::string_view, std::size_t> first_position;
  first_position.reserve(header.size());
  for (std::size_t i = 0; i < header.size(); ++i) {
    const std::string& name = header[i];
    if (name.empty()) {
      return header_error("column " + std::to_string(i + 1) + " of the header is empty");
    }
    if (model::first_invalid_utf8(name)) {
      return header_error("column " + std::to_string(i + 1) + " of the header is not valid UTF-8");
    }
    if (auto [it, inserted] = first_position.emplace(name, i); !inserted) {
      return header_error("column " + std::to_string(i + 1) + " '" + name + "' duplicates column " +
                          std::to_string(it->second + 1));
    }
  }
  auto find_column = [&](const std::string& name) -> std::optional<std::size_t> {
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) return i;
    }
    return std::nullopt;
  };
  auto list_header = [&] {
    std::string list;
    for (const std::string& name : header) list += (list.empty() ? "" : ", ") + name;
    return list;
  };

  // Spec types first; key columns below override them, since keys are typed by the table.
  for (const auto& [name, type] : typing.columns) {
    const std::optional<std::size_t> index = find_column(name);
    if (!index && !typing.every_column_required) continue;
    if (!index) {
      return make_error(
          std::string(kInvalidTypes),
          "typed column '" + name + "' is not a column; the header has: " + list_header());
    }
    mapper.columns_[*index].type = type;
  }
  if (typing.mode == Typing::Mode::kInfer) {
    for (Column& column : mapper.columns_) column.infer = true;
  }
  auto plan_key = [&](const model::KeyAttribute& key, Column::Role role) -> Status {
    const std::optional<std::size_t> index = find_column(key.name);
    if (!index) {
      return header_error("key attribute '" + key.name +
                          "' is not a column; the header has: " + list_header());
    }
    mapper.columns_[*index] = Column{role, key.type, false};
    return {};
  };
  if (Status status = plan_key(schema.hash, Column::Role::kHashKey); !status) {
    return status.take_error();
  }
  if (schema.range) {
    if (Status status = plan_key(*schema.range, Column::Role::kRangeKey); !status) {
      return status.take_error();
    }
  }
  mapper.header_ = std::move(header);
  mapper.schema_ = std::move(schema);
  return mapper;
}

RowMapper::Outcome RowMapper::map(const csv::Record& record, model::Item& item,
                                  Rejection& rejection) const {
  auto reject = [&](std::string reason) {
    rejection.line = record.line;
    rejection.reason = std::move(reason);
    rejection.fields.clear();
    const std::size_t shown = std::min(record.fields.size(), kMaxRejectedFields);
    for (std::size_t i = 0; i < shown; ++i) {
      rejection.fields.push_back(model::displayable_utf8(record.fields[i], kMaxRejectedFieldBytes));
    }
    if (shown < record.fields.size()) {
      rejection.fields.push_back("\xE2\x80\xA6 " + std::to_string(record.fields.size() - shown) +
                                 " more fields");
    }
    return Outcome::kRejected;
  };

  if (record.error != csv::RecordErrorKind::kNone) {
    return reject(record.error_message.empty() ? "the record could not be read"
                                               : record.error_message);
  }
  bool all_empty = true;
  for (std::string_view field : record.fields) all_empty = all_empty && field.empty();
  if (all_empty) return Outcome::kSkipped;
  if (record.fields.size() > header_.size()) {
    return reject("row has " + std::to_string(record.fields.size()) + " fields; the header has " +
                  std::to_string(header_.size()));
  }

  // The engine moves each item away, so this usually starts from nothing: one allocation for
  // the attributes instead of a growth sequence.
  if (item.attributes.capacity() < columns_.size()) item.attributes.reserve(columns_.size());
  std::size_t count = 0;
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    const Column& column = columns_[i];
    const std::string& name = header_[i];
    const bool is_key = column.role != Column::Role::kAttribute;
    if (i >= record.fields.size()) {
      if (is_key) return reject("key attribute '" + name + "' is missing");
      continue;
    }
    const std::string_view cell = record.fields[i];
    if (cell.empty()) {
      if (is_key) return reject("key attribute '" + name + "' is empty");
      continue;
    }
    if (const std::optional<std::size_t> bad = model::first_invalid_utf8(cell)) {
      return reject("column '" + name + "' is not valid UTF-8 at byte " + std::to_string(*bad));
    }

    AttributeType type = column.type;
    if (column.infer) {
      if (model::is_plain_number(cell)) {
        type = AttributeType::kN;
      } else if (cell == "true" || cell == "false") {
        type = AttributeType::kBool;
      }
    }
    AttributeValue& value = next_attribute(item, count, name, type);
    std::string reason;
    switch (type) {
      case AttributeType::kBool:
        if (equals_ignoring_case(cell, "true")) {
          value.boolean = true;
        } else if (!equals_ignoring_case(cell, "false")) {
          reason = "column '" + name + "' is " + quoted(cell) + "; BOOL takes true or false";
        }
        break;
      case AttributeType::kNull:
        break;  // any non-empty cell of a NULL column is {"NULL":true}
      case AttributeType::kSS:
        reason = convert_set(cell, name, AttributeType::kS, value.set);
        break;
      case AttributeType::kNS:
        reason = convert_set(cell, name, AttributeType::kN, value.set);
        break;
      case AttributeType::kBS:
        reason = convert_set(cell, name, AttributeType::kB, value.set);
        break;
      default:
        reason = convert_scalar(cell, name, type, value.text);
        break;
    }
    if (!reason.empty()) return reject(std::move(reason));
    if (is_key && value.text.empty()) {
      return reject("key attribute '" + name + "' is empty");  // e.g. B key "" after decoding
    }
    // A set cell of only separators (";;") has no members: omitted like an empty cell.
    const bool is_set =
        type == AttributeType::kSS || type == AttributeType::kNS || type == AttributeType::kBS;
    if (is_set && value.set.empty()) --count;
  }
  item.attributes.resize(count);

  if (Status key = model::validate_key(item, schema_); !key) {
    return reject(key.error().message);
  }
  if (const std::size_t size = model::item_size(item); size > model::kMaxItemBytes) {
    return reject("item is " + std::to_string(size) + " bytes; the limit is " +
                  std::to_string(model::kMaxItemBytes));
  }
  return Outcome::kItem;
}

}  // namespace csv2ddb::ingest
