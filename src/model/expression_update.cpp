// An update expression applied to an item, as DynamoDB applies one: every SET value is computed
// from the item as it was before the update; REMOVE of list elements takes the positions of the
// list as it was (so "REMOVE l[1], l[2]" removes two original elements); SET past a list's end
// appends; ADD adds to a number or a set (creating it); DELETE takes members out of a set (and
// the attribute, once empty).
#include <algorithm>
#include <optional>

#include "model/expression.hpp"
#include "model/number_arithmetic.hpp"

namespace csv2ddb::model {
namespace {

Error invalid_path() {
  return make_error("ValidationException",
                    "The document path provided in the update expression is invalid for update");
}
Error wrong_type() {
  return make_error("ValidationException",
                    "An operand in the update expression has an incorrect data type");
}
Error missing_attribute() {
  return make_error("ValidationException",
                    "The provided expression refers to an attribute that does not exist in the "
                    "item");
}

Result<AttributeValue> compute(const Operand& operand, const Item& item) {
  switch (operand.kind) {
    case Operand::Kind::kValue:
      return operand.value;
    case Operand::Kind::kPath: {
      const AttributeValue* found = find_path(item, operand.path);
      if (found == nullptr) return missing_attribute();
      return *found;
    }
    case Operand::Kind::kPlus:
    case Operand::Kind::kMinus: {
      Result<AttributeValue> a = compute(operand.args[0], item);
      if (!a) return a;
      if (a->type != AttributeType::kN) return wrong_type();
      Result<AttributeValue> b = compute(operand.args[1], item);
      if (!b) return b;
      if (b->type != AttributeType::kN) return wrong_type();
      Result<std::string> sum =
          add_numbers(a->text, b->text, operand.kind == Operand::Kind::kMinus);
      if (!sum) return sum.take_error();
      return AttributeValue::number(std::move(*sum));
    }
    case Operand::Kind::kFunction:
      break;
  }
  if (operand.function == "if_not_exists") {
    if (const AttributeValue* found = find_path(item, operand.args[0].path)) return *found;
    return compute(operand.args[1], item);
  }
  // list_append
  Result<AttributeValue> a = compute(operand.args[0], item);
  if (!a) return a;
  if (a->type != AttributeType::kL) return wrong_type();
  Result<AttributeValue> b = compute(operand.args[1], item);
  if (!b) return b;
  if (b->type != AttributeType::kL) return wrong_type();
  a->list.insert(a->list.end(), b->list.begin(), b->list.end());
  return a;
}

// Where a path's last step lives: the item's attributes, or a map or list value.
struct Slot {
  Item* item = nullptr;                 // top level
  AttributeValue* container = nullptr;  // a map or a list
  const PathElement* step = nullptr;

  AttributeValue* existing() const {
    if (item != nullptr) {
      auto found = std::find_if(item->attributes.begin(), item->attributes.end(),
                                [&](const Attribute& a) { return a.name == step->name; });
      return found == item->attributes.end() ? nullptr : &found->value;
    }
    if (step->index) {
      return *step->index < container->list.size() ? &container->list[*step->index] : nullptr;
    }
    auto found = std::find_if(container->map.begin(), container->map.end(),
                              [&](const auto& entry) { return entry.first == step->name; });
    return found == container->map.end() ? nullptr : &found->second;
  }

  void put(AttributeValue value) const {
    if (AttributeValue* there = existing()) {
      *there = std::move(value);
    } else if (item != nullptr) {
      item->attributes.push_back({step->name, std::move(value)});
    } else if (step->index) {
      container->list.push_back(std::move(value));  // past the end: appended
    } else {
      container->map.emplace_back(step->name, std::move(value));
    }
  }

  void erase() const {
    if (item != nullptr) {
      std::erase_if(item->attributes, [&](const Attribute& a) { return a.name == step->name; });
    } else if (step->index) {
      if (*step->index < container->list.size()) {
        container->list.erase(container->list.begin() + *step->index);
      }
    } else {
      std::erase_if(container->map, [&](const auto& entry) { return entry.first == step->name; });
    }
  }
};

Result<Slot> slot_for(Item& item, const DocumentPath& path) {
  Slot slot;
  slot.step = &path.back();
  if (path.size() == 1) {
    if (slot.step->index) return invalid_path();
    slot.item = &item;
    return slot;
  }
  DocumentPath parent(path.begin(), path.end() - 1);
  AttributeValue* container = const_cast<AttributeValue*>(find_path(item, parent));
  const bool fits =
      container != nullptr && (slot.step->index ? container->type == AttributeType::kL
                                                : container->type == AttributeType::kM);
  if (!fits) return invalid_path();
  slot.container = container;
  return slot;
}

bool is_set_type(AttributeType type) {
  return type == AttributeType::kSS || type == AttributeType::kNS || type == AttributeType::kBS;
}

Status add(const Slot& slot, const AttributeValue& operand) {
  AttributeValue* existing = slot.existing();
  if (existing != nullptr && existing->type != operand.type) return wrong_type();
  if (operand.type == AttributeType::kN) {
    Result<std::string> sum = add_numbers(existing != nullptr ? existing->text : "0", operand.text);
    if (!sum) return sum.take_error();
    slot.put(AttributeValue::number(std::move(*sum)));
    return {};
  }
  AttributeValue merged = existing != nullptr ? *existing : operand;
  if (existing != nullptr) {
    for (const std::string& member : operand.set) {
      if (std::find(merged.set.begin(), merged.set.end(), member) == merged.set.end()) {
        merged.set.push_back(member);
      }
    }
  }
  slot.put(std::move(merged));
  return {};
}

Status remove_members(const Slot& slot, const AttributeValue& operand) {
  AttributeValue* existing = slot.existing();
  if (existing == nullptr) return {};
  if (existing->type != operand.type || !is_set_type(existing->type)) return wrong_type();
  std::erase_if(existing->set, [&](const std::string& member) {
    return std::find(operand.set.begin(), operand.set.end(), member) != operand.set.end();
  });
  if (existing->set.empty()) slot.erase();
  return {};
}

// REMOVE of list elements, last position first, so earlier positions stay what they were.
Status remove_all(Item& item, std::vector<const DocumentPath*> removals) {
  std::stable_sort(removals.begin(), removals.end(), [](const auto* a, const auto* b) {
    return a->back().index.value_or(0) > b->back().index.value_or(0);
  });
  for (const DocumentPath* path : removals) {
    Result<Slot> slot = slot_for(item, *path);
    if (!slot) return slot.take_error();
    slot->erase();
  }
  return {};
}

}  // namespace

Status apply_update(const std::vector<UpdateAction>& actions, Item& item) {
  std::vector<std::optional<AttributeValue>> values(actions.size());
  for (std::size_t i = 0; i < actions.size(); ++i) {
    if (actions[i].kind != UpdateAction::Kind::kSet) continue;
    Result<AttributeValue> value = compute(actions[i].value, item);
    if (!value) return value.take_error();
    values[i] = std::move(*value);
  }
  std::vector<const DocumentPath*> removals;
  for (std::size_t i = 0; i < actions.size(); ++i) {
    const UpdateAction& action = actions[i];
    if (action.kind == UpdateAction::Kind::kRemove) {
      removals.push_back(&action.path);
      continue;
    }
    Result<Slot> slot = slot_for(item, action.path);
    if (!slot) return slot.take_error();
    Status done;
    switch (action.kind) {
      case UpdateAction::Kind::kSet:
        slot->put(std::move(*values[i]));
        break;
      case UpdateAction::Kind::kAdd:
        done = add(*slot, action.value.value);
        break;
      case UpdateAction::Kind::kDelete:
        done = remove_members(*slot, action.value.value);
        break;
      case UpdateAction::Kind::kRemove:
        break;
    }
    if (!done) return done;
  }
  return remove_all(item, std::move(removals));
}

}  // namespace csv2ddb::model
