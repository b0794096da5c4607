// Scan and Query: pages of at most Limit items and 1 MB, in key order (Query by range key,
// either direction), continued with ExclusiveStartKey/LastEvaluatedKey. Filter expressions,
// indexes and parallel scan segments are not supported (csv2ddb does not use them).
#include <algorithm>

#include "local/dynamodb/item_keys.hpp"
#include "local/dynamodb/key_condition.hpp"
#include "local/dynamodb/operations.hpp"
#include "local/dynamodb/projection.hpp"
#include "local/dynamodb/request_checks.hpp"

namespace csv2ddb::local::dynamodb {
namespace {

struct ReadRequest {
  TableInfo table;
  std::size_t limit = SIZE_MAX;
  bool count_only = false;
  bool consistent = false;
  std::string capacity_mode = "NONE";
  std::optional<std::vector<std::string>> projection;
  std::optional<StorageKey> start;
};

Status check_read_kinds(const model::JsonValue& request) {
  return check_kinds(request, {{"Select", FieldKind::kString},
                               {"IndexName", FieldKind::kString},
                               {"TotalSegments", FieldKind::kInteger},
                               {"ReturnConsumedCapacity", FieldKind::kString},
                               {"TableName", FieldKind::kString},
                               {"Segment", FieldKind::kInteger},
                               {"Limit", FieldKind::kInteger},
                               {"ExclusiveStartKey", FieldKind::kMap},
                               {"KeyConditionExpression", FieldKind::kString},
                               {"FilterExpression", FieldKind::kString},
                               {"ProjectionExpression", FieldKind::kString},
                               {"ExpressionAttributeValues", FieldKind::kMap},
                               {"ExpressionAttributeNames", FieldKind::kMap},
                               {"ConsistentRead", FieldKind::kBoolean},
                               {"ScanIndexForward", FieldKind::kBoolean}});
}

// Everything Scan and Query share, up to and including the table and the start key.
Result<ReadRequest> prepare_read(const model::JsonValue& request, OperationContext& context,
                                 bool is_query) {
  if (Status s = check_read_kinds(request); !s) return s.take_error();
  if (Status s = check_table_name_required(request); !s) return s.take_error();
  ConstraintErrors errors;
  errors.enum_of(request.find("Select"), "select",
                 {"SPECIFIC_ATTRIBUTES", "COUNT", "ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES"});
  errors.enum_of(request.find("ReturnConsumedCapacity"), "returnConsumedCapacity",
                 {"INDEXES", "TOTAL", "NONE"});
  errors.table_name_pattern(request.find("TableName"), "tableName");
  errors.at_least(request.find("Limit"), "limit", 1);
  if (Status s = errors.result(); !s) return s.take_error();
  for (std::string_view field : {"FilterExpression", "ScanFilter", "QueryFilter", "IndexName",
                                 "Segment", "TotalSegments", "KeyConditions", "AttributesToGet"}) {
    const model::JsonValue* value = request.find(field);
    if (value != nullptr && !value->is_null()) {
      return validation_error("csv2ddb local does not support " + std::string(field));
    }
  }
  if (Status s = check_expression_maps_not_empty(request); !s) return s.take_error();
  std::optional<model::Item> start_item;
  if (const model::JsonValue* start = request.find("ExclusiveStartKey");
      start != nullptr && start->is_object()) {
    auto decoded = decode_item(*start);
    if (!decoded) {
      Error error = decoded.take_error();
      error.message = "The provided starting key is invalid: " + error.message;
      return error;
    }
    start_item = std::move(*decoded);
  }
  if (is_query && request.find("KeyConditionExpression") == nullptr) {
    return validation_error(
        "Either the KeyConditions or KeyConditionExpression parameter must be specified in the "
        "request.");
  }
  ReadRequest read;
  auto projection = parse_projection(request);
  if (!projection) return projection.take_error();
  read.projection = std::move(*projection);
  if (const model::JsonValue* select = request.find("Select"); select && select->is_string()) {
    read.count_only = select->as_string() == "COUNT";
  }
  if (const model::JsonValue* limit = request.find("Limit"); limit && limit->is_number()) {
    read.limit = static_cast<std::size_t>(json_integer(limit));
  }
  read.consistent = json_boolean(request.find("ConsistentRead"));
  if (const model::JsonValue* mode = request.find("ReturnConsumedCapacity");
      mode && mode->is_string()) {
    read.capacity_mode = mode->as_string();
  }
  auto table = require_table(context, request.find("TableName")->as_string());
  if (!table) return table.take_error();
  read.table = std::move(*table);
  if (start_item) {
    auto key = key_storage_key(*start_item, read.table);
    if (!key) {
      Error error = key.take_error();
      error.message = "The provided starting key is invalid: " + error.message;
      return error;
    }
    read.start = std::move(*key);
  }
  return read;
}

Result<std::string> page_response(const ReadRequest& read, const std::vector<StoredItem>& items) {
  std::string out = "{";
  if (!read.count_only) {
    out += "\"Items\":[";
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (i != 0) out += ',';
      if (Status s = append_projected(out, items[i].json, read.projection); !s) {
        return s.take_error();
      }
    }
    out += "],";
  }
  out += "\"Count\":" + std::to_string(items.size());
  out += ",\"ScannedCount\":" + std::to_string(items.size());
  std::uint64_t bytes = 0;
  for (const StoredItem& item : items) bytes += item.size;
  const bool full = items.size() >= read.limit || bytes >= kMaxPageBytes;
  if (full && !items.empty()) {
    out += ",\"LastEvaluatedKey\":";
    append_key_json(out, items.back().hash, items.back().range, read.table);
  }
  const double units = static_cast<double>(std::max<std::uint64_t>(1, (bytes + 4095) / 4096)) *
                       (read.consistent ? 1.0 : 0.5);
  const std::string capacity = consumed_capacity_json(read.capacity_mode, read.table.name, units);
  if (!capacity.empty()) out += ",\"ConsumedCapacity\":" + capacity;
  out += '}';
  return out;
}

// The smallest byte string greater than every string starting with `prefix`, if any.
std::optional<std::string> prefix_successor(std::string prefix) {
  while (!prefix.empty()) {
    auto last = static_cast<unsigned char>(prefix.back());
    if (last != 0xFF) {
      prefix.back() = static_cast<char>(last + 1);
      return prefix;
    }
    prefix.pop_back();
  }
  return std::nullopt;
}

RangeBounds bounds_of(const std::optional<RangeCondition>& condition) {
  RangeBounds bounds;
  if (!condition) return bounds;
  const std::string first = range_key_bytes(condition->first);
  switch (condition->op) {
    case KeyOperator::kEq:
      bounds.lower = first;
      bounds.upper = first;
      break;
    case KeyOperator::kLt:
      bounds.upper = first;
      bounds.upper_inclusive = false;
      break;
    case KeyOperator::kLe:
      bounds.upper = first;
      break;
    case KeyOperator::kGt:
      bounds.lower = first;
      bounds.lower_inclusive = false;
      break;
    case KeyOperator::kGe:
      bounds.lower = first;
      break;
    case KeyOperator::kBetween:
      bounds.lower = first;
      bounds.upper = range_key_bytes(condition->second);
      break;
    case KeyOperator::kBeginsWith:
      bounds.lower = first;
      bounds.upper = prefix_successor(first);
      bounds.upper_inclusive = false;
      break;
  }
  return bounds;
}

}  // namespace

Result<std::string> scan(const model::JsonValue& request, OperationContext& context) {
  auto read = prepare_read(request, context, false);
  if (!read) return read.take_error();
  if (Status s = check_expression_maps_used(request); !s) return s.take_error();
  std::optional<std::pair<std::string, std::string>> after;
  if (read->start) after = std::make_pair(read->start->hash, read->start->range);
  auto items = context.store.scan(read->table.id, after, read->limit, kMaxPageBytes);
  if (!items) return items.take_error();
  return page_response(*read, *items);
}

Result<std::string> query(const model::JsonValue& request, OperationContext& context) {
  auto read = prepare_read(request, context, true);
  if (!read) return read.take_error();
  auto terms = parse_key_condition(request.find("KeyConditionExpression")->as_string());
  if (!terms) return terms.take_error();
  auto condition = resolve_key_condition(*terms, request, read->table.key);
  if (!condition) return condition.take_error();
  if (Status s = check_expression_maps_used(request); !s) return s.take_error();
  const model::JsonValue* forward_field = request.find("ScanIndexForward");
  const bool forward =
      forward_field == nullptr || forward_field->is_null() || json_boolean(forward_field);
  std::optional<std::string> after;
  if (read->start) after = read->start->range;
  auto items =
      context.store.query(read->table.id, hash_key_bytes(condition->hash),
                          bounds_of(condition->range), forward, after, read->limit, kMaxPageBytes);
  if (!items) return items.take_error();
  return page_response(*read, *items);
}

}  // namespace csv2ddb::local::dynamodb
