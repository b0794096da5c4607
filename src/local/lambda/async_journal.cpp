#include "local/lambda/async_journal.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "aws/http_date.hpp"
#include "model/json.hpp"

namespace csv2ddb::local::lambda {
namespace {

std::string encode(const JournaledEvent& event) {
  std::string out = "{\"sequence\":" + std::to_string(event.sequence) + ",\"requestId\":";
  model::append_json_string(out, event.request_id);
  out += ",\"traceId\":";
  model::append_json_string(out, event.trace_id);
  out += ",\"attempt\":" + std::to_string(event.attempt);
  out += event.started ? ",\"started\":true" : ",\"started\":false";
  out += ",\"payload\":";
  model::append_json_string(out, event.payload);
  out += "}";
  return out;
}

Result<JournaledEvent> decode(const std::string& text) {
  auto doc = model::parse_json(text);
  if (!doc || !doc->is_object()) return make_error("InvalidJournal", "not a JSON object");
  auto text_of = [&](std::string_view key) -> std::string {
    const auto* v = doc->find(key);
    return v != nullptr && v->is_string() ? v->as_string() : std::string();
  };
  auto number_of = [&](std::string_view key) -> std::uint64_t {
    const auto* v = doc->find(key);
    return v != nullptr && v->is_number() ? std::stoull(v->as_string()) : 0;
  };
  JournaledEvent event;
  event.sequence = number_of("sequence");
  event.request_id = text_of("requestId");
  event.trace_id = text_of("traceId");
  event.payload = text_of("payload");
  event.attempt = static_cast<int>(std::max<std::uint64_t>(1, number_of("attempt")));
  const auto* started = doc->find("started");
  event.started = started != nullptr && started->is_bool() && started->as_bool();
  if (event.request_id.empty()) return make_error("InvalidJournal", "no requestId");
  return event;
}

// Write to a temporary name, sync, rename: a crash leaves the old file or the new one.
Status write_atomically(const std::string& path, const std::string& bytes) {
  const std::string temporary = path + ".tmp";
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return make_error("JournalWriteFailed", temporary + ": " + std::strerror(errno));
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      return make_error("JournalWriteFailed", temporary + ": " + std::strerror(errno));
    }
    done += static_cast<std::size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced || std::rename(temporary.c_str(), path.c_str()) != 0) {
    return make_error("JournalWriteFailed", path + ": " + std::strerror(errno));
  }
  return {};
}

}  // namespace

AsyncJournal::AsyncJournal(std::string folder) : folder_(std::move(folder)) {
  if (!folder_.empty()) {
    std::error_code ignored;
    std::filesystem::create_directories(folder_, ignored);
  }
}

std::string AsyncJournal::path_of(const std::string& request_id) const {
  return folder_ + "/" + request_id + ".json";
}

Status AsyncJournal::save(JournaledEvent& event) {
  if (!enabled()) return {};
  if (event.sequence == 0) event.sequence = next_sequence_++;
  return write_atomically(path_of(event.request_id), encode(event));
}

void AsyncJournal::remove(const std::string& request_id) {
  if (!enabled()) return;
  std::error_code ignored;
  std::filesystem::remove(path_of(request_id), ignored);
}

std::vector<JournaledEvent> AsyncJournal::load() {
  std::vector<JournaledEvent> events;
  if (!enabled()) return events;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(folder_, error)) {
    const std::string path = entry.path().string();
    if (entry.path().extension() != ".json") {
      std::filesystem::remove(entry.path(), error);  // a write cut short by a crash
      continue;
    }
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    auto event = decode(text.str());
    if (!event) {
      std::cerr << "csv2ddb local: skipped a damaged queued event " << path << ": "
                << event.error().message << "\n";
      continue;
    }
    events.push_back(std::move(*event));
  }
  std::sort(events.begin(), events.end(), [](const JournaledEvent& a, const JournaledEvent& b) {
    return a.sequence < b.sequence;
  });
  for (const auto& event : events) next_sequence_ = std::max(next_sequence_, event.sequence + 1);
  return events;
}

std::string failure_record(const JournaledEvent& event, const std::string& function_arn,
                           const std::string& condition, const std::string& error_document) {
  std::string out = "{\"version\":\"1.0\",\"timestamp\":";
  model::append_json_string(out, aws::format_iso8601(std::chrono::system_clock::now()));
  out += ",\"requestContext\":{\"requestId\":";
  model::append_json_string(out, event.request_id);
  out += ",\"functionArn\":";
  model::append_json_string(out, function_arn + ":$LATEST");
  out += ",\"condition\":";
  model::append_json_string(out, condition);
  out += ",\"approximateInvokeCount\":" + std::to_string(event.attempt) + "}";
  // The request payload as the JSON it is (a string when it is not JSON).
  out += ",\"requestPayload\":";
  if (model::parse_json(event.payload)) {
    out += event.payload;
  } else {
    model::append_json_string(out, event.payload);
  }
  out +=
      ",\"responseContext\":{\"statusCode\":200,\"executedVersion\":\"$LATEST\","
      "\"functionError\":\"Unhandled\"},\"responsePayload\":";
  if (model::parse_json(error_document)) {
    out += error_document;
  } else {
    model::append_json_string(out, error_document);
  }
  out += "}";
  return out;
}

}  // namespace csv2ddb::local::lambda
