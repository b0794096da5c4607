// BatchWriteItem's fast path (read from the request text) against the general path (the parsed
// request): whatever the fast path accepts, the general path accepts too, with the same plan
// (key bytes, stored JSON, sizes, order, the elements handed back as UnprocessedItems); what
// it cannot vouch for it declines. Checked on requests of every shape it takes, on requests it
// must leave to the general path, and on thousands of mutations of both.
#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "local/dynamodb/batch_write.hpp"
#include "local/dynamodb/dynamodb_service.hpp"
#include "model/json.hpp"

namespace csv2ddb::local::dynamodb {
namespace {

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0xF]);
  }
  return out;
}

// Everything a plan decides, as text, so that two plans compare with a readable difference.
std::string describe(const BatchWritePlan& plan) {
  std::string out = "capacity " + plan.capacity_mode + "\n";
  for (const TableWrites& table : plan.tables) {
    out += "table " + table.table.name + " #" + std::to_string(table.table.id) + "\n";
    for (std::size_t i = 0; i < table.writes.size(); ++i) {
      const ItemWrite& w = table.writes[i];
      out += w.is_put ? "put " : "delete ";
      out +=
          hex(w.hash) + " " + hex(w.range) + " " + std::to_string(w.size) + " " + w.json + "\n  ";
      table.originals[i].append_to(out);
      out += "\n";
    }
  }
  return out;
}

class BatchWriteFastPathTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() /
        ("csv2ddb-fast-path-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    auto opened = TableStore::open(dir_.string());
    ASSERT_TRUE(opened.ok());
    store_ = std::move(*opened);
    service_ = std::make_unique<DynamoDbService>(*store_, faults_);
    context_ = std::make_unique<OperationContext>(OperationContext{*store_, faults_});
    for (const char* table : {
             R"({"TableName":"offers","BillingMode":"PAY_PER_REQUEST",
                 "KeySchema":[{"AttributeName":"a","KeyType":"HASH"},{"AttributeName":"o","KeyType":"RANGE"}],
                 "AttributeDefinitions":[{"AttributeName":"a","AttributeType":"S"},{"AttributeName":"o","AttributeType":"N"}]})",
             R"({"TableName":"bins","BillingMode":"PAY_PER_REQUEST",
                 "KeySchema":[{"AttributeName":"k","KeyType":"HASH"}],
                 "AttributeDefinitions":[{"AttributeName":"k","AttributeType":"B"}]})",
             R"({"TableName":"numbered","BillingMode":"PAY_PER_REQUEST",
                 "KeySchema":[{"AttributeName":"n","KeyType":"HASH"},{"AttributeName":"s","KeyType":"RANGE"}],
                 "AttributeDefinitions":[{"AttributeName":"n","AttributeType":"N"},{"AttributeName":"s","AttributeType":"S"}]})"}) {
      ASSERT_TRUE(service_->call("CreateTable", table).ok());
    }
  }
  void TearDown() override {
    context_.reset();
    service_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // The general path's plan, or its error's message.
  std::string general(std::string_view body) {
    auto parsed = model::parse_json(body);
    if (!parsed || !parsed->is_object()) return "SerializationException";
    auto plan = plan_batch_write(*parsed, *context_);
    if (!plan) return plan.error().code + ": " + plan.error().message;
    return describe(*plan);
  }
  // The fast path's plan, or "declined".
  std::string fast(std::string_view body) {
    auto plan = plan_batch_write_from_text(body, *context_);
    return plan ? describe(*plan) : "declined";
  }
  // The property: declined, or exactly the general path's plan.
  void agrees(std::string_view body) {
    const std::string quick = fast(body);
    if (quick != "declined") {
      ASSERT_EQ(quick, general(body)) << "request: " << body;
    }
  }

  std::filesystem::path dir_;
  FaultInjector faults_{FaultSpec{}, 1};
  std::unique_ptr<TableStore> store_;
  std::unique_ptr<DynamoDbService> service_;
  std::unique_ptr<OperationContext> context_;
};

// Requests of the shapes the fast path takes (it must take them, not only agree).
const std::vector<std::string>& accepted() {
  static const std::vector<std::string> bodies = {
      // As Python's json.dumps writes it (spaces), and compact as the SDKs and csv2ddb do.
      R"({"RequestItems": {"offers": [{"PutRequest": {"Item": {"a": {"S": "00000001"}, "o": {"N": "12"}, "created": {"S": "2024-01-01T00:00:00Z"}, "risk": {"S": "high"}}}}, {"PutRequest": {"Item": {"a": {"S": "00000001"}, "o": {"N": "13"}}}}]}})",
      R"({"RequestItems":{"offers":[{"PutRequest":{"Item":{"a":{"S":"x"},"o":{"N":"1"}}}}]}})",
      " \t\r\n{ \"RequestItems\" :\n{ \"offers\" : [ { \"PutRequest\" : { \"Item\" : { \"a\" : "
      "{ \"S\" : \"x\" } , \"o\" : { \"N\" : \"1\" } } } } ] } } \n",
      // Numbers canonicalized, as keys (sort key bytes) and as values.
      R"({"RequestItems":{"offers":[{"PutRequest":{"Item":{"a":{"S":"x"},"o":{"N":"007.50"},"p":{"N":"-0"},"q":{"N":"1e3"},"r":{"N":"-12.5E-3"}}}},{"PutRequest":{"Item":{"a":{"S":"x"},"o":{"N":"-1"}}}}]}})",
      R"({"RequestItems":{"numbered":[{"PutRequest":{"Item":{"n":{"N":"0012"},"s":{"S":"a"}}}},{"DeleteRequest":{"Key":{"n":{"N":"12.0"},"s":{"S":"b"}}}}]}})",
      // Escapes in names and values, raw UTF-8, and the characters JSON must escape.
      R"({"RequestItems":{"offers":[{"PutRequest":{"Item":{"a":{"S":"say \"hi\"\\ \/ \b\f\n\r\t"},"o":{"N":"1"},"caf\u00e9":{"S":"\ud83d\ude00 \u0001"},"smile":{"S":"😀 é"}}}}]}})",
      R"({"Request\u0049tems":{"off\u0065rs":[{"PutRequest":{"Item":{"\u0061":{"S":"x"},"o":{"N":"1"}}}}]}})",
      // Every scalar type; an empty S outside the key.
      R"({"RequestItems":{"offers":[{"PutRequest":{"Item":{"a":{"S":"x"},"o":{"N":"1"},"t":{"BOOL":true},"f":{"BOOL":false},"z":{"NULL":true},"e":{"S":""},"b":{"B":"AAEC/w=="},"eb":{"B":""}}}}]}})",
      R"({"RequestItems":{"bins":[{"PutRequest":{"Item":{"k":{"B":"AQI="},"v":{"S":"1"}}}},{"DeleteRequest":{"Key":{"k":{"B":"/w=="}}}}]}})",
      // Deletes, capacity modes, the other fields in any order.
      R"({"ReturnConsumedCapacity":"TOTAL","RequestItems":{"offers":[{"DeleteRequest":{"Key":{"o":{"N":"3"},"a":{"S":"x"}}}},{"PutRequest":{"Item":{"a":{"S":"x"},"o":{"N":"4"}}}}]},"ReturnItemCollectionMetrics":"SIZE"})",
      R"({"RequestItems":{"offers":[{"PutRequest":{"Item":{"a":{"S":"x"},"o":{"N":"1"}}}}]},"ReturnConsumedCapacity":"INDEXES","ReturnItemCollectionMetrics":"NONE"})",
      R"({"RequestItems":{"offers":[{"PutRequest":{"Item":{"a":{"S":"x"},"o":{"N":"1"}}}}]},"ReturnConsumedCapacity":"NONE"})",
  };
  return bodies;
}

// 25 puts, the most a request may hold.
std::string full_batch(int count) {
  std::string body = R"({"RequestItems":{"offers":[)";
  for (int i = 0; i < count; ++i) {
    if (i != 0) body += ',';
    body += R"({"PutRequest":{"Item":{"a":{"S":"acct"},"o":{"N":")" + std::to_string(i) +
            R"("},"v":{"S":"value )" + std::to_string(i) + R"("}}}})";
  }
  return body + "]}}";
}

TEST_F(BatchWriteFastPathTest, TakesTheCommonShapesAndPlansThemAsTheGeneralPath) {
  std::vector<std::string> bodies = accepted();
  bodies.push_back(full_batch(25));
  for (const std::string& body : bodies) {
    const std::string quick = fast(body);
    ASSERT_NE(quick, "declined") << body;
    EXPECT_EQ(quick, general(body)) << body;
  }
}

TEST_F(BatchWriteFastPathTest, LeavesEverythingElseToTheGeneralPath) {
  const std::string big(400 * 1024, 'x');
  const std::vector<std::string> declined = {
      "",
      "{}",
      // Escapes in the fixed names and types: valid, left to the general path.
      R"({"RequestItems":{"offers":[{"Put\u0052equest":{"Item":{"a":{"S":"x"},"o":{"N":"1"}}}}]}})",
      R"({"RequestItems":{"offers":[{"PutRequest":{"It\u0065m":{"a":{"S":"x"},"o":{"N":"1"}}}}]}})",
      R"({"RequestItems":{"offers":[{"PutRequest":{"Item":{"a":{"\u0053":"x"},"o":{"N":"1"}}}}]}})",
      "[]",
      R"({"RequestItems":{}})",
      R"({"RequestItems":{"offers":[]}})",
      R"({"RequestItems":{"offers":[{"PutRequest":{"Item":{"a":{"S":"x"},"o":{"N":"1"}}}}]},"Foo":1})",
      R"({"RequestItems":{"offers":[{"PutRequest":{"Item":{"a":{"S":"x"},"o":{"N":"1"}}}}]},"RequestItems":{}})",
      R"({"RequestItems":{"offers":[{"PutRequest":{"Item":{"a":{"S":"x"},"o":{"N":"1"}}}}],"bins":[{"PutRequest":{"Item":{"k":{"B":"AA=="}}}}]}})",
      R"({"RequestItems":{"missing":[{"PutRequest":{"Item":{"a":{"S":"x"},"o":{"N":"1"}}}}]}})",
      R"({"RequestItems":{"of":[{"PutRequest":{"Item":{"a":{"S":"x"},"o":{"N":"1"}}}}]}})",
      R"({"RequestItems":{"offers":null})",
      R"({"RequestItems":{"offers":[{"PutRequest":{"Item":{"a":{"S":"x"},"o":{"N":"1"}}},"DeleteRequest":{"Key":{"a":{"S":"x"},"o":{"N":"1"}}}}]}})",
      // Not JSON: a name without its colon, then another name (found by the fuzz target).
      R"({"RequestItems":{"offers":[{"PutRequest""DeleteRequest":{"Key":{"a":{"S":"x"},"o":{"N":"1"}}}}]}})",
      R"({"RequestItems":{"offers":[{"PutRequest":{"Item":{"a":{"S":"x"},"o":{"N":"1"}},"Extra":1}}]}})",
      R"({"RequestItems":{"offers":[{"PutRequest":{"Item":{"o":{"N":"1"}}}}]}})",
      R"({"RequestItems":{"offers":[{"PutRequest":{"Item":{"a":{"N":"1"},"o":{"N":"1"}}}}]}})",
      R"({"RequestItems":{"offers":[{"PutRequest":{"Item":{"a":{"S":""},"o":{"N":"1"}}}}]}})",
      R"({"RequestItems":{"offers":[{"PutRequest":{"Item":{"a":{"S":"x"},"o":{"N":"abc"}}}}]}})",
      R"({"RequestItems":{"offers":[{"PutRequest":{"Item":{"a":{"S":"x"},"o":{"N":"1"},"a":{"S":"y"}}}}]}})",
      R"({"RequestItems":{"offers":[{"PutRequest":{"Item":{"a":{"S":"x"},"o":{"N":"1"},"":{"S":"y"}}}}]}})",
      R"({"RequestItems":{"offers":[{"PutRequest":{"Item":{"a":{"S":"x"},"o":{"N":"1"},"v":{"SS":["a"]}}}}]}})",
      R"({"RequestItems":{"offers":[{"PutRequest":{"Item":{"a":{"S":"x"},"o":{"N":"1"},"v":{"L":[]}}}}]}})",
      R"({"RequestItems":{"offers":[{"PutRequest":{"Item":{"a":{"S":"x"},"o":{"N":"1"},"v":{"M":{}}}}}]}})",
      R"({"RequestItems":{"offers":[{"PutRequest":{"Item":{"a":{"S":"x"},"o":{"N":"1"},"v":{"S":"y","N":"1"}}}}]}})",
      R"({"RequestItems":{"offers":[{"PutRequest":{"Item":{"a":{"S":"x"},"o":{"N":"1"},"v":{"NULL":false}}}}]}})",
      R"({"RequestItems":{"offers":[{"PutRequest":{"Item":{"a":{"S":"x"},"o":{"N":"1"},"v":{"BOOL":"true"}}}}]}})",
      R"({"RequestItems":{"offers":[{"PutRequest":{"Item":{"a":{"S":"x"},"o":{"N":"1"},"v":{"S":null}}}}]}})",
      R"({"RequestItems":{"offers":[{"PutRequest":{"Item":{"a":{"S":"x"},"o":{"N":"1"}}}},{"PutRequest":{"Item":{"a":{"S":"x"},"o":{"N":"1.0"}}}}]}})",
      R"({"RequestItems":{"offers":[{"PutRequest":{"Item":{"a":{"S":"x"},"o":{"N":"1"}}}},{"DeleteRequest":{"Key":{"a":{"S":"x"},"o":{"N":"1"}}}}]}})",
      R"({"RequestItems":{"offers":[{"DeleteRequest":{"Key":{"a":{"S":"x"},"o":{"N":"1"},"v":{"S":"y"}}}}]}})",
      R"({"RequestItems":{"offers":[{"DeleteRequest":{"Key":{"a":{"S":"x"}}}}]}})",
      R"({"RequestItems":{"offers":[{"PutRequest":{"Item":{"a":{"S":"\u0000"},"o":{"N":"1"}}}}]}})",
      R"({"RequestItems":{"bins":[{"PutRequest":{"Item":{"k":{"B":"AAE"}}}}]}})",
      R"({"RequestItems":{"offers":[{"PutRequest":{"Item":{"a":{"S":"x"},"o":{"N":"1"}}}}]},"ReturnConsumedCapacity":"ALL"})",
      R"({"RequestItems":{"offers":[{"PutRequest":{"Item":{"a":{"S":"x"},"o":{"N":"1"}}}}]},"ReturnConsumedCapacity":null})",
      R"({"RequestItems":{"offers":[{"PutRequest":{"Item":{"a":{"S":"x"},"o":{"N":"1"}}}}]}} x)",
      R"({"RequestItems":{"offers":[{"PutRequest":{"Item":{"a":{"S":"x"},"o":{"N":"1"},"v":{"S":"\x"}}}}]}})",
      "{\"RequestItems\":{\"offers\":[{\"PutRequest\":{\"Item\":{\"a\":{\"S\":\"\xff\"},\"o\":{"
      "\"N\":"
      "\"1\"}}}}]}}",
      "{\"RequestItems\":{\"offers\":[{\"PutRequest\":{\"Item\":{\"a\":{\"S\":\"\t\"},\"o\":{\"N\":"
      "\"1\"}}}}]}}",
      R"({"RequestItems":{"offers":[{"PutRequest":{"Item":{"a":{"S":")" + std::string(2049, 'h') +
          R"("},"o":{"N":"1"}}}}]}})",
      R"({"RequestItems":{"numbered":[{"PutRequest":{"Item":{"n":{"N":"1"},"s":{"S":")" +
          std::string(1025, 'r') + R"("}}}}]}})",
      R"({"RequestItems":{"offers":[{"PutRequest":{"Item":{"a":{"S":"x"},"o":{"N":"1"},"v":{"S":")" +
          big + R"("}}}}]}})",
      full_batch(26),
  };
  for (const std::string& body : declined) {
    EXPECT_EQ(fast(body), "declined") << body;
    // And the service still answers them, with the general path's error (or success).
    (void)service_->call("BatchWriteItem", body);
  }
}

// Any bytes the fast path accepts, the general path plans alike: mutations of accepted
// requests (bytes replaced, dropped, added, repeated), a fixed seed so that a failure repeats.
TEST_F(BatchWriteFastPathTest, AgreesWithTheGeneralPathOnMutatedRequests) {
  std::mt19937 random(20261201);
  const std::string alphabet = "{}[]\":,\\ \t\nuSNBLMa0o1e.-+E\x01\x7f\xc3\xa9\xff";
  std::vector<std::string> seeds = accepted();
  seeds.push_back(full_batch(3));
  int accepted_mutants = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string body = seeds[random() % seeds.size()];
    const int edits = 1 + static_cast<int>(random() % 3);
    for (int e = 0; e < edits && !body.empty(); ++e) {
      const std::size_t at = random() % body.size();
      switch (random() % 5) {
        case 4:  // a letter or digit for another: mostly still valid, often a new value
          if (std::isalnum(static_cast<unsigned char>(body[at]))) {
            body[at] = "0123456789abcxyzSNBE"[random() % 20];
          }
          break;
        case 0:
          body[at] = alphabet[random() % alphabet.size()];
          break;
        case 1:
          body.erase(at, 1 + random() % 3);
          break;
        case 2:
          body.insert(at, 1, alphabet[random() % alphabet.size()]);
          break;
        default:
          body.insert(at, body.substr(at, random() % 16));
          break;
      }
    }
    agrees(body);
    if (HasFatalFailure()) return;
    accepted_mutants += fast(body) != "declined";
  }
  // The mutations must exercise the fast path too, not only its declines.
  EXPECT_GT(accepted_mutants, 200);
}

}  // namespace
}  // namespace csv2ddb::local::dynamodb
