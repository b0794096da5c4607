#include "local/deploy/intrinsics.hpp"

#include <vector>

#include "local/iam/identity_store.hpp"
#include "model/dynamodb_json.hpp"

namespace csv2ddb::local::deploy {
namespace {

using model::JsonValue;

Error invalid(const std::string& what) {
  return make_error("InvalidTemplate", what);
}

// {"Ref": ...} or {"Fn::X": ...}: the function's name, else "".
std::string_view function_of(const JsonValue& value) {
  if (!value.is_object() || value.as_object().size() != 1) return {};
  const std::string& key = value.as_object().front().first;
  if (key == "Ref" || key.starts_with("Fn::")) return key;
  return {};
}

Result<std::string> as_text(const JsonValue& value, const std::string& where) {
  if (value.is_string() || value.is_number()) return value.as_string();
  if (value.is_bool()) return std::string(value.as_bool() ? "true" : "false");
  return invalid(where + ": expected a string");
}

class Resolver {
 public:
  explicit Resolver(const ResolveContext& context) : context_(context) {}

  // nullopt: the value is AWS::NoValue, and its member or element goes away.
  Result<std::optional<JsonValue>> value(const JsonValue& value) {
    const std::string_view function = function_of(value);
    if (!function.empty()) return call(function, value.as_object().front().second);
    if (value.is_array()) {
      JsonValue out = JsonValue::array();
      for (const JsonValue& item : value.as_array()) {
        auto resolved = this->value(item);
        if (!resolved) return resolved.take_error();
        if (*resolved) out.push(std::move(**resolved));
      }
      return std::optional<JsonValue>(std::move(out));
    }
    if (value.is_object()) {
      JsonValue out = JsonValue::object();
      for (const auto& [key, member] : value.as_object()) {
        auto resolved = this->value(member);
        if (!resolved) return resolved.take_error();
        if (*resolved) out.set(key, std::move(**resolved));
      }
      return std::optional<JsonValue>(std::move(out));
    }
    return std::optional<JsonValue>(value);
  }

  Result<JsonValue> required(const JsonValue& value, const std::string& where) {
    auto resolved = this->value(value);
    if (!resolved) return resolved.take_error();
    if (!*resolved) return invalid(where + ": AWS::NoValue is not allowed here");
    return std::move(**resolved);
  }

  Result<bool> condition(const JsonValue& expression) {
    if (expression.is_object() && expression.as_object().size() == 1 &&
        expression.as_object().front().first == "Condition") {
      return named_condition(expression.as_object().front().second);
    }
    const std::string_view function = function_of(expression);
    const JsonValue* args = function.empty() ? nullptr : &expression.as_object().front().second;
    if (function == "Fn::Equals") {
      if (!args->is_array() || args->as_array().size() != 2) {
        return invalid("Fn::Equals takes a list of two values");
      }
      auto left = required(args->as_array()[0], "Fn::Equals");
      if (!left) return left.take_error();
      auto right = required(args->as_array()[1], "Fn::Equals");
      if (!right) return right.take_error();
      auto left_text = as_text(*left, "Fn::Equals");
      auto right_text = as_text(*right, "Fn::Equals");
      if (left_text && right_text) return *left_text == *right_text;
      return *left == *right;
    }
    if (function == "Fn::Not" || function == "Fn::And" || function == "Fn::Or") {
      if (!args->is_array() || args->as_array().empty()) {
        return invalid(std::string(function) + " takes a list of conditions");
      }
      std::vector<bool> values;
      for (const JsonValue& item : args->as_array()) {
        auto result = condition(item);
        if (!result) return result.take_error();
        values.push_back(*result);
      }
      if (function == "Fn::Not") return !values.front();
      bool all = true;
      bool any = false;
      for (bool v : values) {
        all = all && v;
        any = any || v;
      }
      return function == "Fn::And" ? all : any;
    }
    return invalid("a condition must be Fn::Equals, Fn::Not, Fn::And, Fn::Or or Condition");
  }

 private:
  Result<bool> named_condition(const JsonValue& name) {
    if (!name.is_string()) return invalid("a Condition is named by a string");
    const auto found = context_.conditions.find(name.as_string());
    if (found == context_.conditions.end()) {
      return invalid("the condition " + name.as_string() + " is not defined");
    }
    return found->second;
  }

  Result<JsonValue> ref(const std::string& name) {
    if (auto found = context_.parameters.find(name); found != context_.parameters.end()) {
      return found->second;
    }
    if (auto found = context_.resources.find(name); found != context_.resources.end()) {
      return JsonValue::string(found->second.physical_id);
    }
    if (context_.skipped.count(name) > 0) {
      return invalid("Ref " + name + ": the resource is not created (its Condition is false)");
    }
    return invalid("Ref " + name + ": no parameter or resource has that name");
  }

  Result<JsonValue> get_att(const std::string& resource, const std::string& attribute) {
    const auto found = context_.resources.find(resource);
    if (found == context_.resources.end()) {
      return invalid("Fn::GetAtt " + resource + "." + attribute + ": no such resource");
    }
    const auto attr = found->second.attributes.find(attribute);
    if (attr == found->second.attributes.end()) {
      return invalid("Fn::GetAtt " + resource + "." + attribute + ": a " + found->second.type +
                     " has no attribute " + attribute + " in csv2ddb local");
    }
    return attr->second;
  }

  Result<JsonValue> sub(const JsonValue& args) {
    const JsonValue* text = &args;
    const JsonValue* variables = nullptr;
    if (args.is_array()) {
      if (args.as_array().size() != 2 || !args.as_array()[1].is_object()) {
        return invalid("Fn::Sub takes a string, or a list of a string and a map of variables");
      }
      text = &args.as_array()[0];
      variables = &args.as_array()[1];
    }
    if (!text->is_string()) return invalid("Fn::Sub: the template must be a string");
    const std::string& in = text->as_string();
    std::string out;
    std::size_t at = 0;
    while (at < in.size()) {
      const auto open = in.find("${", at);
      if (open == std::string::npos) {
        out.append(in, at, std::string::npos);
        break;
      }
      out.append(in, at, open - at);
      const auto close = in.find('}', open);
      if (close == std::string::npos) return invalid("Fn::Sub: unclosed ${ in \"" + in + "\"");
      std::string name = in.substr(open + 2, close - open - 2);
      at = close + 1;
      if (name.starts_with('!')) {  // ${!Literal} is written as ${Literal}
        out += "${" + name.substr(1) + "}";
        continue;
      }
      Result<JsonValue> replacement = invalid("");
      const JsonValue* bound = variables ? variables->find(name) : nullptr;
      if (bound != nullptr) {
        replacement = required(*bound, "Fn::Sub variable " + name);
      } else if (const auto dot = name.find('.');
                 dot != std::string::npos && !name.starts_with("AWS::")) {
        replacement = get_att(name.substr(0, dot), name.substr(dot + 1));
      } else {
        replacement = ref(name);
      }
      if (!replacement) return replacement.take_error();
      auto replaced = as_text(*replacement, "Fn::Sub ${" + name + "}");
      if (!replaced) return replaced.take_error();
      out += *replaced;
    }
    return JsonValue::string(std::move(out));
  }

  Result<JsonValue> list_argument(const JsonValue& value, const std::string& where) {
    auto resolved = required(value, where);
    if (!resolved) return resolved;
    if (!resolved->is_array()) return invalid(where + ": expected a list");
    return resolved;
  }

  Result<std::optional<JsonValue>> call(std::string_view function, const JsonValue& args) {
    using Out = std::optional<JsonValue>;
    if (function == "Ref") {
      if (!args.is_string()) return invalid("Ref takes the name of a parameter or resource");
      if (args.as_string() == "AWS::NoValue") return Out();
      auto out = ref(args.as_string());
      if (!out) return out.take_error();
      return Out(std::move(*out));
    }
    if (function == "Fn::GetAtt") {
      std::vector<std::string> parts;
      if (args.is_string()) {
        const auto dot = args.as_string().find('.');
        if (dot == std::string::npos) return invalid("Fn::GetAtt needs Resource.Attribute");
        parts = {args.as_string().substr(0, dot), args.as_string().substr(dot + 1)};
      } else if (args.is_array() && args.as_array().size() == 2) {
        for (const JsonValue& part : args.as_array()) {
          auto resolved = required(part, "Fn::GetAtt");
          if (!resolved) return resolved.take_error();
          auto text = as_text(*resolved, "Fn::GetAtt");
          if (!text) return text.take_error();
          parts.push_back(*text);
        }
      } else {
        return invalid("Fn::GetAtt takes [Resource, Attribute]");
      }
      auto out = get_att(parts[0], parts[1]);
      if (!out) return out.take_error();
      return Out(std::move(*out));
    }
    if (function == "Fn::Sub") {
      auto out = sub(args);
      if (!out) return out.take_error();
      return Out(std::move(*out));
    }
    if (function == "Fn::Join") {
      if (!args.is_array() || args.as_array().size() != 2 || !args.as_array()[0].is_string()) {
        return invalid("Fn::Join takes [delimiter, [values]]");
      }
      auto list = list_argument(args.as_array()[1], "Fn::Join");
      if (!list) return list.take_error();
      std::string out;
      bool first = true;
      for (const JsonValue& item : list->as_array()) {
        auto text = as_text(item, "Fn::Join");
        if (!text) return text.take_error();
        if (!first) out += args.as_array()[0].as_string();
        first = false;
        out += *text;
      }
      return Out(JsonValue::string(std::move(out)));
    }
    if (function == "Fn::Select") {
      if (!args.is_array() || args.as_array().size() != 2) {
        return invalid("Fn::Select takes [index, [values]]");
      }
      auto index = required(args.as_array()[0], "Fn::Select");
      if (!index) return index.take_error();
      auto list = list_argument(args.as_array()[1], "Fn::Select");
      if (!list) return list.take_error();
      auto text = as_text(*index, "Fn::Select");
      if (!text) return text.take_error();
      std::size_t position = 0;
      try {
        position = std::stoul(*text);
      } catch (const std::exception&) {
        return invalid("Fn::Select: the index " + *text + " is not a number");
      }
      if (position >= list->as_array().size()) {
        return invalid("Fn::Select: index " + *text + " is past the end of the list");
      }
      return Out(list->as_array()[position]);
    }
    if (function == "Fn::Split") {
      if (!args.is_array() || args.as_array().size() != 2 || !args.as_array()[0].is_string() ||
          args.as_array()[0].as_string().empty()) {
        return invalid("Fn::Split takes [delimiter, string]");
      }
      auto source = required(args.as_array()[1], "Fn::Split");
      if (!source) return source.take_error();
      auto text = as_text(*source, "Fn::Split");
      if (!text) return text.take_error();
      const std::string& delimiter = args.as_array()[0].as_string();
      JsonValue out = JsonValue::array();
      std::size_t start = 0;
      while (true) {
        const auto found = text->find(delimiter, start);
        out.push(JsonValue::string(text->substr(start, found - start)));
        if (found == std::string::npos) break;
        start = found + delimiter.size();
      }
      return Out(std::move(out));
    }
    if (function == "Fn::If") {
      if (!args.is_array() || args.as_array().size() != 3) {
        return invalid("Fn::If takes [condition, value if true, value if false]");
      }
      auto holds = named_condition(args.as_array()[0]);
      if (!holds) return holds.take_error();
      return value(args.as_array()[*holds ? 1 : 2]);
    }
    if (function == "Fn::Equals" || function == "Fn::Not" || function == "Fn::And" ||
        function == "Fn::Or") {
      JsonValue expression = JsonValue::object();
      expression.set(std::string(function), args);
      auto holds = condition(expression);
      if (!holds) return holds.take_error();
      return Out(JsonValue::boolean(*holds));
    }
    if (function == "Fn::FindInMap") {
      if (!args.is_array() || args.as_array().size() != 3) {
        return invalid("Fn::FindInMap takes [MapName, TopLevelKey, SecondLevelKey]");
      }
      std::vector<std::string> keys;
      for (const JsonValue& part : args.as_array()) {
        auto resolved = required(part, "Fn::FindInMap");
        if (!resolved) return resolved.take_error();
        auto text = as_text(*resolved, "Fn::FindInMap");
        if (!text) return text.take_error();
        keys.push_back(*text);
      }
      const JsonValue* map = context_.mappings ? context_.mappings->find(keys[0]) : nullptr;
      const JsonValue* top = map ? map->find(keys[1]) : nullptr;
      const JsonValue* found = top ? top->find(keys[2]) : nullptr;
      if (found == nullptr) {
        return invalid("Fn::FindInMap: no " + keys[0] + "." + keys[1] + "." + keys[2]);
      }
      return Out(*found);
    }
    if (function == "Fn::Base64") {
      auto resolved = required(args, "Fn::Base64");
      if (!resolved) return resolved.take_error();
      auto text = as_text(*resolved, "Fn::Base64");
      if (!text) return text.take_error();
      return Out(JsonValue::string(model::base64_encode(*text)));
    }
    if (function == "Fn::GetAZs") {
      const std::string region = context_.parameters.count("AWS::Region") > 0
                                     ? context_.parameters.at("AWS::Region").as_string()
                                     : "us-east-1";
      JsonValue out = JsonValue::array();
      for (const char* zone : {"a", "b", "c"}) out.push(JsonValue::string(region + zone));
      return Out(std::move(out));
    }
    return invalid(std::string(function) + " is not supported by csv2ddb local");
  }

  const ResolveContext& context_;
};

void collect(const JsonValue& value, std::set<std::string>& out) {
  const std::string_view function = function_of(value);
  if (function == "Ref" && value.as_object().front().second.is_string()) {
    out.insert(value.as_object().front().second.as_string());
    return;
  }
  if (function == "Fn::GetAtt") {
    const JsonValue& args = value.as_object().front().second;
    if (args.is_string()) {
      out.insert(args.as_string().substr(0, args.as_string().find('.')));
    } else if (args.is_array() && !args.as_array().empty() && args.as_array()[0].is_string()) {
      out.insert(args.as_array()[0].as_string());
    }
    return;
  }
  if (function == "Fn::Sub") {
    const JsonValue& args = value.as_object().front().second;
    const JsonValue* text =
        args.is_array() && !args.as_array().empty() ? &args.as_array()[0] : &args;
    const JsonValue* variables =
        args.is_array() && args.as_array().size() == 2 ? &args.as_array()[1] : nullptr;
    if (variables != nullptr) collect(*variables, out);
    if (!text->is_string()) return;
    const std::string& in = text->as_string();
    for (auto open = in.find("${"); open != std::string::npos; open = in.find("${", open + 2)) {
      const auto close = in.find('}', open);
      if (close == std::string::npos) break;
      const std::string name = in.substr(open + 2, close - open - 2);
      if (name.starts_with('!') || (variables != nullptr && variables->find(name) != nullptr)) {
        continue;
      }
      out.insert(name.substr(0, name.find('.')));
    }
    return;
  }
  if (value.is_array()) {
    for (const JsonValue& item : value.as_array()) collect(item, out);
  } else if (value.is_object()) {
    for (const auto& [key, member] : value.as_object()) collect(member, out);
  }
}

}  // namespace

Result<model::JsonValue> resolve(const model::JsonValue& value, const ResolveContext& context) {
  Resolver resolver(context);
  auto resolved = resolver.value(value);
  if (!resolved) return resolved.take_error();
  if (!*resolved) return model::JsonValue::null();
  return std::move(**resolved);
}

Result<bool> evaluate_condition(const model::JsonValue& expression, const ResolveContext& context) {
  Resolver resolver(context);
  return resolver.condition(expression);
}

std::set<std::string> dependencies(const model::JsonValue& value) {
  std::set<std::string> out;
  collect(value, out);
  return out;
}

std::map<std::string, model::JsonValue, std::less<>> pseudo_parameters(std::string_view region,
                                                                       std::string_view stack_name,
                                                                       std::string_view stack_id) {
  std::map<std::string, model::JsonValue, std::less<>> out;
  out["AWS::AccountId"] = model::JsonValue::string(std::string(iam::kAccountId));
  out["AWS::Region"] = model::JsonValue::string(std::string(region));
  out["AWS::Partition"] = model::JsonValue::string("aws");
  out["AWS::URLSuffix"] = model::JsonValue::string("amazonaws.com");
  out["AWS::StackName"] = model::JsonValue::string(std::string(stack_name));
  out["AWS::StackId"] = model::JsonValue::string(std::string(stack_id));
  out["AWS::NotificationARNs"] = model::JsonValue::array();
  return out;
}

}  // namespace csv2ddb::local::deploy
