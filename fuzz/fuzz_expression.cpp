// libFuzzer target for the expression grammar (model/expression.hpp): the first byte picks the
// kind (condition, update, projection), the rest is the expression. Whatever parses is resolved
// against fixed names and values, then evaluated on (or applied to) a fixed item: no crash, no
// sanitizer report, and an accepted update leaves an item whose paths can all be looked up.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "model/expression.hpp"

using namespace csv2ddb::model;

namespace {

AttributeValue list_of_numbers() {
  AttributeValue list;
  list.type = AttributeType::kL;
  list.list = {AttributeValue::number("1"), AttributeValue::number("2")};
  return list;
}

AttributeValue string_set() {
  AttributeValue set;
  set.type = AttributeType::kSS;
  set.set = {"a", "b"};
  return set;
}

Item sample_item() {
  Item item;
  item.attributes.push_back({"a", AttributeValue::string("abc")});
  item.attributes.push_back({"b", AttributeValue::number("42")});
  item.attributes.push_back({"l", list_of_numbers()});
  AttributeValue map;
  map.type = AttributeType::kM;
  map.map.emplace_back("k", list_of_numbers());
  item.attributes.push_back({"m", map});
  item.attributes.push_back({"s", string_set()});
  return item;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const std::map<std::string, std::string> names = {{"#a", "a"}, {"#m", "m"}, {"#x", "x"}};
  static const std::map<std::string, AttributeValue> values = {{":s", AttributeValue::string("ab")},
                                                               {":n", AttributeValue::number("7")},
                                                               {":l", list_of_numbers()},
                                                               {":ss", string_set()},
                                                               {":t", AttributeValue::string("N")}};
  static const Item item = sample_item();
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  ExpressionContext context(&names, &values);
  switch (data[0] % 3) {
    case 0:
      if (auto condition = parse_condition(text, ExpressionKind::kCondition, context)) {
        (void)evaluate_condition(*condition, item);
      }
      break;
    case 1:
      if (auto actions = parse_update(text, context)) {
        Item copy = item;
        if (apply_update(*actions, copy)) {
          for (const Attribute& attribute : copy.attributes) {
            (void)find_path(copy, DocumentPath{PathElement{attribute.name, std::nullopt}});
          }
        }
      }
      break;
    default:
      if (auto paths = parse_projection(text, context)) (void)project(item, *paths);
      break;
  }
  (void)context.check_all_used();
  return 0;
}
