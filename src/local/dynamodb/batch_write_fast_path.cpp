// BatchWriteItem's common case read straight from the request text, with no JSON tree: one
// table, PutRequests and DeleteRequests of items whose values are S, N, B, BOOL or NULL, as
// csv2ddb ingest and the SDKs send them. Building the tree, decoding it into items and
// encoding those again was half the server's CPU per item; this reads each value once and
// writes the stored form as it goes.
//
// It only ever accepts what the general path (plan_batch_write on the parsed request) accepts,
// and then gives the same plan: the same key bytes, the same stored JSON, the same sizes, the
// same order. Anything else, valid or not (an unknown or repeated field, null, a set, a list,
// a map, a second table, a missing key, a duplicate, an unknown table, a number that does not
// parse...), is declined, and the general path answers it with DynamoDB's own message: errors
// come from one place only. fuzz_local_batch_write_fast_path checks the agreement.
#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "local/dynamodb/batch_write.hpp"
#include "local/dynamodb/number_sort_key.hpp"
#include "local/dynamodb/request_checks.hpp"
#include "model/attribute_value.hpp"
#include "model/dynamodb_json.hpp"
#include "model/json.hpp"
#include "model/number.hpp"
#include "model/utf8_sequence.hpp"

namespace csv2ddb::local::dynamodb {
namespace {

constexpr std::size_t kMaxWriteRequests = 25;

// A JSON string of the request: its bytes when it has no escapes (a view into the body), else
// decoded by the model's own parser, so that both paths read every string alike.
class Text {
 public:
  std::string_view view() const { return decoded_ ? std::string_view(storage_) : view_; }
  // Without escapes in the request, the text has no byte JSON must escape either.
  bool decoded() const { return decoded_; }
  void set_view(std::string_view v) {
    view_ = v;
    decoded_ = false;
  }
  void set_decoded(std::string s) {
    storage_ = std::move(s);
    decoded_ = true;
  }

 private:
  std::string_view view_;
  std::string storage_;
  bool decoded_ = false;
};

// The text as a JSON string, as model::append_json_string writes it.
void append_quoted(std::string& out, const Text& text) {
  if (text.decoded()) {
    model::append_json_string(out, text.view());
    return;
  }
  out.push_back('"');
  out.append(text.view());
  out.push_back('"');
}

constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;

// Non-zero when some byte of `word` is a quote, a backslash, below 0x20 or above 0x7F (it may
// also flag a byte after such a byte: the caller then goes byte by byte).
std::uint64_t special_bytes(std::uint64_t word) {
  const std::uint64_t control = (word - kOnes * 0x20) & ~word & kHighBits;
  const std::uint64_t quote_bits = word ^ (kOnes * '"');
  const std::uint64_t quote = (quote_bits - kOnes) & ~quote_bits & kHighBits;
  const std::uint64_t backslash_bits = word ^ (kOnes * '\\');
  const std::uint64_t backslash = (backslash_bits - kOnes) & ~backslash_bits & kHighBits;
  return control | quote | backslash | (word & kHighBits);
}

bool is_plain(unsigned char c) {
  return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

// A strict reader of the few JSON shapes accepted; every method returns false on anything
// else, which declines the request.
class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  std::size_t pos() const { return pos_; }
  std::string_view slice(std::size_t from, std::size_t to) const {
    return text_.substr(from, to - from);
  }

  void skip_whitespace() {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
      ++pos_;
    }
  }
  bool at_end() {
    skip_whitespace();
    return pos_ == text_.size();
  }
  // Skips whitespace, then takes `c` if it is next.
  bool take(char c) {
    skip_whitespace();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool peek(char c) {
    skip_whitespace();
    return pos_ < text_.size() && text_[pos_] == c;
  }
  bool literal(std::string_view word) {
    skip_whitespace();
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  // A string: valid UTF-8, no control characters, escapes decoded as parse_json does.
  bool string(Text& out) {
    skip_whitespace();
    if (pos_ >= text_.size() || text_[pos_] != '"') return false;
    const std::size_t open = pos_;
    const auto* bytes = reinterpret_cast<const unsigned char*>(text_.data());
    const std::size_t n = text_.size();
    std::size_t i = pos_ + 1;
    bool escaped = false;
    for (;;) {
      // Plain ASCII, 8 bytes at a time, up to the first byte that needs a look.
      while (n - i >= 8) {
        std::uint64_t word;
        std::memcpy(&word, bytes + i, sizeof word);
        const std::uint64_t special = special_bytes(word);
        if (special != 0) {
          i += static_cast<std::size_t>(std::countr_zero(special)) / 8;
          break;
        }
        i += 8;
      }
      while (i < n && is_plain(bytes[i])) ++i;
      if (i >= n) return false;
      const unsigned char c = bytes[i];
      if (c == '"') break;
      if (c < 0x20) return false;
      if (c == '\\') {
        escaped = true;
        if (i + 1 >= n) return false;
        i += 2;  // whatever follows, the parser below judges it; a quote there is not the end
        continue;
      }
      if (is_plain(c)) {  // a false alarm of special_bytes after an earlier special byte
        ++i;
        continue;
      }
      const std::size_t length = model::detail::utf8_sequence_length(bytes + i, n - i);
      if (length == 0) return false;
      i += length;
    }
    pos_ = i + 1;
    if (!escaped) {
      out.set_view(text_.substr(open + 1, i - open - 1));
      return true;
    }
    auto parsed = model::parse_json(text_.substr(open, pos_ - open));
    if (!parsed || !parsed->is_string()) return false;
    out.set_decoded(parsed->as_string());
    return true;
  }

  // `"name" :`
  bool member_name(Text& name) { return string(name) && take(':'); }

  // `"<word>" :` for a member name spelled without escapes (a spelling with escapes is
  // declined: the general path reads it alike). Reads nothing unless it matches, so that the
  // caller may try another word at the same place.
  bool exact_member(std::string_view word) {
    skip_whitespace();
    if (text_.size() - pos_ < word.size() + 2 || text_[pos_] != '"' ||
        text_.compare(pos_ + 1, word.size(), word) != 0 || text_[pos_ + 1 + word.size()] != '"') {
      return false;
    }
    const std::size_t start = pos_;
    pos_ += word.size() + 2;
    if (take(':')) return true;
    pos_ = start;
    return false;
  }

  // The type of an attribute value, `"S" :` and the like, as written without escapes.
  std::optional<model::AttributeType> type_member() {
    skip_whitespace();
    const std::string_view rest = text_.substr(pos_);
    std::optional<model::AttributeType> type;
    std::size_t length = 0;
    if (rest.size() >= 3 && rest[0] == '"' && rest[2] == '"') {
      length = 3;
      if (rest[1] == 'S') type = model::AttributeType::kS;
      if (rest[1] == 'N') type = model::AttributeType::kN;
      if (rest[1] == 'B') type = model::AttributeType::kB;
    } else if (rest.starts_with("\"BOOL\"")) {
      type = model::AttributeType::kBool;
      length = 6;
    } else if (rest.starts_with("\"NULL\"")) {
      type = model::AttributeType::kNull;
      length = 6;
    }
    if (!type) return std::nullopt;  // the other types, or escapes: the general path
    pos_ += length;
    if (!take(':')) return std::nullopt;
    return type;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

struct KeyValue {
  bool found = false;
  std::string bytes;  // as stored: S raw, B decoded, N canonical (hash) or sort key (range)
};

class FastPlanner {
 public:
  FastPlanner(std::string_view body, OperationContext& context)
      : reader_(body), context_(context) {}

  std::optional<BatchWritePlan> plan() {
    if (!reader_.take('{')) return std::nullopt;
    bool have_items = false;
    bool have_capacity = false;
    bool have_metrics = false;
    BatchWritePlan plan;
    Text name;
    do {
      if (!reader_.member_name(name)) return std::nullopt;
      const std::string_view field = name.view();
      if (field == "RequestItems" && !have_items) {
        have_items = true;
        if (!request_items()) return std::nullopt;
      } else if (field == "ReturnConsumedCapacity" && !have_capacity) {
        have_capacity = true;
        Text mode;
        if (!reader_.string(mode)) return std::nullopt;
        if (mode.view() != "NONE" && mode.view() != "TOTAL" && mode.view() != "INDEXES") {
          return std::nullopt;
        }
        plan.capacity_mode = std::string(mode.view());
      } else if (field == "ReturnItemCollectionMetrics" && !have_metrics) {
        have_metrics = true;
        Text metrics;
        if (!reader_.string(metrics)) return std::nullopt;
        if (metrics.view() != "NONE" && metrics.view() != "SIZE") return std::nullopt;
      } else {
        return std::nullopt;
      }
    } while (reader_.take(','));
    if (!reader_.take('}') || !reader_.at_end() || !have_items) return std::nullopt;
    if (!unique_keys()) return std::nullopt;
    plan.tables.push_back(std::move(table_));
    return plan;
  }

 private:
  // {"<table>":[<element>,...]}: one table, 1 to 25 elements.
  bool request_items() {
    if (!reader_.take('{')) return false;
    Text table_name;
    if (!reader_.member_name(table_name)) return false;
    const std::string_view name = table_name.view();
    if (name.size() < 3 || name.size() > 255 || !is_table_name(name)) return false;
    auto table = context_.store.find_table(name);
    // A table with secondary indexes checks each item's index keys: the general path does.
    if (!table || !table->indexes.empty()) return false;
    table_.table = std::move(*table);
    if (!reader_.take('[')) return false;
    do {
      if (table_.writes.size() == kMaxWriteRequests) return false;
      if (!element()) return false;
    } while (reader_.take(','));
    return reader_.take(']') && reader_.take('}');
  }

  // {"PutRequest":{"Item":<item>}} or {"DeleteRequest":{"Key":<key>}}, nothing else.
  bool element() {
    reader_.skip_whitespace();
    const std::size_t start = reader_.pos();
    if (!reader_.take('{')) return false;
    bool is_put = true;
    if (!reader_.exact_member("PutRequest")) {
      if (!reader_.exact_member("DeleteRequest")) return false;
      is_put = false;
    }
    if (!reader_.take('{') || !reader_.exact_member(is_put ? "Item" : "Key")) return false;
    ItemWrite write;
    write.is_put = is_put;
    if (!item(write)) return false;
    if (!reader_.take('}') || !reader_.take('}')) return false;
    table_.writes.push_back(std::move(write));
    table_.originals.emplace_back(reader_.slice(start, reader_.pos()));
    return true;
  }

  // The attributes of an item (or a key), the stored JSON written as they are read.
  bool item(ItemWrite& write) {
    if (!reader_.take('{')) return false;
    const model::KeySchema& schema = table_.table.key;
    KeyValue hash;
    KeyValue range;
    names_.clear();
    decoded_names_.clear();
    std::size_t size = 0;
    std::string& json = write.json;
    if (write.is_put) {
      json.reserve(json_hint_);
      json.push_back('{');
    }
    Text name;
    Text text;
    do {
      if (!reader_.member_name(name) || name.view().empty()) return false;
      if (name.decoded()) {
        names_.push_back(decoded_names_.emplace_back(name.view()));
      } else {
        names_.push_back(name.view());
      }
      if (write.is_put) {
        if (names_.size() > 1) json.push_back(',');
        append_quoted(json, name);
        json.push_back(':');
      }
      KeyValue* key = nullptr;
      const model::KeyAttribute* key_attribute = nullptr;
      if (name.view() == schema.hash.name) {
        key = &hash;
        key_attribute = &schema.hash;
      } else if (schema.range && name.view() == schema.range->name) {
        key = &range;
        key_attribute = &*schema.range;
      }
      // {"<type>":<value>}
      if (!reader_.take('{')) return false;
      const auto parsed_type = reader_.type_member();
      if (!parsed_type) return false;
      if (key != nullptr && *parsed_type != key_attribute->type) return false;
      std::size_t value_size = 0;
      switch (*parsed_type) {
        case model::AttributeType::kS: {
          if (!reader_.string(text)) return false;
          value_size = text.view().size();
          if (write.is_put) {
            json.append("{\"S\":");
            append_quoted(json, text);
          }
          if (key != nullptr) key->bytes.assign(text.view());
          break;
        }
        case model::AttributeType::kN: {
          if (!reader_.string(text)) return false;
          if (model::canonicalize_number(text.view(), number_) != model::NumberStatus::kOk) {
            return false;
          }
          value_size = model::number_size(number_);
          if (write.is_put) {
            json.append("{\"N\":\"");  // a canonical number needs no escaping
            json.append(number_);
            json.push_back('"');
          }
          if (key != nullptr) key->bytes = key == &range ? number_sort_key(number_) : number_;
          break;
        }
        case model::AttributeType::kB: {
          if (!reader_.string(text)) return false;
          auto bytes = model::base64_decode(text.view());
          if (!bytes) return false;
          value_size = bytes->size();
          if (write.is_put) {
            json.append("{\"B\":\"");
            model::append_base64(json, *bytes);
            json.push_back('"');
          }
          if (key != nullptr) key->bytes = std::move(*bytes);
          break;
        }
        case model::AttributeType::kBool: {
          bool value = false;
          if (reader_.literal("true")) {
            value = true;
          } else if (!reader_.literal("false")) {
            return false;
          }
          value_size = 1;
          if (write.is_put) json.append(value ? "{\"BOOL\":true" : "{\"BOOL\":false");
          break;
        }
        case model::AttributeType::kNull:
          if (!reader_.literal("true")) return false;
          value_size = 1;
          if (write.is_put) json.append("{\"NULL\":true");
          break;
        default:
          return false;  // sets, lists and maps: the general path
      }
      if (!reader_.take('}')) return false;  // one type per value
      if (write.is_put) json.push_back('}');
      if (key != nullptr) {
        if (key->found) return false;  // a name twice
        key->found = true;
      }
      size += name.view().size() + value_size;
    } while (reader_.take(','));
    if (!reader_.take('}')) return false;
    if (write.is_put) json.push_back('}');
    if (!distinct_names()) return false;
    // The key: present, typed as the schema says (checked above), not empty, not too large;
    // a key to delete has exactly the key attributes.
    if (!hash.found || (schema.range && !range.found)) return false;
    if (!write.is_put && names_.size() != (schema.range ? 2U : 1U)) return false;
    if (!key_value_ok(hash, schema.hash, model::kMaxHashKeyBytes)) return false;
    if (schema.range && !key_value_ok(range, *schema.range, model::kMaxRangeKeyBytes)) {
      return false;
    }
    if (write.is_put && size > model::kMaxItemBytes) return false;
    json_hint_ = std::max(json_hint_, json.size() + 16);
    write.hash = std::move(hash.bytes);
    write.range = std::move(range.bytes);
    write.size = write.is_put ? static_cast<std::uint32_t>(size) : 0;
    return true;
  }

  static bool key_value_ok(const KeyValue& value, const model::KeyAttribute& key,
                           std::size_t max_bytes) {
    if (key.type == model::AttributeType::kN) return true;
    return !value.bytes.empty() && value.bytes.size() <= max_bytes;
  }

  bool distinct_names() {
    if (names_.size() > 16) {
      std::sort(names_.begin(), names_.end());
      return std::adjacent_find(names_.begin(), names_.end()) == names_.end();
    }
    for (std::size_t i = 1; i < names_.size(); ++i) {
      for (std::size_t j = 0; j < i; ++j) {
        if (names_[i] == names_[j]) return false;
      }
    }
    return true;
  }

  // No key twice in the batch. The general path compares hash + NUL + hash length + NUL +
  // range; for hash keys without a NUL byte that is comparing the (hash, range) pairs.
  bool unique_keys() {
    std::vector<std::pair<std::string_view, std::string_view>> keys;
    keys.reserve(table_.writes.size());
    for (const ItemWrite& w : table_.writes) {
      if (w.hash.find('\0') != std::string::npos) return false;
      keys.emplace_back(w.hash, w.range);
    }
    std::sort(keys.begin(), keys.end());
    return std::adjacent_find(keys.begin(), keys.end()) == keys.end();
  }

  Reader reader_;
  OperationContext& context_;
  TableWrites table_;
  std::vector<std::string_view> names_;    // of the item being read
  std::deque<std::string> decoded_names_;  // those of names_ that had escapes
  std::string number_;                     // scratch for canonical numbers
  std::size_t json_hint_ = 64;             // room for an item's stored JSON: the largest so far
};

}  // namespace

std::optional<BatchWritePlan> plan_batch_write_from_text(std::string_view body,
                                                         OperationContext& context) {
  return FastPlanner(body, context).plan();
}

}  // namespace csv2ddb::local::dynamodb
