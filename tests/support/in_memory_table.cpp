#include "support/in_memory_table.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <thread>

#include "model/dynamodb_json.hpp"
#include "model/expression.hpp"
#include "model/item_size.hpp"

namespace csv2ddb::ingest {
namespace {

BatchWriteOutcome invalid_request(std::string code, std::string message) {
  BatchWriteOutcome outcome;
  outcome.status = BatchWriteOutcome::Status::kInvalid;
  outcome.error_code = std::move(code);
  outcome.error_message = std::move(message);
  return outcome;
}

BatchWriteOutcome validation_error(std::string message) {
  return invalid_request("ValidationException", std::move(message));
}

// DynamoDB charges one write unit per started kilobyte of each item.
double write_units(const model::Item& item) {
  return std::ceil(static_cast<double>(model::item_size(item)) / 1024.0);
}

}  // namespace

InMemoryTable::InMemoryTable(model::KeySchema schema, std::string name)
    : schema_(std::move(schema)), name_(std::move(name)) {}

void InMemoryTable::fail_call(std::size_t call_number, ScriptedFailure failure) {
  std::lock_guard lock(mutex_);
  failures_[call_number] = std::move(failure);
}

void InMemoryTable::fail_calls_after(std::size_t call_number, ScriptedFailure failure) {
  std::lock_guard lock(mutex_);
  failures_after_.emplace(call_number, std::move(failure));
}

void InMemoryTable::clear_failures() {
  std::lock_guard lock(mutex_);
  failures_.clear();
  failures_after_.reset();
}

void InMemoryTable::set_write_capacity(double wcu_per_second, Clock& clock) {
  std::lock_guard lock(mutex_);
  capacity_ = wcu_per_second;
  capacity_clock_ = &clock;
}

void InMemoryTable::set_unprocessed_count(std::size_t count, std::size_t calls) {
  std::lock_guard lock(mutex_);
  unprocessed_count_ = count;
  unprocessed_calls_ = calls;
}

void InMemoryTable::set_invalid_item(std::function<bool(const model::Item&)> predicate,
                                     std::string message) {
  std::lock_guard lock(mutex_);
  invalid_item_ = std::move(predicate);
  invalid_message_ = std::move(message);
}

std::optional<BatchWriteOutcome> InMemoryTable::validate(
    const std::vector<model::Item>& items) const {
  // The checks and messages of DynamoDB's BatchWriteItem, in its order.
  if (items.empty()) {
    return validation_error(
        "1 validation error detected: Value at 'requestItems' failed to satisfy constraint: "
        "Map value must satisfy constraint: [Member must have length greater than or equal to 1]");
  }
  if (items.size() > 25) {
    return validation_error(
        "1 validation error detected: Value at 'requestItems' failed to satisfy constraint: "
        "Map value must satisfy constraint: [Member must have length less than or equal to 25]");
  }
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (Status key = model::validate_key(items[i], schema_); !key) {
      return validation_error("One or more parameter values were invalid: " + key.error().message);
    }
    if (model::item_size(items[i]) > model::kMaxItemBytes) {
      return validation_error("Item size has exceeded the maximum allowed size");
    }
    if (invalid_item_ && invalid_item_(items[i])) return validation_error(invalid_message_);
  }
  std::vector<std::string> keys;
  keys.reserve(items.size());
  for (const model::Item& item : items) {
    std::string key = model::key_fingerprint(item, schema_);
    for (const std::string& seen : keys) {
      if (seen == key) return validation_error("Provided list of item keys contains duplicates");
    }
    keys.push_back(std::move(key));
  }
  return std::nullopt;
}

BatchWriteOutcome InMemoryTable::batch_put_json(const std::string& table,
                                                std::span<const std::string_view> encoded) {
  std::vector<BatchEntry> entries;
  for (std::string_view json : encoded) entries.push_back({false, json});
  return batch_write_json(table, entries);
}

BatchWriteOutcome InMemoryTable::batch_write_json(const std::string& table,
                                                  std::span<const BatchEntry> entries) {
  // Decoded exactly: what the engine encoded is what is stored and checked below.
  std::vector<model::Item> items;
  std::vector<bool> deletes;
  items.reserve(entries.size());
  for (const BatchEntry& entry : entries) {
    Result<model::Item> item = model::decode_encoded_item(entry.json);
    if (!item) return invalid_request(item.error().code, item.error().message);
    items.push_back(std::move(item).value());
    deletes.push_back(entry.is_delete);
  }
  return apply_batch(table, std::move(items), deletes);
}

std::size_t InMemoryTable::begin_call(const std::vector<model::Item>& items) {
  std::size_t call_number = 0;
  {
    std::lock_guard lock(mutex_);
    call_number = calls_.size() + 1;
    Call call;
    // Keys are recorded only when items are kept: runs of millions of rows keep counts only.
    if (store_items_) {
      for (const model::Item& item : items) {
        call.fingerprints.push_back(model::key_fingerprint(item, schema_));
      }
    }
    for (const model::Item& item : items) call.write_units += write_units(item);
    if (capacity_clock_ != nullptr) call.at = capacity_clock_->now();
    calls_.push_back(std::move(call));
    ++in_progress_;
    max_in_progress_ = std::max(max_in_progress_, in_progress_);
  }
  if (delay_.count() > 0) {
    if (call_sleeper_ != nullptr) {
      call_sleeper_->sleep(delay_);
    } else {
      std::this_thread::sleep_for(delay_);
    }
  }
  return call_number;
}

const InMemoryTable::ScriptedFailure* InMemoryTable::scripted_failure(
    std::size_t call_number) const {
  if (auto found = failures_.find(call_number); found != failures_.end()) return &found->second;
  if (failures_after_ && call_number > failures_after_->first) return &failures_after_->second;
  return nullptr;
}

BatchWriteOutcome InMemoryTable::apply_batch(const std::string& table,
                                             std::vector<model::Item> items,
                                             const std::vector<bool>& deletes) {
  const std::size_t call_number = begin_call(items);
  std::lock_guard lock(mutex_);
  --in_progress_;
  auto finish = [&](BatchWriteOutcome outcome) {
    calls_[call_number - 1].status = outcome.status;
    calls_[call_number - 1].unprocessed = outcome.unprocessed.size();
    return outcome;
  };
  if (table != name_) {
    BatchWriteOutcome outcome;
    outcome.status = BatchWriteOutcome::Status::kFatal;
    outcome.error_code = "ResourceNotFoundException";
    outcome.error_message = "Requested resource not found: Table: " + table + " not found";
    return finish(std::move(outcome));
  }
  if (const ScriptedFailure* failure = scripted_failure(call_number)) {
    BatchWriteOutcome outcome;
    outcome.status = failure->status;
    outcome.error_code = failure->code;
    outcome.error_message = failure->message;
    return finish(std::move(outcome));
  }
  if (std::optional<BatchWriteOutcome> invalid = validate(items)) {
    return finish(std::move(*invalid));
  }
  if (capacity_clock_ != nullptr) {
    const std::int64_t second = calls_[call_number - 1].at.count() / 1'000'000;
    if (second != capacity_second_) {
      capacity_second_ = second;
      capacity_used_ = 0;
    }
    const double units = calls_[call_number - 1].write_units;
    if (capacity_used_ + units > capacity_) {
      const ScriptedFailure throttled;
      BatchWriteOutcome outcome;
      outcome.status = throttled.status;
      outcome.error_code = throttled.code;
      outcome.error_message = throttled.message;
      return finish(std::move(outcome));
    }
    capacity_used_ += units;
  }

  ++accepted_calls_;
  std::size_t unprocessed = static_cast<std::size_t>(
      std::floor(unprocessed_fraction_ * static_cast<double>(items.size())));
  if (accepted_calls_ <= unprocessed_calls_) {
    unprocessed = std::max(unprocessed, std::min(items.size(), unprocessed_count_));
  }
  const std::size_t applied = items.size() - unprocessed;
  BatchWriteOutcome outcome;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i >= applied) {
      outcome.unprocessed.push_back(items[i]);
      continue;
    }
    outcome.consumed_wcu += write_units(items[i]);
    ++puts_;
    if (!store_items_) continue;
    const std::string& key = calls_[call_number - 1].fingerprints[i];
    if (deletes[i]) {
      items_.erase(key);
    } else {
      items_.insert_or_assign(key, items[i]);
    }
  }
  return finish(std::move(outcome));
}

namespace {

// The condition's #col bound to col and :col to the row's value of col.
bool condition_holds(const WritePlan& plan, const model::Item& row,
                     const std::optional<model::Item>& stored) {
  if (plan.condition.empty()) return true;
  std::map<std::string, std::string> names;
  for (const std::string& token : plan.names) names[token] = token.substr(1);
  std::map<std::string, model::AttributeValue> values;
  for (const std::string& token : plan.values) {
    if (const model::AttributeValue* value = row.find(token.substr(1))) values[token] = *value;
  }
  model::ExpressionContext context(names.empty() ? nullptr : &names,
                                   values.empty() ? nullptr : &values);
  Result<model::ConditionNode> condition =
      model::parse_condition(plan.condition, model::ExpressionKind::kCondition, context);
  return condition && model::evaluate_condition(*condition, stored.value_or(model::Item{}));
}

ItemWriteOutcome::Status item_status(BatchWriteOutcome::Status status) {
  switch (status) {
    case BatchWriteOutcome::Status::kThrottled:
      return ItemWriteOutcome::Status::kThrottled;
    case BatchWriteOutcome::Status::kTransient:
      return ItemWriteOutcome::Status::kTransient;
    case BatchWriteOutcome::Status::kInvalid:
      return ItemWriteOutcome::Status::kInvalid;
    case BatchWriteOutcome::Status::kFatal:
      return ItemWriteOutcome::Status::kFatal;
    case BatchWriteOutcome::Status::kOk:
      break;
  }
  return ItemWriteOutcome::Status::kOk;
}

}  // namespace

ItemWriteOutcome InMemoryTable::write_item_json(const std::string& table, const WritePlan& plan,
                                                std::string_view item_json) {
  ItemWriteOutcome outcome;
  Result<model::Item> row = model::decode_encoded_item(item_json);
  if (!row) {
    outcome.status = ItemWriteOutcome::Status::kInvalid;
    outcome.error_message = row.error().message;
    return outcome;
  }
  const std::size_t call_number = begin_call({*row});
  std::lock_guard lock(mutex_);
  --in_progress_;
  if (table != name_) {
    outcome.status = ItemWriteOutcome::Status::kFatal;
    outcome.error_code = "ResourceNotFoundException";
    return outcome;
  }
  if (const ScriptedFailure* failure = scripted_failure(call_number)) {
    outcome.status = item_status(failure->status);
    outcome.error_code = failure->code;
    outcome.error_message = failure->message;
    calls_[call_number - 1].status = failure->status;
    return outcome;
  }
  const std::string key = model::key_fingerprint(*row, schema_);
  const auto found = items_.find(key);
  const std::optional<model::Item> stored =
      found == items_.end() ? std::nullopt : std::optional<model::Item>(found->second);
  if (!condition_holds(plan, *row, stored)) {
    outcome.status = ItemWriteOutcome::Status::kConflict;
    outcome.error_code = "ConditionalCheckFailedException";
    return outcome;
  }
  outcome.consumed_wcu = write_units(*row);
  ++puts_;
  if (plan.mode == WriteMode::kDelete) {
    items_.erase(key);
  } else if (plan.mode == WriteMode::kUpdate && stored) {
    model::Item merged = *stored;
    for (const model::Attribute& attribute : row->attributes) {
      auto same = std::find_if(merged.attributes.begin(), merged.attributes.end(),
                               [&](const model::Attribute& a) { return a.name == attribute.name; });
      if (same != merged.attributes.end()) {
        same->value = attribute.value;
      } else {
        merged.attributes.push_back(attribute);
      }
    }
    items_.insert_or_assign(key, std::move(merged));
  } else {
    items_.insert_or_assign(key, *row);
  }
  return outcome;
}

Result<model::KeySchema> InMemoryTable::describe_key_schema(const std::string& table) {
  if (table != name_) {
    return make_error("ResourceNotFoundException",
                      "Requested resource not found: Table: " + table + " not found");
  }
  return schema_;
}

std::vector<InMemoryTable::Call> InMemoryTable::calls() const {
  std::lock_guard lock(mutex_);
  return calls_;
}

std::size_t InMemoryTable::call_count() const {
  std::lock_guard lock(mutex_);
  return calls_.size();
}

std::size_t InMemoryTable::put_count() const {
  std::lock_guard lock(mutex_);
  return puts_;
}

std::size_t InMemoryTable::size() const {
  std::lock_guard lock(mutex_);
  return items_.size();
}

std::optional<model::Item> InMemoryTable::get(const std::string& fingerprint) const {
  std::lock_guard lock(mutex_);
  if (auto found = items_.find(fingerprint); found != items_.end()) return found->second;
  return std::nullopt;
}

std::vector<model::Item> InMemoryTable::items() const {
  std::lock_guard lock(mutex_);
  std::vector<model::Item> out;
  out.reserve(items_.size());
  for (const auto& [key, item] : items_) out.push_back(item);
  return out;
}

std::size_t InMemoryTable::max_concurrent_calls() const {
  std::lock_guard lock(mutex_);
  return max_in_progress_;
}

std::string stored(const InMemoryTable& table) {
  std::string out;
  for (const model::Item& item : table.items()) {
    model::append_plain_item(out, item);
    out.push_back('\n');
  }
  return out;
}

}  // namespace csv2ddb::ingest
