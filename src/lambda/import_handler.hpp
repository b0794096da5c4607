// Handler "import": for every record of an S3 ObjectCreated event, streams the object through
// the engine into the table and writes the outcome objects beside it in the same bucket
// (json-copy/, unprocessed/, rejected/, reports/: output_keys.hpp).
//
// Skipped with a log line, never ingested: keys under the output prefixes and keys without a
// .csv/.csv.gz/.csv.zst suffix (so outputs cannot trigger runs even if the notification filter
// is wrong), and replayed events whose eTag no longer matches the object (it was overwritten;
// the newer object's own event does the work).
//
// Files of any size: when the invocation's time runs short, the file is handed over to a new
// asynchronous invocation of the same function with a continuation event
// (continuation_event.hpp), which this handler recognises before reading the payload as an S3
// event; the outputs stay whole across the chain, and only its last invocation commits them
// and writes the report (README.md, "Continuing a file in a new invocation").
//
// Result, like the reference's: {"processed_rows","unprocessed_rows","unprocessed_file",
// "json_copy", the report's counts, "continued", "files":[per object], "skipped":[...]}, where
// "continued" is true when a file goes on in another invocation (its counts are those so far).
// A failure that stops the accounting (unreadable object, no such table, access denied, an
// output not writable) fails the invocation, so Lambda's retries and failure destinations take
// over.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

#include "adapters/s3_object_source.hpp"
#include "adapters/s3_output_store.hpp"
#include "aws/dynamodb_client.hpp"
#include "aws/lambda_client.hpp"
#include "aws/s3_client.hpp"
#include "lambda/import_config.hpp"
#include "lambda/invocation.hpp"

namespace csv2ddb::lambda {

struct ImportClients {
  std::shared_ptr<aws::S3Client> s3;
  std::shared_ptr<aws::DynamoDbClient> dynamodb;
  // Invokes this function again to continue a file; without it a file must fit one invocation.
  std::shared_ptr<aws::LambdaClient> lambda;
};

// What the environment does not set: defaults for Lambda, tunable by tests.
struct ImportOptions {
  // Time kept back before the deadline to hand a file over: the lanes send what is queued, the
  // state is saved, the next invocation is queued. At most half the time the invocation has
  // when the file starts, so a short timeout still leaves half of it for rows.
  std::chrono::milliseconds hand_over_reserve{60000};
  // Time left in the invocation; unset: the request's deadline. Called once as the file starts
  // and then once per record, so a test's fake can count records.
  std::function<std::chrono::milliseconds()> time_remaining;
  // The chain of continuations of one file stops with an error after this many, as a guard
  // against a loop that never ends; at 15 minutes each, 1000 invocations are 10 days.
  std::uint32_t max_generations = 1000;
  std::size_t part_size = adapters::kDefaultS3PartSize;  // of the outputs' multipart uploads
  std::size_t min_part_size = adapters::kMinS3PartSize;  // lower only for servers that allow it
  std::size_t read_chunk = adapters::kDefaultS3ReadChunk;
};

InvocationResponse handle_import(const InvocationRequest& request, const ImportConfig& config,
                                 const ImportClients& clients, const ImportOptions& options = {});

// Why a key is not ingested ("" when it is): "output prefix", "not an input key", or why an
// export's bookkeeping file is skipped.
std::string_view skip_reason_for_key(std::string_view key);

}  // namespace csv2ddb::lambda
