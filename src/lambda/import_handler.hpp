// Handler "import": for every record of an S3 ObjectCreated event, streams the object through
// the engine into the table and writes the outcome objects beside it in the same bucket
// (json-copy/, unprocessed/, rejected/, reports/: output_keys.hpp).
//
// Skipped with a log line, never ingested: keys under the output prefixes and keys without a
// .csv/.csv.gz/.csv.zst suffix (so outputs cannot trigger runs even if the notification filter
// is wrong), and replayed events whose eTag no longer matches the object (it was overwritten;
// the newer object's own event does the work).
//
// Result, like the reference's: {"processed_rows","unprocessed_rows","unprocessed_file",
// "json_copy", the report's counts, "files":[per object], "skipped":[...]}. A failure that stops
// the accounting (unreadable object, no such table, access denied, an output not writable)
// fails the invocation, so Lambda's retries and failure destinations take over.
#pragma once

#include <memory>

#include "aws/dynamodb_client.hpp"
#include "aws/s3_client.hpp"
#include "lambda/import_config.hpp"
#include "lambda/invocation.hpp"

namespace csv2ddb::lambda {

struct ImportClients {
  std::shared_ptr<aws::S3Client> s3;
  std::shared_ptr<aws::DynamoDbClient> dynamodb;
};

InvocationResponse handle_import(const InvocationRequest& request, const ImportConfig& config,
                                 const ImportClients& clients);

// Why a key is not ingested ("" when it is): "output prefix" or "not a CSV key".
std::string_view skip_reason_for_key(std::string_view key);

}  // namespace csv2ddb::lambda
