// Fan-out by key (share.hpp): an input imported as N shares, in any order, gives one run's table,
// JSON copy (byte for byte, the shares' copies end to end), rejected rows and counts, also with
// quoted newlines at every place a byte range could be cut, CRLF and LF mixed, blank and
// all-empty rows, a 600 KB field, and keys repeated early and late.
#include "ingest/share.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "ingest/ingestor.hpp"
#include "model/dynamodb_json.hpp"
#include "support/in_memory_table.hpp"
#include "support/memory_output_store.hpp"

namespace csv2ddb::ingest {
namespace {

model::KeySchema schema() {
  return model::parse_key_schema("account:S,offer_id:S").value();
}

// Every record's note holds a quoted newline that looks like a record of its own ("a,o0,x")
// wherever a cut lands; keys o0..o299 repeat late with new prices (the later row must win).
std::string tricky_csv() {
  std::string csv = "account,offer_id,price,note\r\n";
  for (int i = 0; i < 2400; ++i) {
    const int key = i < 2100 ? i : i - 2100;  // the last 300 rows repeat the first keys
    const std::string eol = i % 3 == 0 ? "\r\n" : "\n";
    if (i % 97 == 0) csv += ",,," + eol;            // all empty: skipped
    if (i % 89 == 0) csv += "a1,o1,1,2,3,4" + eol;  // too many fields: rejected
    if (i % 101 == 0) csv += eol;                   // blank line
    csv += "a" + std::to_string(key % 7) + ",o" + std::to_string(key) + "," + std::to_string(i) +
           ",\"line one\na" + std::to_string(key % 7) + ",o" + std::to_string(key) +
           ",9\n\"\"quoted\"\"\"" + eol;
    if (i == 1200) csv += "a9,big,1,\"" + std::string(600 * 1024, 'x') + "\n" + "y\"" + eol;
  }
  return csv;
}

std::vector<std::string> sorted_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::sort(lines.begin(), lines.end());
  return lines;
}

IngestOptions options_for(MemoryOutputStore& store) {
  IngestOptions options;
  options.table = "offers";
  options.lanes = 4;
  options.outputs.store = &store;
  options.outputs.json_copy_key = "copy";
  options.outputs.rejected_key = "rejected";
  return options;
}

TEST(Share, RangesCoverTheInputOnce) {
  const std::vector<Share> shares = split_into_shares(1000, 3);
  ASSERT_EQ(shares.size(), 3u);
  EXPECT_EQ(shares[0].range_begin, 0u);
  EXPECT_EQ(shares[0].range_end, 333u);
  EXPECT_EQ(shares[1].range_begin, 333u);
  EXPECT_EQ(shares[1].range_end, 666u);
  EXPECT_EQ(shares[2].range_begin, 666u);
  EXPECT_EQ(shares[2].range_end, UINT64_MAX);
  const std::vector<Share> huge = split_into_shares(UINT64_MAX - 1, 7);
  for (std::size_t i = 1; i < huge.size(); ++i) {
    EXPECT_GT(huge[i].range_begin, huge[i - 1].range_begin);
  }
  // FNV-1a, fixed: every process and build gives a key the same share.
  EXPECT_EQ(share_key_hash(""), 14695981039346656037ULL);
  EXPECT_EQ(share_key_hash("a"), 0xaf63dc4c8601ec8cULL);
}

TEST(Share, SharesInAnyOrderMakeOneRun) {
  const std::string csv = tricky_csv();
  InMemoryTable whole_table(schema(), "offers");
  MemoryOutputStore whole_store;
  Result<RunOutcome> whole =
      run_ingest(csv::make_memory_source(csv, "offers.csv"), whole_table, options_for(whole_store));
  ASSERT_TRUE(whole.ok()) << whole.error().to_string();
  ASSERT_GT(whole->report.rows_rejected, 20u);
  ASSERT_GT(whole->report.rows_skipped, 20u);

  for (std::uint32_t count : {2u, 3u, 7u}) {
    SCOPED_TRACE(std::to_string(count) + " shares");
    InMemoryTable table(schema(), "offers");
    const std::vector<Share> shares = split_into_shares(csv.size(), count);
    std::vector<MemoryOutputStore> stores(count);
    Counts total;
    // The last share first: a key's later row must win whatever order the shares run in.
    for (std::uint32_t i = count; i-- > 0;) {
      IngestOptions options = options_for(stores[i]);
      options.share = shares[i];
      Result<RunOutcome> part =
          run_ingest(csv::make_memory_source(csv, "offers.csv"), table, options);
      ASSERT_TRUE(part.ok()) << part.error().to_string();
      EXPECT_TRUE(part->report.balanced());
      EXPECT_GT(part->report.rows_written, 0u);
      total += part->report;
    }
    EXPECT_EQ(stored(table), stored(whole_table));
    EXPECT_EQ(total.rows_read, whole->report.rows_read);
    EXPECT_EQ(total.rows_written, whole->report.rows_written);
    EXPECT_EQ(total.rows_rejected, whole->report.rows_rejected);
    EXPECT_EQ(total.rows_skipped, whole->report.rows_skipped);
    // The JSON copies end to end, in share order.
    std::string copy = "{\"data\":[";
    std::string rejected;
    bool first = true;
    for (const MemoryOutputStore& store : stores) {
      const std::string part = store.get("copy").value_or("");
      ASSERT_GE(part.size(), 11u);
      const std::string entries = part.substr(9, part.size() - 11);  // {"data":[ ... ]}
      if (!entries.empty()) {
        if (!first) copy += ",";
        copy += entries;
        first = false;
      }
      rejected += store.get("rejected").value_or("");
    }
    copy += "]}";
    EXPECT_EQ(copy, whole_store.get("copy").value_or("")) << "the JSON copy";
    EXPECT_EQ(sorted_lines(rejected), sorted_lines(whole_store.get("rejected").value_or("")));
  }
}

}  // namespace
}  // namespace csv2ddb::ingest
