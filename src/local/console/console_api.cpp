// The console API's dispatch and the imports' side: the list, one import in detail, its
// rejected rows page by page, and the functions with their invocations. Tables and buckets are
// in console_storage_api.cpp.
#include "local/console/console_api.hpp"

#include "aws/error_codes.hpp"
#include "local/console/console_storage.hpp"
#include "local/deploy/resource_handlers.hpp"

namespace csv2ddb::local::console {
namespace {

using model::JsonValue;

constexpr std::size_t kImportsPage = 200;
constexpr std::size_t kRejectedPage = 50;
constexpr std::uint64_t kRejectedRead = 256 * 1024;

JsonValue import_json(const ImportRecord& record) {
  JsonValue out = JsonValue::object();
  out.set("function", JsonValue::string(record.function));
  out.set("bucket", JsonValue::string(record.bucket));
  out.set("key", JsonValue::string(record.key));
  out.set("status", JsonValue::string(record.status));
  out.set("first_seen", JsonValue::string(record.first_seen));
  out.set("last_seen", JsonValue::string(record.last_seen));
  out.set("counts", record.counts);
  return out;
}

JsonValue strings(const std::vector<std::string>& lines) {
  JsonValue out = JsonValue::array();
  for (const std::string& line : lines) out.push(JsonValue::string(line));
  return out;
}

std::size_t limit_of(const ApiCall& call, std::size_t fallback, std::size_t most) {
  const std::string text = query_value(call.query, "limit");
  const std::size_t value = text.empty() ? fallback : std::strtoul(text.c_str(), nullptr, 10);
  return std::min(std::max<std::size_t>(value, 1), most);
}

}  // namespace

HttpResponse api_json(const JsonValue& body) {
  HttpResponse response = json_body_response(200, model::to_json(body));
  response.add_header("Cache-Control", "no-store");
  return response;
}

HttpResponse api_error(int status, std::string_view code, std::string_view message) {
  JsonValue body = JsonValue::object();
  body.set("error", JsonValue::string(std::string(code)));
  body.set("message", JsonValue::string(std::string(message)));
  return json_body_response(status, model::to_json(body));
}

std::string query_value(const std::vector<aws::QueryParam>& query, std::string_view name) {
  for (const aws::QueryParam& param : query) {
    if (param.key == name) return param.value;
  }
  return "";
}

HttpResponse ConsoleApi::handle(const ApiCall& call) {
  using Handler = HttpResponse (ConsoleApi::*)(const ApiCall&);
  struct Route {
    std::string_view method;
    std::string_view name;
    Handler handler;
  };
  static constexpr Route kRoutes[] = {
      {"GET", "imports", &ConsoleApi::imports},   {"GET", "import", &ConsoleApi::import_detail},
      {"GET", "rejected", &ConsoleApi::rejected}, {"GET", "functions", &ConsoleApi::functions},
      {"GET", "tables", &ConsoleApi::tables},     {"GET", "items", &ConsoleApi::items},
      {"GET", "buckets", &ConsoleApi::buckets},   {"GET", "objects", &ConsoleApi::objects},
      {"GET", "object", &ConsoleApi::object},     {"POST", "upload-url", &ConsoleApi::upload_url},
  };
  for (const Route& route : kRoutes) {
    if (route.name != call.name) continue;
    if (route.method != call.method) {
      return api_error(405, "MethodNotAllowed", call.name + " takes " + std::string(route.method));
    }
    return (this->*route.handler)(call);
  }
  return api_error(404, "NotFound", "no console API call named " + call.name);
}

HttpResponse ConsoleApi::imports(const ApiCall& call) {
  JsonValue list = JsonValue::array();
  for (const ImportRecord& record : imports_.imports(limit_of(call, 50, kImportsPage))) {
    list.push(import_json(record));
  }
  JsonValue body = JsonValue::object();
  body.set("imports", std::move(list));
  return api_json(body);
}

HttpResponse ConsoleApi::import_detail(const ApiCall& call) {
  const std::string bucket = query_value(call.query, "bucket");
  const std::string key = query_value(call.query, "key");
  ImportRecord record = imports_.find(bucket, key);
  if (record.bucket.empty()) {
    return api_error(404, "NoSuchImport", "no import of s3://" + bucket + "/" + key + " seen");
  }
  JsonValue body = import_json(record);
  JsonValue series = JsonValue::array();
  for (const ProgressPoint& point : record.series) {
    JsonValue row = JsonValue::array();
    for (double value : {point.seconds, static_cast<double>(point.rows_read),
                         static_cast<double>(point.rows_written), point.write_units}) {
      char text[32];
      std::snprintf(text, sizeof text, "%.3f", value);
      row.push(JsonValue::number_text(text));
    }
    series.push(std::move(row));
  }
  body.set("series", std::move(series));
  body.set("log", strings(std::vector<std::string>(record.log.begin(), record.log.end())));
  body.set("outputs", output_links(control_(), call.host, bucket, key));
  return api_json(body);
}

HttpResponse ConsoleApi::rejected(const ApiCall& call) {
  const std::string bucket = query_value(call.query, "bucket");
  const std::string key = query_value(call.query, "key");
  const std::uint64_t cursor =
      std::strtoull(query_value(call.query, "cursor").c_str(), nullptr, 10);
  auto clients = deploy::admin_clients(control_());
  if (!clients) return api_error(500, "InternalError", clients.error().message);
  aws::GetObjectOptions options;
  options.range = std::make_pair(cursor, cursor + kRejectedRead - 1);
  std::string bytes;
  auto got = clients->s3()->get_object(bucket, "rejected/" + key + ".rejected.jsonl", options,
                                       [&bytes](std::string_view chunk) -> Status {
                                         bytes.append(chunk);
                                         return {};
                                       });
  JsonValue rows = JsonValue::array();
  JsonValue body = JsonValue::object();
  if (!got && !aws::has_code(got.error(), aws::code::kInvalidRange) &&
      !aws::is_missing_object(got.error())) {
    return api_error(502, got.error().code, got.error().message);
  }
  std::size_t used = 0;
  while (got && rows.as_array().size() < kRejectedPage) {
    const std::size_t end = bytes.find('\n', used);
    if (end == std::string::npos) break;
    auto row = model::parse_json(std::string_view(bytes).substr(used, end - used));
    rows.push(row ? *row : JsonValue::string(bytes.substr(used, end - used)));
    used = end + 1;
  }
  const bool more =
      got && (used < bytes.size() || (got->total_size && cursor + used < *got->total_size));
  body.set("rows", std::move(rows));
  body.set("next_cursor",
           more ? JsonValue::number_text(std::to_string(cursor + used)) : JsonValue::null());
  return api_json(body);
}

HttpResponse ConsoleApi::functions(const ApiCall&) {
  auto configurations = model::parse_json(lambda_.configurations_json());
  JsonValue list = JsonValue::array();
  if (configurations && configurations->is_array()) {
    for (const JsonValue& configuration : configurations->as_array()) {
      const JsonValue* name = configuration.find("FunctionName");
      const std::string function = name && name->is_string() ? name->as_string() : "";
      JsonValue entry = JsonValue::object();
      entry.set("configuration", configuration);
      JsonValue invocations = JsonValue::array();
      for (const InvocationRecord& record : imports_.invocations(function, 20)) {
        JsonValue one = JsonValue::object();
        one.set("request_id", JsonValue::string(record.request_id));
        one.set("seen", JsonValue::string(record.timestamp));
        one.set("duration_ms",
                JsonValue::number_text(std::to_string(static_cast<long long>(record.duration_ms))));
        one.set("max_memory_mb", JsonValue::number_text(std::to_string(record.max_memory_mb)));
        one.set("result", JsonValue::string(record.result));
        invocations.push(std::move(one));
      }
      entry.set("invocations", std::move(invocations));
      entry.set("log", strings(imports_.log_tail(function, 100)));
      list.push(std::move(entry));
    }
  }
  JsonValue body = JsonValue::object();
  body.set("functions", std::move(list));
  return api_json(body);
}

}  // namespace csv2ddb::local::console
