#include "local/dynamodb/key_condition.hpp"

#include <cctype>

#include "local/dynamodb/item_keys.hpp"
#include "local/dynamodb/projection.hpp"
#include "local/dynamodb/request_checks.hpp"
#include "model/dynamodb_json.hpp"

namespace csv2ddb::local::dynamodb {
namespace {

constexpr std::string_view kInvalid = "Invalid KeyConditionExpression: ";

struct Token {
  enum Kind : std::uint8_t { kWord, kSymbol, kEnd } kind;
  std::string text;
};

bool is_word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '#' || c == ':' ||
         c == '-' || c == '.' || static_cast<unsigned char>(c) >= 0x80;
}

Result<std::vector<Token>> tokenize(std::string_view text) {
  std::vector<Token> tokens;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '(' || c == ')' || c == ',' || c == '=') {
      tokens.push_back({Token::kSymbol, std::string(1, c)});
      ++i;
    } else if (c == '<' || c == '>') {
      std::string op(1, c);
      if (i + 1 < text.size() && (text[i + 1] == '=' || (c == '<' && text[i + 1] == '>'))) {
        op.push_back(text[++i]);
      }
      tokens.push_back({Token::kSymbol, op});
      ++i;
    } else if (is_word_char(c)) {
      const std::size_t start = i;
      while (i < text.size() && is_word_char(text[i])) ++i;
      tokens.push_back({Token::kWord, std::string(text.substr(start, i - start))});
    } else {
      return validation_error(std::string(kInvalid) + "Invalid character encountered; token: \"" +
                              std::string(1, c) + "\", near: \"" + std::string(text.substr(i, 2)) +
                              "\"");
    }
  }
  tokens.push_back({Token::kEnd, ""});
  return tokens;
}

bool keyword(const Token& token, std::string_view word) {
  if (token.kind != Token::kWord || token.text.size() != word.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(token.text[i])) != word[i]) return false;
  }
  return true;
}

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  Result<std::vector<KeyTerm>> parse() {
    std::vector<KeyTerm> terms;
    if (Status s = condition(terms); !s) return s.take_error();
    if (keyword(peek(), "or") || keyword(peek(), "not")) {
      std::string op = peek().text;
      for (char& c : op) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      return validation_error("Invalid operator used in KeyConditionExpression: " + op);
    }
    if (peek().kind != Token::kEnd) return syntax_error();
    return terms;
  }

 private:
  const Token& peek() const { return tokens_[pos_]; }
  const Token& next() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }

  Error syntax_error() const {
    const Token& token = peek();
    std::string near = token.kind == Token::kEnd ? "<EOF>" : token.text;
    return validation_error(std::string(kInvalid) + "Syntax error; token: \"" + near +
                            "\", near: \"" + near + "\"");
  }

  Status condition(std::vector<KeyTerm>& terms) {
    if (Status s = term(terms); !s) return s;
    while (keyword(peek(), "and")) {
      next();
      if (Status s = term(terms); !s) return s;
    }
    return {};
  }

  Result<std::string> operand() {
    const Token& token = peek();
    if (token.kind != Token::kWord || keyword(token, "and") || keyword(token, "between")) {
      return syntax_error();
    }
    return next().text;
  }

  Status term(std::vector<KeyTerm>& terms) {
    if (peek().kind == Token::kSymbol && peek().text == "(") {
      next();
      if (Status s = condition(terms); !s) return s;
      if (peek().text != ")") return syntax_error();
      next();
      return {};
    }
    if (keyword(peek(), "begins_with") && tokens_[pos_ + 1].text == "(") {
      next();
      next();
      KeyTerm t;
      t.op = KeyOperator::kBeginsWith;
      auto attribute = operand();
      if (!attribute) return attribute.take_error();
      if (peek().text != ",") return syntax_error();
      next();
      auto value = operand();
      if (!value) return value.take_error();
      if (peek().text != ")") return syntax_error();
      next();
      t.attribute = std::move(*attribute);
      t.values.push_back(std::move(*value));
      terms.push_back(std::move(t));
      return {};
    }
    auto attribute = operand();
    if (!attribute) return attribute.take_error();
    KeyTerm t;
    t.attribute = std::move(*attribute);
    if (keyword(peek(), "between")) {
      next();
      auto low = operand();
      if (!low) return low.take_error();
      if (!keyword(peek(), "and")) return syntax_error();
      next();
      auto high = operand();
      if (!high) return high.take_error();
      t.op = KeyOperator::kBetween;
      t.values = {std::move(*low), std::move(*high)};
      terms.push_back(std::move(t));
      return {};
    }
    const Token& op = peek();
    if (op.kind != Token::kSymbol) return syntax_error();
    if (op.text == "=")
      t.op = KeyOperator::kEq;
    else if (op.text == "<")
      t.op = KeyOperator::kLt;
    else if (op.text == "<=")
      t.op = KeyOperator::kLe;
    else if (op.text == ">")
      t.op = KeyOperator::kGt;
    else if (op.text == ">=")
      t.op = KeyOperator::kGe;
    else if (op.text == "<>") {
      return validation_error("Invalid operator used in KeyConditionExpression: <>");
    } else {
      return syntax_error();
    }
    next();
    auto value = operand();
    if (!value) return value.take_error();
    t.values.push_back(std::move(*value));
    terms.push_back(std::move(t));
    return {};
  }

  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
};

Result<model::AttributeValue> resolve_value(const std::string& token,
                                            const model::JsonValue& request) {
  if (!token.starts_with(':')) {
    return validation_error(std::string(kInvalid) + "Syntax error; token: \"" + token +
                            "\", near: \"" + token + "\"");
  }
  const model::JsonValue* values = request.find("ExpressionAttributeValues");
  const model::JsonValue* value = values != nullptr ? values->find(token) : nullptr;
  if (value == nullptr) {
    return validation_error(std::string(kInvalid) +
                            "An expression attribute value used in expression is not defined; "
                            "attribute value: " +
                            token);
  }
  auto decoded = model::decode_dynamodb_value(*value);
  if (!decoded) return decoded.take_error();
  return std::move(*decoded);
}

int compare_bytes(const model::AttributeValue& a, const model::AttributeValue& b) {
  const std::string left = range_key_bytes(a);
  const std::string right = range_key_bytes(b);
  return left.compare(right);
}

std::string operand_text(const model::AttributeValue& value) {
  return "AttributeValue: {" + std::string(model::type_name(value.type)) + ":" +
         (value.type == model::AttributeType::kB ? model::base64_encode(value.text) : value.text) +
         "}";
}

}  // namespace

Result<std::vector<KeyTerm>> parse_key_condition(std::string_view expression) {
  if (expression.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return validation_error(std::string(kInvalid) + "The expression can not be empty;");
  }
  auto tokens = tokenize(expression);
  if (!tokens) return tokens.take_error();
  return Parser(std::move(*tokens)).parse();
}

Result<ResolvedKeyCondition> resolve_key_condition(const std::vector<KeyTerm>& terms,
                                                   const model::JsonValue& request,
                                                   const model::KeySchema& key) {
  std::optional<model::AttributeValue> hash;
  std::optional<RangeCondition> range;
  for (const KeyTerm& term : terms) {
    auto name = resolve_name(term.attribute, request, "KeyConditionExpression");
    if (!name) return name.take_error();
    std::vector<model::AttributeValue> values;
    for (const std::string& token : term.values) {
      auto value = resolve_value(token, request);
      if (!value) return value.take_error();
      values.push_back(std::move(*value));
    }
    const bool is_hash = *name == key.hash.name;
    const bool is_range = key.range && *name == key.range->name;
    if (!is_hash && !is_range) {
      return validation_error(
          "Query condition missed key schema element: " +
          (hash ? (key.range ? key.range->name : key.hash.name) : key.hash.name));
    }
    const model::AttributeType expected = is_hash ? key.hash.type : key.range->type;
    if (term.op == KeyOperator::kBeginsWith && expected == model::AttributeType::kN) {
      return validation_error(std::string(kInvalid) +
                              "Incorrect operand type for operator or function; operator or "
                              "function: begins_with, operand type: N");
    }
    for (const model::AttributeValue& value : values) {
      if (value.type != expected) {
        return validation_error(
            "One or more parameter values were invalid: Condition parameter type does not match "
            "schema type");
      }
    }
    if (is_hash) {
      if (term.op != KeyOperator::kEq || hash) {
        return validation_error("Query key condition not supported");
      }
      hash = std::move(values[0]);
      continue;
    }
    if (range) return validation_error("Query key condition not supported");
    RangeCondition condition;
    condition.op = term.op;
    condition.first = std::move(values[0]);
    if (term.op == KeyOperator::kBetween) {
      condition.second = std::move(values[1]);
      if (compare_bytes(condition.first, condition.second) > 0) {
        return validation_error(std::string(kInvalid) +
                                "The BETWEEN operator requires upper bound to be greater than or "
                                "equal to lower bound; lower bound operand: " +
                                operand_text(condition.first) +
                                ", upper bound operand: " + operand_text(condition.second));
      }
    }
    range = std::move(condition);
  }
  if (!hash) {
    return validation_error("Query condition missed key schema element: " + key.hash.name);
  }
  return ResolvedKeyCondition{std::move(*hash), std::move(range)};
}

}  // namespace csv2ddb::local::dynamodb
