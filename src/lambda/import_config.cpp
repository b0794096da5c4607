#include "lambda/import_config.hpp"

#include <cerrno>
#include <cstdlib>

#include "csv/reader.hpp"

namespace csv2ddb::lambda {
namespace {

Error invalid(const std::string& variable, const std::string& message) {
  return make_error("InvalidConfiguration", variable + ": " + message);
}

Result<long> integer_variable(const aws::Environment& env, const std::string& name, long fallback,
                              long min, long max) {
  const std::optional<std::string> text = env.get(name);
  if (!text) return fallback;
  char* end = nullptr;
  errno = 0;
  const long value = std::strtol(text->c_str(), &end, 10);
  if (end == text->c_str() || *end != '\0' || errno != 0 || value < min || value > max) {
    return invalid(name, "expected an integer from " + std::to_string(min) + " to " +
                             std::to_string(max) + ", got '" + *text + "'");
  }
  return value;
}

// The mode and condition, checked as the command line checks them; the condition's :values
// are bound per row, so a row without one is rejected then, not here.
Status read_write_mode(const aws::Environment& env, ImportConfig& config) {
  const std::string mode_text = env.get("CSV2DDB_WRITE_MODE").value_or("put");
  const std::optional<ingest::WriteMode> mode =
      ingest::parse_write_mode(mode_text.empty() ? "put" : mode_text);
  if (!mode) {
    return invalid("CSV2DDB_WRITE_MODE",
                   "expected put, delete, update or put-if-absent, got '" + mode_text + "'");
  }
  config.mode = *mode;
  config.condition = env.get("CSV2DDB_WRITE_CONDITION").value_or("");
  const model::KeySchema any_table{{"key", model::AttributeType::kS}, std::nullopt};
  Result<ingest::WritePlan> plan =
      ingest::make_write_plan(config.mode, config.condition, any_table, nullptr);
  if (!plan) return invalid("CSV2DDB_WRITE_CONDITION", plan.error().message);
  return {};
}

}  // namespace

Result<ImportConfig> import_config_from(const aws::Environment& env) {
  ImportConfig config;
  const std::optional<std::string> table = env.get("DYNAMO_DB_TABLE_NAME");
  if (!table) return invalid("DYNAMO_DB_TABLE_NAME", "is required (the table to import into)");
  config.table = *table;

  Result<ingest::Typing> typing =
      ingest::parse_typing(env.get("CSV2DDB_TYPES").value_or("strings"));
  if (!typing) return invalid("CSV2DDB_TYPES", typing.error().message);
  config.typing = std::move(*typing);

  Result<char> delimiter = csv::parse_delimiter(env.get("CSV2DDB_DELIMITER").value_or(","));
  if (!delimiter) return invalid("CSV2DDB_DELIMITER", delimiter.error().message);
  config.delimiter = *delimiter;

  Result<long> retries = integer_variable(env, "CSV2DDB_MAX_RETRIES", 3, 0, 20);
  if (!retries) return retries.take_error();
  config.max_retries = static_cast<int>(*retries);

  if (Status write = read_write_mode(env, config); !write) return write.take_error();

  if (const std::optional<std::string> lanes_text = env.get("CSV2DDB_CONCURRENCY");
      lanes_text && !lanes_text->empty() && *lanes_text != "auto") {
    Result<long> lanes = integer_variable(env, "CSV2DDB_CONCURRENCY", 0, 1, 64);
    if (!lanes) {
      return invalid("CSV2DDB_CONCURRENCY",
                     "expected auto or an integer from 1 to 64, got '" + *lanes_text + "'");
    }
    config.concurrency = static_cast<std::size_t>(*lanes);
  }
  // Lambda's own range of memory sizes.
  if (env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")) {
    Result<long> memory = integer_variable(env, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", 0, 128, 10240);
    if (!memory) return memory.take_error();
    config.memory_mb = static_cast<std::uint64_t>(*memory);
  }

  Result<long> threshold = integer_variable(env, "CSV2DDB_FANOUT_THRESHOLD_MIB", 0, 0, 1 << 30);
  if (!threshold) return threshold.take_error();
  config.fan_out_threshold_bytes = static_cast<std::uint64_t>(*threshold) << 20;
  Result<long> workers = integer_variable(env, "CSV2DDB_MAX_WORKERS", 8, 1, 1000);
  if (!workers) return workers.take_error();
  config.max_workers = static_cast<std::uint32_t>(*workers);
  Result<long> max_wcu = integer_variable(env, "CSV2DDB_MAX_WCU", 0, 0, 100'000'000);
  if (!max_wcu) return max_wcu.take_error();
  config.max_wcu = static_cast<double>(*max_wcu);

  config.function_name = env.get("AWS_LAMBDA_FUNCTION_NAME").value_or("csv2ddb-import");
  return config;
}

}  // namespace csv2ddb::lambda
