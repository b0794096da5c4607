// reports/<key>.report.json: what one run did. Every row read is accounted for exactly once:
// rows_read == rows_written + rows_rejected + rows_unprocessed + rows_skipped.
#pragma once

#include <cstdint>
#include <string>

namespace csv2ddb::ingest {

struct Report {
  std::string source;  // the input's name ("s3://bucket/key", a path)
  std::string table;
  std::uint64_t rows_read = 0;         // records after the header, blank lines included
  std::uint64_t rows_written = 0;      // in a dry run: rows that would have been written
  std::uint64_t rows_rejected = 0;     // by the mapper or by DynamoDB (rejected/)
  std::uint64_t rows_unprocessed = 0;  // unwritten after the last retry (unprocessed/)
  std::uint64_t rows_skipped = 0;      // blank or all-empty rows
  std::uint64_t bytes_read = 0;        // of the (decompressed) input
  double seconds = 0;
  std::uint64_t requests = 0;  // BatchWriteItem calls, retries included
  std::uint64_t retries = 0;   // calls that repeated earlier work (errors or UnprocessedItems)
  // Calls the table throttled: answered with a throttling error, or with UnprocessedItems (the
  // table took only part of the batch, which is how DynamoDB sheds load it has no capacity for).
  std::uint64_t throttles = 0;
  double consumed_wcu = 0;  // write capacity units the table reported
  bool dry_run = false;

  bool balanced() const {
    return rows_read == rows_written + rows_rejected + rows_unprocessed + rows_skipped;
  }
  // Compact JSON, fields always in the order above.
  std::string to_json() const;
};

// Fixed decimals, trailing zeros dropped: 12, 0.5, 1.234 (never exponents, never "-0").
std::string format_decimal(double value, int decimals);

}  // namespace csv2ddb::ingest
