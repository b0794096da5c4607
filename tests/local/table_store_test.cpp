// The table store below the DynamoDB operations: rounds (one commit for the writes of many
// requests, none visible or acknowledged before it), puts written many to an INSERT over keys
// old and new, and data folders from before the items table had rowids.
#include "local/dynamodb/table_store.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace csv2ddb::local::dynamodb {
namespace {

class TableStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("csv2ddb-table-store-" +
            std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    open();
    table_ = create("offers");
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  void open() {
    store_.reset();
    auto opened = TableStore::open(dir_.string());
    ASSERT_TRUE(opened.ok()) << opened.error().to_string();
    store_ = std::move(*opened);
  }
  std::int64_t create(const std::string& name) {
    TableInfo info;
    info.name = name;
    info.key.hash = {"a", model::AttributeType::kS};
    info.key.range = model::KeyAttribute{"o", model::AttributeType::kS};
    auto created = store_->create_table(info);
    EXPECT_TRUE(created.ok()) << created.error().to_string();
    return created.ok() ? created->id : -1;
  }
  static ItemWrite put(const std::string& hash, const std::string& range, std::uint32_t size) {
    return ItemWrite{true, hash, range,
                     "{\"a\":{\"S\":\"" + hash + "\"},\"size\":" + std::to_string(size) + "}",
                     size};
  }
  // The stored size of an item, or -1 when it is absent.
  std::int64_t stored(const std::string& hash, const std::string& range) {
    auto found = store_->get(table_, hash, range);
    EXPECT_TRUE(found.ok());
    return found.ok() && *found ? static_cast<std::int64_t>((*found)->size) : -1;
  }
  std::string counters() {
    const TableStats stats = store_->stats(table_);
    return std::to_string(stats.item_count) + "/" + std::to_string(stats.size_bytes);
  }

  std::filesystem::path dir_;
  std::unique_ptr<TableStore> store_;
  std::int64_t table_ = 0;
};

TEST_F(TableStoreTest, ARoundsWritesAreCommittedTogetherAtItsEnd) {
  store_->begin_round();
  EXPECT_TRUE(store_->in_own_round());
  const std::vector<ItemWrite> first = {put("x", "1", 10), put("x", "2", 20)};
  const std::vector<ItemWrite> second = {put("y", "1", 5)};
  ASSERT_TRUE(store_->write(table_, first, nullptr).ok());
  ASSERT_TRUE(store_->write(table_, second, nullptr).ok());
  // Not committed yet: no other connection sees the items, the counters have not moved.
  EXPECT_EQ(stored("x", "1"), -1);
  EXPECT_EQ(counters(), "0/0");
  ASSERT_TRUE(store_->end_round().ok());
  EXPECT_FALSE(store_->in_own_round());
  EXPECT_EQ(stored("x", "1"), 10);
  EXPECT_EQ(stored("y", "1"), 5);
  EXPECT_EQ(counters(), "3/35");
  // Outside a round every write commits on its own again.
  const std::vector<ItemWrite> third = {put("z", "1", 1)};
  ASSERT_TRUE(store_->write(table_, third, nullptr).ok());
  EXPECT_EQ(stored("z", "1"), 1);
  // And the round survives a restart like any commit.
  open();
  EXPECT_EQ(stored("x", "2"), 20);
  EXPECT_EQ(counters(), "4/36");
}

TEST_F(TableStoreTest, OtherThreadsWriteAfterTheRoundAndAreNotPartOfIt) {
  store_->begin_round();
  const std::vector<ItemWrite> mine = {put("r", "1", 3)};
  ASSERT_TRUE(store_->write(table_, mine, nullptr).ok());
  bool other_written = false;
  std::thread other([&] {
    EXPECT_FALSE(store_->in_own_round());
    const std::vector<ItemWrite> theirs = {put("t", "1", 4)};
    other_written = store_->write(table_, theirs, nullptr).ok();
  });
  ASSERT_TRUE(store_->end_round().ok());
  other.join();
  EXPECT_TRUE(other_written);
  EXPECT_EQ(stored("r", "1"), 3);
  EXPECT_EQ(stored("t", "1"), 4);
  EXPECT_EQ(counters(), "2/7");
}

TEST_F(TableStoreTest, CreatingAndDeletingTablesInARoundCommitsItsWritesFirst) {
  store_->begin_round();
  const std::vector<ItemWrite> before = {put("x", "1", 10)};
  ASSERT_TRUE(store_->write(table_, before, nullptr).ok());
  const std::int64_t other = create("other");  // would wait for the round's own lock
  ASSERT_GT(other, 0);
  EXPECT_EQ(stored("x", "1"), 10);  // committed with the catalog change
  const std::vector<ItemWrite> after = {put("x", "2", 20)};
  ASSERT_TRUE(store_->write(table_, after, nullptr).ok());
  ASSERT_TRUE(store_->delete_table("other").ok());
  ASSERT_TRUE(store_->end_round().ok());
  EXPECT_EQ(stored("x", "2"), 20);
  EXPECT_EQ(counters(), "2/30");
}

// A batch of puts goes in one INSERT; the keys that were there are overwritten, and what they
// weighed is reported (capacity) and counted (TableSizeBytes), wherever they are in the batch.
TEST_F(TableStoreTest, BatchedPutsOverwriteOldKeysAndReportTheirSizes) {
  const std::vector<ItemWrite> old = {put("k", "03", 100), put("k", "10", 200),
                                      put("k", "24", 300)};
  ASSERT_TRUE(store_->write(table_, old, nullptr).ok());
  std::vector<ItemWrite> batch;
  for (int i = 0; i < 25; ++i) {
    batch.push_back(put("k", (i < 10 ? "0" : "") + std::to_string(i), 7));
  }
  batch.push_back(ItemWrite{false, "k", "99", "", 0});  // a delete of an absent key among them
  WriteResults results;
  ASSERT_TRUE(store_->write(table_, batch, &results).ok());
  ASSERT_EQ(results.old_sizes.size(), batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const std::uint32_t expected = i == 3 ? 100 : i == 10 ? 200 : i == 24 ? 300 : 0;
    EXPECT_EQ(results.old_sizes[i], expected) << "write " << i;
  }
  EXPECT_EQ(stored("k", "10"), 7);
  EXPECT_EQ(counters(), "25/175");
  // All of them old now: every one overwritten.
  for (ItemWrite& w : batch) w.size = w.is_put ? 9 : 0;
  for (ItemWrite& w : batch) w.json += " ";
  ASSERT_TRUE(store_->write(table_, batch, &results).ok());
  EXPECT_EQ(results.old_sizes[0], 7U);
  EXPECT_EQ(counters(), "25/225");
}

// The items table was WITHOUT ROWID at first; such a data folder is moved over when opened.
TEST_F(TableStoreTest, OpensADataFolderFromBeforeTheItemsTableHadRowids) {
  const std::vector<ItemWrite> items = {put("x", "1", 10), put("x", "2", 20), put("y", "1", 5)};
  ASSERT_TRUE(store_->write(table_, items, nullptr).ok());
  store_.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "dynamodb.sqlite3").string().c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "BEGIN;"
                         "CREATE TABLE old_items(tbl INTEGER NOT NULL, hk BLOB NOT NULL, rk BLOB "
                         "NOT NULL, size INTEGER NOT NULL, item BLOB NOT NULL, PRIMARY KEY (tbl, "
                         "hk, rk)) WITHOUT ROWID;"
                         "INSERT INTO old_items SELECT tbl, hk, rk, size, item FROM items;"
                         "DROP TABLE items;"
                         "ALTER TABLE old_items RENAME TO items;"
                         "COMMIT;",
                         nullptr, nullptr, nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(db);
  sqlite3_close(db);
  open();
  EXPECT_EQ(stored("x", "1"), 10);
  EXPECT_EQ(stored("y", "1"), 5);
  EXPECT_EQ(counters(), "3/35");
  auto page = store_->scan(table_, std::nullopt, 10, SIZE_MAX);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 3U);
  EXPECT_EQ((*page)[1].range, "2");
  const std::vector<ItemWrite> more = {put("x", "1", 11), put("z", "1", 1)};
  ASSERT_TRUE(store_->write(table_, more, nullptr).ok());
  EXPECT_EQ(stored("x", "1"), 11);
  EXPECT_EQ(counters(), "4/37");
  store_.reset();
  ASSERT_EQ(sqlite3_open((dir_ / "dynamodb.sqlite3").string().c_str(), &db), SQLITE_OK);
  sqlite3_stmt* schema = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT sql FROM sqlite_master WHERE name = 'items'", -1,
                               &schema, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(schema), SQLITE_ROW);
  const std::string sql = reinterpret_cast<const char*>(sqlite3_column_text(schema, 0));
  EXPECT_EQ(sql.find("WITHOUT ROWID"), std::string::npos) << sql;
  sqlite3_finalize(schema);
  sqlite3_close(db);
}

}  // namespace
}  // namespace csv2ddb::local::dynamodb
