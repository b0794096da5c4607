// The import function's settings, from its environment variables (set by the template), checked
// once at start-up: a wrong value is an init error that names the variable, not a failure of
// every invocation.
//
//   DYNAMO_DB_TABLE_NAME  the table (required; the reference's name)
//   CSV2DDB_TYPES         strings (default), infer, or a spec such as price:N,active:BOOL
//   CSV2DDB_DELIMITER     , ; : | tab or space (default ,)
//   CSV2DDB_MAX_RETRIES   retries after the first attempt, 0..20 (default 3, as the reference)
//   CSV2DDB_CONCURRENCY   parallel writer lanes, 1..64, or auto (the default): sized from the
//                         function's memory (writer_sizing.hpp)
//   CSV2DDB_WRITE_MODE    put (default), delete, update or put-if-absent (write_plan.hpp)
//   CSV2DDB_WRITE_CONDITION  a condition expression checked per row ("" for none); it must
//                         parse, and put-if-absent takes none
//   AWS_LAMBDA_FUNCTION_MEMORY_SIZE  set by Lambda, in MB
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "aws/environment.hpp"
#include "common/result.hpp"
#include "ingest/row_mapper.hpp"
#include "ingest/write_plan.hpp"

namespace csv2ddb::lambda {

struct ImportConfig {
  std::string table;
  ingest::Typing typing;
  char delimiter = ',';
  int max_retries = 3;
  ingest::WriteMode mode = ingest::WriteMode::kPut;
  std::string condition;
  std::optional<std::size_t> concurrency;  // unset: from the memory size
  std::optional<std::uint64_t> memory_mb;  // unset outside Lambda
  std::string function_name;               // AWS_LAMBDA_FUNCTION_NAME, for metrics and continuation
  // Fan-out (fan_out.hpp): an object at least this big is imported by shares, one worker
  // invocation each, at most `max_workers` of them (CSV2DDB_FANOUT_THRESHOLD_MIB, 0: never;
  // CSV2DDB_MAX_WORKERS).
  std::uint64_t fan_out_threshold_bytes = 0;
  std::uint32_t max_workers = 8;
  // CSV2DDB_MAX_WCU: write units a second for the whole import, shared out between its
  // workers (0: no cap).
  double max_wcu = 0;
};

// Errors: "InvalidConfiguration" with a message naming the variable and what it accepts.
Result<ImportConfig> import_config_from(const aws::Environment& env);

}  // namespace csv2ddb::lambda
