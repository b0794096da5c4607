#include "ingest/writer_lane.hpp"

#include <algorithm>
#include <limits>
#include <unordered_set>

#include "model/dynamodb_json.hpp"
#include "model/json.hpp"

namespace csv2ddb::ingest {
namespace {

constexpr std::size_t kMaxRejectedFieldBytes = 1024;

// A value as its CSV cell would have read, for the `fields` of a row the server rejected.
std::string cell_text(const model::AttributeValue& value) {
  using model::AttributeType;
  switch (value.type) {
    case AttributeType::kB:
      return model::base64_encode(value.text);
    case AttributeType::kBool:
      return value.boolean ? "true" : "false";
    case AttributeType::kNull:
      return "true";
    case AttributeType::kSS:
    case AttributeType::kNS:
    case AttributeType::kBS: {
      std::string text;
      for (const std::string& member : value.set) {
        if (!text.empty()) text.push_back(';');
        text += value.type == AttributeType::kBS ? model::base64_encode(member) : member;
      }
      return text;
    }
    default:
      return value.text;
  }
}

}  // namespace

void LaneContext::fail(Error error) {
  bool first = false;
  {
    std::lock_guard lock(mutex_);
    if (!failure_) {
      failure_ = std::move(error);
      first = true;
    }
  }
  stopping = true;
  if (first && on_stop) on_stop();
}

void LaneContext::lane_finished() {
  std::lock_guard lock(finish_mutex_);
  ++lanes_finished_;
  all_finished_.notify_all();
}

bool LaneContext::wait_for_lanes(std::size_t lanes, std::chrono::milliseconds timeout) {
  std::unique_lock lock(finish_mutex_);
  return all_finished_.wait_for(lock, timeout, [&] { return lanes_finished_ >= lanes; });
}

std::optional<Error> LaneContext::failure() const {
  std::lock_guard lock(mutex_);
  return failure_;
}

WriterLane::WriterLane(LaneContext& context, std::size_t queue_capacity, std::size_t queue_bytes)
    : context_(context),
      queue_(queue_capacity, queue_bytes),
      planner_(context.limits),
      given_up_(context.max_given_up_keys) {}

WriterLane::~WriterLane() {
  if (thread_.joinable()) {
    queue_.abort();
    thread_.join();
  }
}

void WriterLane::start() {
  thread_ = std::thread([this] {
    run();
    context_.lane_finished();
  });
}

void WriterLane::join() {
  if (thread_.joinable()) thread_.join();
}

void WriterLane::run() {
  std::vector<PlannedItem> taken;
  taken.reserve(context_.limits.max_items);
  while (!context_.stopping) {
    const auto popped = queue_.pop_some(taken, context_.limits.max_items, context_.linger);
    for (PlannedItem& item : taken) {
      if (std::optional<Batch> closed = planner_.add(std::move(item))) send(std::move(*closed));
      if (std::optional<Batch> full = planner_.take_full()) send(std::move(*full));
    }
    taken.clear();
    if (popped == BoundedQueue<PlannedItem>::Popped::kDone) break;
    if (popped == BoundedQueue<PlannedItem>::Popped::kTimedOut) {
      // The input is slow: send what we have rather than hold it back.
      if (std::optional<Batch> partial = planner_.flush()) send(std::move(*partial));
    }
  }
  if (context_.stopping || context_.interrupted) return;
  if (std::optional<Batch> last = planner_.flush()) send(std::move(*last));
}

void WriterLane::take_completed(std::vector<CompletedBatch>& out) {
  std::lock_guard lock(completed_mutex_);
  out.insert(out.end(), completed_.begin(), completed_.end());
  completed_.clear();
}

void WriterLane::send(Batch batch) {
  const auto items = static_cast<std::uint32_t>(batch.size());
  // The checkpoint follows each row's outcome: the rows set aside (rejected, unprocessed,
  // conflicts) are noted by line as they are, in set_aside_.
  set_aside_.clear();
  if (!given_up_.empty()) follow_given_up_keys(batch);
  send_attempts(batch);
  release(batch);
  planner_.recycle(std::move(batch));
  if (!context_.log_completions) return;
  CompletedBatch done{items, std::move(set_aside_), context_.stopping.load()};
  set_aside_ = {};
  std::lock_guard lock(completed_mutex_);
  completed_.push_back(std::move(done));
}

void WriterLane::note_set_aside(std::uint64_t line, SetAside outcome) {
  if (context_.log_completions) set_aside_.push_back(SetAsideRow{line, outcome});
}

BatchWriteOutcome WriterLane::write_batch(const Batch& batch) {
  const bool has_deletes = std::any_of(batch.items.begin(), batch.items.end(),
                                       [](const PlannedItem& item) { return item.is_delete; });
  if (!has_deletes) {
    collect_json(batch);
    return context_.table.batch_put_json(context_.table_name, item_json_);
  }
  entries_.clear();
  for (const PlannedItem& item : batch.items)
    entries_.push_back({item.is_delete, item.item_json()});
  return context_.table.batch_write_json(context_.table_name, entries_);
}

void WriterLane::send_item_attempts(Batch& batch) {
  const PlannedItem& planned = batch.items.front();
  int attempt = 0;
  int last_retry_cost = 0;
  while (!context_.stopping) {
    ++attempt;
    std::chrono::microseconds sent_at{0};
    if (context_.pacer != nullptr) sent_at = context_.pacer->acquire(planned.write_units);
    ++stats_.requests;
    ++context_.requests;
    if (attempt > 1) ++stats_.retries;
    const ItemWriteOutcome outcome =
        context_.table.write_item_json(context_.table_name, *context_.plan, planned.item_json());
    RetryClass retry_class = RetryClass::kTransient;
    switch (outcome.status) {
      case ItemWriteOutcome::Status::kOk:
      case ItemWriteOutcome::Status::kConflict:
        stats_.consumed_wcu += outcome.consumed_wcu;
        context_.policy.after_success(last_retry_cost);
        if (context_.pacer != nullptr) context_.pacer->on_success(planned.write_units);
        if (outcome.status == ItemWriteOutcome::Status::kConflict) {
          conflict(planned);
          return;
        }
        ++stats_.rows_written;
        ++context_.rows_written;
        context_.units_written += planned.write_units;
        return;
      case ItemWriteOutcome::Status::kThrottled:
        ++stats_.throttles;
        ++context_.throttles;
        if (context_.pacer != nullptr) context_.pacer->on_throttle(sent_at);
        retry_class = RetryClass::kThrottling;
        break;
      case ItemWriteOutcome::Status::kTransient:
        break;
      case ItemWriteOutcome::Status::kInvalid:
        reject(planned, outcome.error_code, outcome.error_message);
        return;
      case ItemWriteOutcome::Status::kFatal:
        context_.fail(make_error(outcome.error_code.empty() ? "TableError" : outcome.error_code,
                                 outcome.error_message));
        return;
    }
    if (!wait_to_retry(batch, attempt, retry_class, last_retry_cost)) return;
  }
}

void WriterLane::send_attempts(Batch& batch) {
  if (context_.plan != nullptr && context_.plan->per_item()) {
    for (std::size_t i = 0; i < batch.items.size(); ++i) {
      Batch one;
      one.add(std::move(batch.items[i]));
      send_item_attempts(one);
      batch.items[i] = std::move(one.items.front());
    }
    return;
  }
  int attempt = 0;
  int last_retry_cost = 0;
  while (!batch.empty()) {
    if (context_.stopping) return;  // the run failed elsewhere; its outputs are discarded
    ++attempt;
    std::chrono::microseconds sent_at{0};
    if (context_.pacer != nullptr) {
      sent_at = context_.pacer->acquire(static_cast<std::uint32_t>(
          std::min<std::uint64_t>(batch.write_units, std::numeric_limits<std::uint32_t>::max())));
    }
    ++stats_.requests;
    ++context_.requests;
    if (attempt > 1) ++stats_.retries;
    BatchWriteOutcome outcome = write_batch(batch);

    RetryClass retry_class = RetryClass::kThrottling;
    switch (outcome.status) {
      case BatchWriteOutcome::Status::kOk: {
        stats_.consumed_wcu += outcome.consumed_wcu;
        context_.policy.after_success(last_retry_cost);
        const std::size_t sent = batch.size();
        const std::uint64_t sent_units = batch.write_units;
        if (!outcome.unprocessed.empty()) keep_unprocessed(batch, outcome.unprocessed);
        if (outcome.unprocessed.empty()) release(batch);
        stats_.rows_written += sent - batch.size();
        context_.rows_written += sent - batch.size();
        context_.units_written += sent_units - batch.write_units;
        if (context_.pacer != nullptr) {
          const std::uint64_t accepted = sent_units - batch.write_units;
          if (batch.empty()) {
            context_.pacer->on_success(accepted);
          } else {
            context_.pacer->on_throttle(sent_at, accepted);
          }
        }
        if (batch.empty()) return;
        ++stats_.throttles;  // the table took only part of the batch: throttled too
        ++context_.throttles;
        // UnprocessedItems is DynamoDB shedding load: back off as for throttling.
        retry_class = RetryClass::kThrottling;
        break;
      }
      case BatchWriteOutcome::Status::kThrottled:
        ++stats_.throttles;
        ++context_.throttles;
        if (context_.pacer != nullptr) context_.pacer->on_throttle(sent_at);
        retry_class = RetryClass::kThrottling;
        break;
      case BatchWriteOutcome::Status::kTransient:
        retry_class = RetryClass::kTransient;
        break;
      case BatchWriteOutcome::Status::kInvalid: {
        // DynamoDB refuses the whole batch for one bad item and does not say which: halve until
        // the bad items stand alone, so every good item is still written.
        if (batch.size() == 1) {
          reject(batch.items[0], outcome.error_code, outcome.error_message);
          return;
        }
        const std::size_t half = batch.size() / 2;
        Batch first;
        Batch second;
        for (std::size_t i = 0; i < batch.size(); ++i) {
          (i < half ? first : second).add(std::move(batch.items[i]));
        }
        send_attempts(first);
        send_attempts(second);
        return;
      }
      case BatchWriteOutcome::Status::kFatal:
        context_.fail(make_error(outcome.error_code.empty() ? "TableError" : outcome.error_code,
                                 outcome.error_message));
        return;
    }

    if (!wait_to_retry(batch, attempt, retry_class, last_retry_cost)) return;
  }
}

void WriterLane::release(Batch& batch) {
  if (context_.buffers != nullptr) context_.buffers->give_back(batch.items);
  batch.clear();
}

void WriterLane::collect_json(const Batch& batch) {
  item_json_.clear();
  for (const PlannedItem& item : batch.items) item_json_.push_back(item.item_json());
}

void WriterLane::keep_unprocessed(Batch& batch, const std::vector<model::Item>& unprocessed) {
  std::unordered_set<std::string> keys;
  for (const model::Item& item : unprocessed) {
    keys.insert(model::key_fingerprint(item, context_.schema));
  }
  Batch kept;
  for (PlannedItem& item : batch.items) {
    if (keys.count(std::string(item.fingerprint())) != 0) kept.add(std::move(item));
  }
  batch = std::move(kept);
}

void WriterLane::follow_given_up_keys(Batch& batch) {
  Batch held;
  Batch rest;
  for (PlannedItem& item : batch.items) {
    (given_up_.contains(item.fingerprint()) ? held : rest).add(std::move(item));
  }
  // A batch never holds a key twice, so the order between `held` and `rest` does not matter;
  // what matters is that each held row lands in unprocessed/ after its key's earlier rows.
  if (!held.empty()) give_up(held);
  batch = std::move(rest);
}

// After a failed attempt: waits the policy's backoff and says to go again, or gives the batch
// up (to unprocessed/) when the policy will not retry.
bool WriterLane::wait_to_retry(const Batch& batch, int attempt, RetryClass retry_class,
                               int& last_retry_cost) {
  const RetryDecision decision = context_.policy.after_failure(attempt, retry_class);
  if (!decision.retry) {
    give_up(batch);
    return false;
  }
  last_retry_cost = decision.cost;
  context_.sleeper.sleep(decision.delay);
  return true;
}

void WriterLane::give_up(const Batch& batch) {
  stats_.rows_unprocessed += batch.size();
  for (const PlannedItem& item : batch.items) given_up_.add(item.fingerprint());
  for (const PlannedItem& planned : batch.items) {
    note_set_aside(planned.line, SetAside::kUnprocessed);
    // Deletes go to a file of their own, re-driven with --mode delete.
    OutputSink* sink = planned.is_delete ? context_.unprocessed_deletes : context_.unprocessed;
    if (sink == nullptr) continue;
    Result<model::Item> item = planned.item();
    Status added = item ? sink->add(*item, planned.line) : Status(item.take_error());
    if (!added) {
      context_.fail(added.take_error());
      return;
    }
  }
}

void WriterLane::conflict(const PlannedItem& planned) {
  ++stats_.rows_conflicts;
  note_set_aside(planned.line, SetAside::kConflict);
  if (context_.conflicts == nullptr) return;
  Result<model::Item> item = planned.item();
  Status added =
      item ? context_.conflicts->add(Conflict{planned.line, key_of(*item, context_.schema)})
           : Status(item.take_error());
  if (!added) context_.fail(added.take_error());
}

void WriterLane::reject(const PlannedItem& planned, const std::string& code,
                        const std::string& message) {
  ++stats_.rows_rejected;
  note_set_aside(planned.line, SetAside::kRejected);
  if (context_.rejected == nullptr) return;
  Result<model::Item> item = planned.item();
  if (!item) {
    context_.fail(item.take_error());
    return;
  }
  Rejection rejection;
  rejection.line = planned.line;
  rejection.reason = code.empty() ? message : code + ": " + message;
  for (const model::Attribute& attribute : item->attributes) {
    rejection.fields.push_back(
        model::displayable_utf8(cell_text(attribute.value), kMaxRejectedFieldBytes));
  }
  if (Status added = context_.rejected->add(rejection); !added) context_.fail(added.take_error());
}

}  // namespace csv2ddb::ingest
