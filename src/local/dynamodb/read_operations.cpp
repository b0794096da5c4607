// Scan and Query: pages of at most Limit items and 1 MB read, in key order (Query by range key,
// either direction), continued with ExclusiveStartKey/LastEvaluatedKey. A FilterExpression
// keeps some of the items read (Count) out of those read (ScannedCount); a projection keeps
// some of each item's attributes; a parallel Scan reads one segment of the table. The legacy
// KeyConditions, QueryFilter, ScanFilter and AttributesToGet are served as their expressions;
// secondary indexes are not served yet.
#include <algorithm>

#include "local/dynamodb/index_reads.hpp"
#include "local/dynamodb/item_keys.hpp"
#include "local/dynamodb/key_condition.hpp"
#include "local/dynamodb/legacy_parameters.hpp"
#include "local/dynamodb/operations.hpp"
#include "local/dynamodb/projection.hpp"
#include "local/dynamodb/request_checks.hpp"
#include "local/dynamodb/request_expressions.hpp"
#include "local/dynamodb/secondary_indexes.hpp"
#include "model/dynamodb_json.hpp"

namespace csv2ddb::local::dynamodb {
namespace {

struct ReadRequest {
  TableInfo table;
  std::size_t limit = SIZE_MAX;
  bool count_only = false;
  bool consistent = false;
  std::string capacity_mode = "NONE";
  RequestExpressions expressions;
  ItemProjection projection;
  std::optional<StorageKey> start;
  std::optional<model::Item> start_item;  // for an index read: with the index's keys
  std::optional<ScanSegment> segment;
  std::optional<IndexInfo> index;  // IndexName
  bool whole_items = false;        // a local index read with Select ALL_ATTRIBUTES
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
                               {"KeyConditions", FieldKind::kMap},
                               {"QueryFilter", FieldKind::kMap},
                               {"ScanFilter", FieldKind::kMap},
                               {"ConditionalOperator", FieldKind::kString},
                               {"FilterExpression", FieldKind::kString},
                               {"ProjectionExpression", FieldKind::kString},
                               {"AttributesToGet", FieldKind::kList},
                               {"ExpressionAttributeValues", FieldKind::kMap},
                               {"ExpressionAttributeNames", FieldKind::kMap},
                               {"ConsistentRead", FieldKind::kBoolean},
                               {"ScanIndexForward", FieldKind::kBoolean}});
}

bool present(const model::JsonValue& request, std::string_view field) {
  const model::JsonValue* value = request.find(field);
  return value != nullptr && !value->is_null();
}

std::string select_of(const model::JsonValue& request) {
  const model::JsonValue* select = request.find("Select");
  return select != nullptr && select->is_string() ? select->as_string() : std::string();
}

// Select against the projection and the index, as DynamoDB checks them (Query words the first
// inside its "1 validation error detected:" envelope, Scan bare).
Status check_select(const model::JsonValue& request, bool is_query) {
  const std::string select = select_of(request);
  const bool projected = present(request, "ProjectionExpression");
  if (select == "SPECIFIC_ATTRIBUTES" && !projected && !present(request, "AttributesToGet")) {
    return validation_error(
        std::string(is_query ? "1 validation error detected: " : "") +
        "Must specify the AttributesToGet or ProjectionExpression when choosing to get "
        "SPECIFIC_ATTRIBUTES");
  }
  if (projected && !select.empty() && select != "SPECIFIC_ATTRIBUTES") {
    return validation_error("Cannot specify the ProjectionExpression when choosing to get " +
                            (select == "COUNT" ? std::string("only the Count") : select));
  }
  if (select == "ALL_PROJECTED_ATTRIBUTES" && !present(request, "IndexName")) {
    return validation_error(
        "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName");
  }
  return {};
}

// Segment and TotalSegments (Scan): DynamoDB's messages.
Result<std::optional<ScanSegment>> read_segment(const model::JsonValue& request) {
  const bool has_segment = present(request, "Segment");
  const bool has_total = present(request, "TotalSegments");
  if (has_segment && !has_total) {
    return validation_error(
        "The TotalSegments parameter is required but was not present in the request when "
        "Segment parameter is present");
  }
  if (has_total && !has_segment) {
    return validation_error(
        "The Segment parameter is required but was not present in the request when parameter "
        "TotalSegments is present");
  }
  if (!has_total) return std::optional<ScanSegment>();
  const std::int64_t segment = json_integer(request.find("Segment"));
  const std::int64_t total = json_integer(request.find("TotalSegments"));
  if (segment >= total) {
    return validation_error(
        "The Segment parameter is zero-based and must be less than parameter TotalSegments: "
        "Segment: " +
        std::to_string(segment) + " is not less than TotalSegments: " + std::to_string(total));
  }
  return std::optional<ScanSegment>(
      ScanSegment{static_cast<std::uint32_t>(segment), static_cast<std::uint32_t>(total)});
}

// The parameters' shapes and constraints, before anything is parsed.
Status check_read_constraints(const model::JsonValue& request, bool is_query) {
  if (Status s = check_read_kinds(request); !s) return s;
  if (Status s = check_table_name_required(request); !s) return s;
  ConstraintErrors errors;
  errors.enum_of(request.find("Select"), "select",
                 {"SPECIFIC_ATTRIBUTES", "COUNT", "ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES"});
  errors.enum_of(request.find("ReturnConsumedCapacity"), "returnConsumedCapacity",
                 {"INDEXES", "TOTAL", "NONE"});
  errors.table_name_pattern(request.find("TableName"), "tableName");
  errors.at_least(request.find("Limit"), "limit", 1);
  errors.enum_of(request.find("ConditionalOperator"), "conditionalOperator", {"OR", "AND"});
  if (!is_query) {
    errors.at_least(request.find("Segment"), "segment", 0);
    errors.at_most(request.find("Segment"), "segment", 999999);
    errors.at_least(request.find("TotalSegments"), "totalSegments", 1);
    errors.at_most(request.find("TotalSegments"), "totalSegments", 1000000);
  }
  if (Status s = errors.result(); !s) return s;
  if (is_query) {
    return check_expression_params(
        request, {"ProjectionExpression", "FilterExpression", "KeyConditionExpression"},
        {"AttributesToGet", "QueryFilter", "ConditionalOperator", "KeyConditions"});
  }
  return check_expression_params(request, {"ProjectionExpression", "FilterExpression"},
                                 {"AttributesToGet", "ScanFilter", "ConditionalOperator"});
}

Result<std::optional<model::Item>> read_start_item(const model::JsonValue& request) {
  const model::JsonValue* start = request.find("ExclusiveStartKey");
  if (start == nullptr || !start->is_object()) return std::optional<model::Item>();
  auto decoded = decode_item(*start);
  if (!decoded) {
    Error error = decoded.take_error();
    error.message = "The provided starting key is invalid: " + error.message;
    return error;
  }
  return std::optional<model::Item>(std::move(*decoded));
}

// IndexName: the index, and what Select and ConsistentRead may ask of it.
Status choose_index(const model::JsonValue& request, ReadRequest& read) {
  const model::JsonValue* name = request.find("IndexName");
  if (name == nullptr || !name->is_string()) return {};
  auto index = find_index(read.table, name->as_string());
  if (!index) return index.error();
  if (index->global && read.consistent) {
    return validation_error("Consistent reads are not supported on global secondary indexes");
  }
  if (select_of(request) == "ALL_ATTRIBUTES" && index->projection != "ALL") {
    if (index->global) {
      return validation_error(
          "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not "
          "supported for global secondary index " +
          index->name + " because its projection type is not ALL");
    }
    read.whole_items = true;  // a local index fetches the rest from the table
  }
  read.index = std::move(*index);
  return {};
}

// Everything Scan and Query share, up to and including the table and the start key.
Result<ReadRequest> prepare_read(const model::JsonValue& request, OperationContext& context,
                                 bool is_query) {
  if (Status s = check_read_constraints(request, is_query); !s) return s.take_error();
  auto start_item = read_start_item(request);
  if (!start_item) return start_item.take_error();
  if (is_query && !present(request, "KeyConditionExpression") &&
      !present(request, "KeyConditions")) {
    return validation_error(
        "Either the KeyConditions or KeyConditionExpression parameter must be specified in the "
        "request.");
  }
  ReadRequest read;
  auto expressions = read_request_expressions(request);
  if (!expressions) return expressions.take_error();
  read.expressions = std::move(*expressions);
  if (Status legacy = add_legacy_parameters(request, read.expressions); !legacy) {
    return legacy.take_error();
  }
  auto projection = item_projection(request, read.expressions);
  if (!projection) return projection.take_error();
  read.projection = std::move(*projection);
  if (Status s = check_select(request, is_query); !s) return s.take_error();
  if (!is_query) {
    auto segment = read_segment(request);
    if (!segment) return segment.take_error();
    read.segment = *segment;
  }
  read.count_only = select_of(request) == "COUNT";
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
  if (Status s = choose_index(request, read); !s) return s.take_error();
  read.start_item = *start_item;
  if (*start_item) {
    // An index read's start key holds the index's keys too.
    auto key = read.index ? item_storage_key(**start_item, read.table)
                          : key_storage_key(**start_item, read.table);
    if (!key) {
      Error error = key.take_error();
      error.message = "The provided starting key is invalid: " + error.message;
      return error;
    }
    read.start = std::move(*key);
  }
  return read;
}

// The items read that the filter keeps (all of them without one).
Result<std::vector<const StoredItem*>> filtered(const ReadRequest& read,
                                                const std::vector<StoredItem>& items) {
  std::vector<const StoredItem*> kept;
  for (const StoredItem& item : items) {
    if (read.expressions.filter) {
      auto decoded = model::decode_encoded_item(item.json);
      if (!decoded) return make_error("InternalServerError", "stored item unreadable");
      if (!model::evaluate_condition(*read.expressions.filter, *decoded)) continue;
    }
    kept.push_back(&item);
  }
  return kept;
}

Result<std::string> page_response(const ReadRequest& read, const std::vector<StoredItem>& items) {
  auto kept = filtered(read, items);
  if (!kept) return kept.take_error();
  std::string out = "{";
  if (!read.count_only) {
    out += "\"Items\":[";
    for (std::size_t i = 0; i < kept->size(); ++i) {
      if (i != 0) out += ',';
      if (Status s = append_projected(out, (*kept)[i]->json, read.projection); !s) {
        return s.take_error();
      }
    }
    out += "],";
  }
  out += "\"Count\":" + std::to_string(kept->size());
  out += ",\"ScannedCount\":" + std::to_string(items.size());
  std::uint64_t bytes = 0;
  for (const StoredItem& item : items) bytes += item.size;
  const bool full = items.size() >= read.limit || bytes >= kMaxPageBytes;
  if (full && !items.empty()) {
    out += ",\"LastEvaluatedKey\":";
    if (read.index) {
      append_index_key_json(out, items.back(), read.table, *read.index);
    } else {
      append_key_json(out, items.back().hash, items.back().range, read.table);
    }
  }
  // What was read is metered, filtered out or not: 4 KB per unit, half for eventual reads.
  const double units = static_cast<double>(std::max<std::uint64_t>(1, (bytes + 4095) / 4096)) *
                       (read.consistent ? 1.0 : 0.5);
  const std::string capacity = consumed_capacity_json(read.capacity_mode, read.table.name, units);
  if (!capacity.empty()) out += ",\"ConsumedCapacity\":" + capacity;
  out += '}';
  return out;
}

IndexRead index_read(const ReadRequest& read) {
  return IndexRead{read.table, *read.index, read.start_item, read.limit, read.whole_items};
}

// The key condition of a Query, from KeyConditionExpression or the legacy KeyConditions.
Result<ResolvedKeyCondition> key_condition(const model::JsonValue& request,
                                           const ReadRequest& read) {
  Result<KeyConditions> conditions = read.expressions.key_condition
                                         ? key_conditions_of(*read.expressions.key_condition)
                                         : read_key_conditions(*request.find("KeyConditions"));
  if (!conditions) return conditions.take_error();
  return resolve_key_conditions(*conditions, read.index ? read.index->key : read.table.key);
}

// A Query's filter may not name the key: the key condition is where it goes. `parameter`: how
// DynamoDB names the filter in the message ("Filter Expression" or "QueryFilter").
Status check_filter_leaves_the_key(const model::ConditionNode& filter, const model::KeySchema& key,
                                   std::string_view parameter) {
  std::vector<std::string> heads;
  model::condition_path_heads(filter, heads);
  for (const model::KeyAttribute* attribute : {&key.hash, key.range ? &*key.range : nullptr}) {
    if (attribute == nullptr) continue;
    if (std::find(heads.begin(), heads.end(), attribute->name) != heads.end()) {
      return validation_error(std::string(parameter) +
                              " can only contain non-primary key attributes: Primary key "
                              "attribute: " +
                              attribute->name);
    }
  }
  return {};
}

}  // namespace

Result<std::string> scan(const model::JsonValue& request, OperationContext& context) {
  auto read = prepare_read(request, context, false);
  if (!read) return read.take_error();
  if (read->index) {
    auto items = scan_index(context, index_read(*read), read->segment);
    if (!items) return items.take_error();
    return page_response(*read, *items);
  }
  std::optional<std::pair<std::string, std::string>> after;
  if (read->start) after = std::make_pair(read->start->hash, read->start->range);
  auto items = context.store.scan(read->table.id, after, read->limit, kMaxPageBytes, read->segment);
  if (!items) return items.take_error();
  return page_response(*read, *items);
}

Result<std::string> query(const model::JsonValue& request, OperationContext& context) {
  auto read = prepare_read(request, context, true);
  if (!read) return read.take_error();
  auto condition = key_condition(request, *read);
  if (!condition) return condition.take_error();
  if (read->expressions.filter) {
    const std::string_view parameter =
        present(request, "QueryFilter") ? "QueryFilter" : "Filter Expression";
    if (Status s = check_filter_leaves_the_key(
            *read->expressions.filter, read->index ? read->index->key : read->table.key, parameter);
        !s) {
      return s.take_error();
    }
  }
  const model::JsonValue* forward_field = request.find("ScanIndexForward");
  const bool forward =
      forward_field == nullptr || forward_field->is_null() || json_boolean(forward_field);
  if (read->index) {
    auto items = query_index(context, index_read(*read), *condition, forward);
    if (!items) return items.take_error();
    return page_response(*read, *items);
  }
  std::optional<std::string> after;
  if (read->start) after = read->start->range;
  auto items = context.store.query(read->table.id, hash_key_bytes(condition->hash),
                                   range_bounds(condition->range), forward, after, read->limit,
                                   kMaxPageBytes);
  if (!items) return items.take_error();
  return page_response(*read, *items);
}

}  // namespace csv2ddb::local::dynamodb
