// The console's JSON API under /_console/api/, for its page. Every list is a page with a cursor
// (nothing unbounded is built in memory); each answer is read from the local AWS's own
// services: DynamoDB in-process, S3 through its API with the account's key, the functions'
// logs for imports and invocations (import_log.hpp).
//
//   GET  imports?limit=N                      imports, newest first, with counts and status
//   GET  import?bucket=B&key=K                one import: counts, rows/s series, log, outputs
//   GET  rejected?bucket=B&key=K&cursor=C     its rejected rows, 50 at a time (a byte cursor)
//   GET  tables                               tables: key schema, item count, indexes
//   GET  items?table=T[&pk=V[&sk_op=O&sk=V]][&start=JSON]   a scan or query page of 25 items
//   GET  buckets                              bucket names
//   GET  objects?bucket=B&prefix=P[&token=C]  a page of keys and folders under a prefix
//   GET  object?bucket=B&key=K                an object's metadata and a download link
//   GET  functions                            functions, their recent invocations and log
//   POST upload-url {"bucket":B,"key":K}      a presigned PUT for the browser's upload
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "aws/sigv4.hpp"
#include "local/console/import_log.hpp"
#include "local/http/http_message.hpp"
#include "local/local_aws.hpp"

namespace csv2ddb::local::console {

struct ApiCall {
  std::string method;
  std::string name;  // the path after /_console/api/
  std::vector<aws::QueryParam> query;
  std::string body;
  std::string host;  // the Host header: links are made for the address the browser used
};

class ConsoleApi {
 public:
  ConsoleApi(std::function<ControlPlane()> control, lambda::LambdaService& lambda,
             std::string logs_dir)
      : control_(std::move(control)), lambda_(lambda), imports_(std::move(logs_dir)) {}

  // The answer: 200 with JSON, or 400/404 with {"error":CODE,"message":TEXT}.
  HttpResponse handle(const ApiCall& call);

 private:
  HttpResponse imports(const ApiCall& call);
  HttpResponse import_detail(const ApiCall& call);
  HttpResponse rejected(const ApiCall& call);
  HttpResponse functions(const ApiCall& call);
  HttpResponse tables(const ApiCall& call);
  HttpResponse items(const ApiCall& call);
  HttpResponse buckets(const ApiCall& call);
  HttpResponse objects(const ApiCall& call);
  HttpResponse object(const ApiCall& call);
  HttpResponse upload_url(const ApiCall& call);

  std::function<ControlPlane()> control_;
  lambda::LambdaService& lambda_;
  ImportLog imports_;
};

// 200 with the JSON, not to be cached (every answer is a live view).
HttpResponse api_json(const model::JsonValue& body);
// {"error":CODE,"message":TEXT} with the status.
HttpResponse api_error(int status, std::string_view code, std::string_view message);
// The parameter's value; "" when absent.
std::string query_value(const std::vector<aws::QueryParam>& query, std::string_view name);

}  // namespace csv2ddb::local::console
