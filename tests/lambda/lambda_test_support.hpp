// Shared by the Lambda layer's tests: the fake Runtime API as a child process, and what it
// recorded.
#pragma once

#include <zlib.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "model/json.hpp"
#include "test_servers.hpp"

namespace csv2ddb::lambda::testing {

// One POST the fake Runtime API received.
struct RecordedPost {
  std::string kind;  // "response", "error", "init_error"
  std::string request_id;
  std::string body;
  std::string content_type;
  std::string error_type;  // Lambda-Runtime-Function-Error-Type
};

class FakeRuntimeApi {
 public:
  // `events_json`: the invocations to hand out (see fake_runtime_api.py).
  FakeRuntimeApi(const std::string& directory, const std::string& events_json)
      : record_path_(directory + "/record.jsonl") {
    const std::string events_path = directory + "/events.json";
    std::ofstream(events_path) << events_json;
    const int port = aws::testing::pick_free_port();
    server_ = std::make_unique<aws::testing::ChildServer>(
        std::vector<std::string>{
            "/usr/bin/python3",
            std::string(CSV2DDB_SOURCE_DIR) + "/tests/lambda/fake_runtime_api.py", "--port",
            std::to_string(port), "--events", events_path, "--record", record_path_},
        port, directory + "/runtime.log");
  }

  bool ready() const { return server_->ready(); }
  // AWS_LAMBDA_RUNTIME_API's form: host:port.
  std::string endpoint() const { return "127.0.0.1:" + std::to_string(server_->port()); }

  std::vector<RecordedPost> posts() const {
    std::vector<RecordedPost> out;
    std::ifstream in(record_path_);
    std::string line;
    while (std::getline(in, line)) {
      auto parsed = model::parse_json(line);
      if (!parsed) continue;
      auto text = [&](const char* name) {
        const model::JsonValue* value = parsed->find(name);
        return value != nullptr ? value->as_string() : std::string();
      };
      out.push_back({text("kind"), text("request_id"), text("body"), text("content_type"),
                     text("error_type")});
    }
    return out;
  }

 private:
  std::string record_path_;
  std::unique_ptr<aws::testing::ChildServer> server_;
};

// {"request_id":id,"payload":payload, extra...} for the events file.
inline std::string runtime_event(const std::string& id, const std::string& payload,
                                 const std::string& extra_members = "") {
  std::string out = "{\"request_id\":";
  model::append_json_string(out, id);
  out += ",\"payload\":";
  model::append_json_string(out, payload);
  if (!extra_members.empty()) out += "," + extra_members;
  out += "}";
  return out;
}

// `text` as a gzip member (what `gzip` writes), for .csv.gz uploads.
inline std::string gzipped(const std::string& text) {
  z_stream stream{};
  // 15 + 16: a gzip header and trailer rather than zlib's.
  if (deflateInit2(&stream, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return {};
  }
  std::string out(deflateBound(&stream, static_cast<uLong>(text.size())) + 32, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  stream.avail_in = static_cast<uInt>(text.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

}  // namespace csv2ddb::lambda::testing
