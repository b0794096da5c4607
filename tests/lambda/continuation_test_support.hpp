// Shared by the continuation tests: a stand-in for Lambda's Invoke API that records the
// continuation events the handler sends (real HTTP on 127.0.0.1, through the real LambdaClient),
// a fake deadline that runs out after a given number of records, a driver that feeds each
// recorded event to the next invocation until the file is done, and comparisons of outputs.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "aws/lambda_client.hpp"
#include "lambda/import_handler.hpp"
#include "model/json.hpp"
#include "test_servers.hpp"

namespace csv2ddb::lambda::testing {

// POST /2015-03-31/functions/<name>/invocations with X-Amz-Invocation-Type: Event, as Lambda
// answers it (202), recording the payloads; or refusing, when told to, as Lambda refuses a
// caller without lambda:InvokeFunction (403, not retried).
class InvokeStandIn {
 public:
  InvokeStandIn()
      : server_([this](const aws::testing::ReceivedRequest& request) { return answer(request); }) {}

  std::shared_ptr<aws::LambdaClient> client() const {
    return std::make_shared<aws::LambdaClient>(
        aws::testing::make_test_caller("lambda", aws::ErrorDialect::kLambda, server_.url()));
  }
  void refuse_next(int count) { refusals_ = count; }
  std::vector<std::string> payloads() const {
    std::lock_guard lock(mutex_);
    return payloads_;
  }
  std::vector<std::string> targets() const {
    std::lock_guard lock(mutex_);
    return targets_;
  }

 private:
  aws::testing::FakeResponse answer(const aws::testing::ReceivedRequest& request) {
    aws::testing::FakeResponse response;
    if (refusals_ > 0) {
      --refusals_;
      response.status = 403;
      response.headers = {{"x-amzn-ErrorType", "AccessDeniedException"},
                          {"Content-Type", "application/json"}};
      response.body = R"({"Type":"User","message":"not allowed to invoke"})";
      return response;
    }
    const std::string* type = request.header("X-Amz-Invocation-Type");
    std::lock_guard lock(mutex_);
    targets_.push_back(request.target + " " + (type != nullptr ? *type : "RequestResponse"));
    payloads_.push_back(request.body);
    response.status = 202;
    return response;
  }

  mutable std::mutex mutex_;
  std::vector<std::string> payloads_;
  std::vector<std::string> targets_;
  std::atomic<int> refusals_{0};
  aws::testing::FakeHttpServer server_;
};

// ImportOptions whose deadline is a count of records: plenty of time when the file starts and
// for `records` records after the first, then none, so the invocation hands over there. The
// reserve it leaves is the real logic's: min(reserve, half the time at the start).
inline ImportOptions records_per_invocation(ImportOptions options, std::size_t records) {
  auto calls = std::make_shared<std::size_t>(0);
  options.hand_over_reserve = std::chrono::milliseconds(60000);
  options.time_remaining = [calls, records]() -> std::chrono::milliseconds {
    return (*calls)++ <= records ? std::chrono::hours(1) : std::chrono::milliseconds(0);
  };
  return options;
}

inline std::string member_of(const std::string& json, const char* name) {
  auto parsed = model::parse_json(json);
  if (!parsed) return "<not json>";
  const model::JsonValue* value = parsed->find(name);
  return value == nullptr ? "<absent>" : model::to_json(*value);
}

// The first file of a result, as JSON.
inline std::string file_member(const std::string& result, const char* name) {
  auto parsed = model::parse_json(result);
  if (!parsed) return "<not json>";
  const model::JsonValue* files = parsed->find("files");
  if (files == nullptr || !files->is_array() || files->as_array().empty()) return "<no file>";
  const model::JsonValue* value = files->as_array().front().find(name);
  return value == nullptr ? "<absent>" : model::to_json(*value);
}

inline std::uint64_t invocation_count(const std::string& result, const char* name) {
  auto parsed = model::parse_json(file_member(result, "invocation"));
  if (!parsed) return 0;
  const model::JsonValue* value = parsed->find(name);
  return value == nullptr ? 0 : std::strtoull(value->as_string().c_str(), nullptr, 10);
}

// The report without what differs between two runs of the same rows: the source's and the
// table's names, the time taken and the number of requests (a hand-over sends the batches it
// has, so a chain sends a few more, smaller ones).
inline std::string comparable_report(const std::string& report) {
  auto parsed = model::parse_json(report);
  if (!parsed || !parsed->is_object()) return "<not json: " + report + ">";
  model::JsonValue kept = model::JsonValue::object();
  for (const auto& [name, value] : parsed->as_object()) {
    if (name == "source" || name == "table" || name == "seconds" || name == "requests") continue;
    kept.set(name, value);
  }
  return model::to_json(kept);
}

// `csv2ddb local` (S3 and DynamoDB on one port) storing into `directory`; nullptr and `why` when
// it cannot start. Its S3 refuses parts under 5 MiB but the last, as S3 does.
inline std::unique_ptr<aws::testing::ChildServer> start_csv2ddb_local(const std::string& directory,
                                                                      std::string* why) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    const int port = aws::testing::pick_free_port();
    auto server = std::make_unique<aws::testing::ChildServer>(
        std::vector<std::string>{CSV2DDB_EXE, "local", "--port", std::to_string(port), "--data-dir",
                                 directory},
        port, directory + "/local-" + std::to_string(port) + ".log");
    if (server->ready()) return server;
    *why = "csv2ddb local did not start: " + server->log();
  }
  return nullptr;
}

// What a chain of invocations did: every invocation's result, in order.
struct Chain {
  std::vector<InvocationResponse> responses;
  const InvocationResponse& last() const { return responses.back(); }
  std::size_t invocations() const { return responses.size(); }
};

// Invokes the handler with `payload`, then with each continuation event it sends, until an
// invocation does not continue (or fails). `after_each` runs after each invocation that
// continued (to look at the bucket between two invocations).
inline Chain run_chain(const std::function<InvocationResponse(const std::string&)>& invoke,
                       const InvokeStandIn& lambda, std::string payload,
                       const std::function<void()>& after_each = {},
                       std::size_t max_invocations = 200) {
  Chain chain;
  std::size_t sent_before = lambda.payloads().size();
  while (chain.invocations() < max_invocations) {
    chain.responses.push_back(invoke(payload));
    const InvocationResponse& response = chain.last();
    if (!response.is_success() || member_of(response.payload(), "continued") != "true") break;
    if (after_each) after_each();
    const std::vector<std::string> sent = lambda.payloads();
    EXPECT_EQ(sent.size(), sent_before + 1) << "one continuation event per hand-over";
    if (sent.size() != sent_before + 1) break;
    sent_before = sent.size();
    payload = sent.back();
  }
  return chain;
}

}  // namespace csv2ddb::lambda::testing
