#include "model/expression_parser.hpp"

#include <algorithm>
#include <optional>

#include "model/expression_lexer.hpp"

namespace csv2ddb::model::expression_detail {
namespace {

constexpr std::string_view kConditionKeywords[] = {"AND", "OR", "NOT", "BETWEEN", "IN"};
constexpr std::string_view kUpdateKeywords[] = {"SET", "REMOVE", "ADD", "DELETE"};

// Recursive descent with backtracking (a '(' may open a condition or an operand): each rule
// returns nullopt without consuming when it does not match, and the furthest token any rule
// failed at is where the syntax error is reported.
class Parser {
 public:
  Parser(std::string_view text, bool update) : text_(text), tokens_(tokenize(text)) {
    keywords_ = update ? std::vector<std::string_view>(std::begin(kUpdateKeywords),
                                                       std::end(kUpdateKeywords))
                       : std::vector<std::string_view>(std::begin(kConditionKeywords),
                                                       std::end(kConditionKeywords));
  }

  ParseNotes notes;
  std::vector<std::string> repeated_sections;

  Result<ConditionNode> whole_condition() {
    std::optional<ConditionNode> node = condition();
    if (!node || !at_end()) return syntax_error();
    return std::move(*node);
  }

  Result<std::vector<UpdateAction>> whole_update() {
    std::vector<UpdateAction> actions;
    std::vector<std::string> seen;
    while (!at_end()) {
      const Token& keyword = peek();
      std::string section;
      for (std::string_view name : kUpdateKeywords) {
        if (keyword.is_keyword(name)) section = std::string(name);
      }
      if (section.empty()) return fail_here();
      ++pos_;
      if (std::find(seen.begin(), seen.end(), section) != seen.end()) {
        repeated_sections.push_back(section);
      }
      seen.push_back(section);
      if (!section_actions(section, actions)) return syntax_error();
    }
    if (actions.empty()) return fail_here();
    return actions;
  }

  Result<std::vector<DocumentPath>> whole_projection() {
    std::vector<DocumentPath> paths;
    do {
      std::optional<DocumentPath> one = path();
      if (!one) return syntax_error();
      paths.push_back(std::move(*one));
    } while (accept(","));
    if (!at_end()) return syntax_error();
    return paths;
  }

 private:
  // ---- conditions ----

  std::optional<ConditionNode> condition() { return or_condition(); }

  std::optional<ConditionNode> or_condition() {
    std::optional<ConditionNode> left = and_condition();
    while (left && accept_keyword("OR")) {
      std::optional<ConditionNode> right = and_condition();
      if (!right) return std::nullopt;
      left = binary(ConditionNode::Kind::kOr, std::move(*left), std::move(*right));
    }
    return left;
  }

  std::optional<ConditionNode> and_condition() {
    std::optional<ConditionNode> left = not_condition();
    while (left && accept_keyword("AND")) {
      std::optional<ConditionNode> right = not_condition();
      if (!right) return std::nullopt;
      left = binary(ConditionNode::Kind::kAnd, std::move(*left), std::move(*right));
    }
    return left;
  }

  std::optional<ConditionNode> not_condition() {
    if (!accept_keyword("NOT")) return primary_condition();
    std::optional<ConditionNode> inner = not_condition();
    if (!inner) return std::nullopt;
    ConditionNode node;
    node.kind = ConditionNode::Kind::kNot;
    node.children.push_back(std::move(*inner));
    return node;
  }

  // '(' condition ')' | comparison; the first is tried first, then the second from the same
  // token (so "(a) = :v" and "(a = :v)" both parse).
  std::optional<ConditionNode> primary_condition() {
    const std::size_t start = pos_;
    if (accept("(")) {
      const bool doubled = peek().is("(");
      std::optional<ConditionNode> inner = condition();
      if (inner && accept(")")) {
        if (doubled && closes_right_after_inner(start)) notes.redundant_parentheses = true;
        return inner;
      }
      pos_ = start;
    }
    return comparison();
  }

  // True when the group opened at `start` is "((" ... "))": the inner group is all it holds.
  bool closes_right_after_inner(std::size_t start) const {
    // The token before the closing ')' just accepted must be the inner group's ')', and the
    // inner group must start at start + 1.
    return pos_ >= 2 && tokens_[pos_ - 2].is(")") && matching_close(start + 1) == pos_ - 2;
  }

  std::size_t matching_close(std::size_t open) const {
    int depth = 0;
    for (std::size_t i = open; i < tokens_.size(); ++i) {
      if (tokens_[i].is("(")) ++depth;
      if (tokens_[i].is(")") && --depth == 0) return i;
    }
    return tokens_.size();
  }

  std::optional<ConditionNode> comparison() {
    const std::size_t start = pos_;
    std::optional<Operand> left = operand(false);
    if (!left) return std::nullopt;
    ConditionNode node;
    if (std::optional<Comparator> comparator = accept_comparator()) {
      std::optional<Operand> right = operand(false);
      if (!right) return std::nullopt;
      node.kind = ConditionNode::Kind::kCompare;
      node.comparator = *comparator;
      node.operands = {std::move(*left), std::move(*right)};
      return node;
    }
    if (accept_keyword("BETWEEN")) {
      std::optional<Operand> low = operand(false);
      if (!low || !accept_keyword("AND")) return std::nullopt;
      std::optional<Operand> high = operand(false);
      if (!high) return std::nullopt;
      node.kind = ConditionNode::Kind::kBetween;
      node.operands = {std::move(*left), std::move(*low), std::move(*high)};
      return node;
    }
    if (accept_keyword("IN")) {
      if (!accept("(")) return std::nullopt;
      node.kind = ConditionNode::Kind::kIn;
      node.operands.push_back(std::move(*left));
      do {
        std::optional<Operand> candidate = operand(false);
        if (!candidate) return std::nullopt;
        node.operands.push_back(std::move(*candidate));
      } while (accept(","));
      if (!accept(")")) return std::nullopt;
      return node;
    }
    // A function standing as a condition (attribute_exists(a), begins_with(a, :p)...).
    if (left->kind == Operand::Kind::kFunction && left_was_bare_function(start)) {
      node.kind = ConditionNode::Kind::kFunction;
      node.function = left->function;
      node.operands = std::move(left->args);
      return node;
    }
    fail_at(pos_);
    return std::nullopt;
  }

  bool left_was_bare_function(std::size_t start) const {
    return tokens_[start].kind == TokenKind::kIdentifier;
  }

  static ConditionNode binary(ConditionNode::Kind kind, ConditionNode left, ConditionNode right) {
    ConditionNode node;
    node.kind = kind;
    node.children.push_back(std::move(left));
    node.children.push_back(std::move(right));
    return node;
  }

  // ---- updates ----

  bool section_actions(const std::string& section, std::vector<UpdateAction>& actions) {
    do {
      UpdateAction action;
      std::optional<DocumentPath> target = path();
      if (!target) return false;
      action.path = std::move(*target);
      if (section == "SET") {
        action.kind = UpdateAction::Kind::kSet;
        if (!accept("=")) return fail_at(pos_);
        std::optional<Operand> value = set_value();
        if (!value) return false;
        action.value = std::move(*value);
      } else if (section == "REMOVE") {
        action.kind = UpdateAction::Kind::kRemove;
      } else {
        action.kind = section == "ADD" ? UpdateAction::Kind::kAdd : UpdateAction::Kind::kDelete;
        if (peek().kind != TokenKind::kValue) return fail_at(pos_);
        action.value.kind = Operand::Kind::kValue;
        action.value.placeholder = std::string(next().text);
      }
      actions.push_back(std::move(action));
    } while (accept(","));
    return true;
  }

  // operand [('+' | '-') operand], optionally in parentheses.
  std::optional<Operand> set_value() {
    const std::size_t start = pos_;
    if (accept("(")) {
      std::optional<Operand> inner = set_value_bare();
      if (inner && accept(")")) return inner;
      pos_ = start;
    }
    return set_value_bare();
  }

  std::optional<Operand> set_value_bare() {
    std::optional<Operand> left = operand(true);
    if (!left) return std::nullopt;
    for (auto [symbol, kind] :
         {std::pair{"+", Operand::Kind::kPlus}, std::pair{"-", Operand::Kind::kMinus}}) {
      if (!accept(symbol)) continue;
      std::optional<Operand> right = operand(true);
      if (!right) return std::nullopt;
      Operand sum;
      sum.kind = kind;
      sum.args = {std::move(*left), std::move(*right)};
      return sum;
    }
    return left;
  }

  // ---- operands and paths ----

  std::optional<Operand> operand(bool in_update) {
    const std::size_t start = pos_;
    if (accept("(")) {
      const bool doubled = peek().is("(");
      std::optional<Operand> inner = operand(in_update);
      if (inner && accept(")")) {
        if (doubled && !in_update && closes_right_after_inner(start)) {
          notes.redundant_parentheses = true;
        }
        return inner;
      }
      pos_ = start;
      fail_at(start + 1);
      return std::nullopt;
    }
    const Token& token = peek();
    if (token.kind == TokenKind::kValue) {
      Operand value;
      value.kind = Operand::Kind::kValue;
      value.placeholder = std::string(next().text);
      return value;
    }
    if (token.kind == TokenKind::kIdentifier && !is_keyword(token) && tokens_[pos_ + 1].is("(")) {
      return function(in_update);
    }
    std::optional<DocumentPath> at = path();
    if (!at) return std::nullopt;
    Operand result;
    result.kind = Operand::Kind::kPath;
    result.path = std::move(*at);
    return result;
  }

  std::optional<Operand> function(bool in_update) {
    Operand call;
    call.kind = Operand::Kind::kFunction;
    call.function = std::string(next().text);
    next();  // '('
    do {
      std::optional<Operand> argument = operand(in_update);
      if (!argument) return std::nullopt;
      call.args.push_back(std::move(*argument));
    } while (accept(","));
    if (!accept(")")) {
      fail_at(pos_);
      return std::nullopt;
    }
    return call;
  }

  std::optional<DocumentPath> path() {
    const std::size_t start = pos_;
    if (accept("(")) {  // a path in parentheses, as dynalite and DynamoDB allow in conditions
      std::optional<DocumentPath> inner = path();
      if (inner && accept(")")) return inner;
      pos_ = start;
      return std::nullopt;
    }
    DocumentPath out;
    std::optional<PathElement> head = path_name();
    if (!head) return std::nullopt;
    out.push_back(std::move(*head));
    while (true) {
      if (accept(".")) {
        std::optional<PathElement> member = path_name();
        if (!member) return std::nullopt;
        out.push_back(std::move(*member));
      } else if (accept("[")) {
        if (peek().kind != TokenKind::kNumber) {
          fail_at(pos_);
          return std::nullopt;
        }
        const std::string_view digits = next().text;
        if (digits.size() > 9 || !accept("]")) {
          fail_at(pos_);
          return std::nullopt;
        }
        PathElement index;
        index.index = static_cast<std::uint32_t>(std::stoul(std::string(digits)));
        out.push_back(std::move(index));
      } else {
        return out;
      }
    }
  }

  std::optional<PathElement> path_name() {
    const Token& token = peek();
    if ((token.kind == TokenKind::kIdentifier && !is_keyword(token)) ||
        token.kind == TokenKind::kName) {
      PathElement element;
      element.name = std::string(next().text);
      return element;
    }
    fail_at(pos_);
    return std::nullopt;
  }

  // ---- tokens ----

  const Token& peek() const { return tokens_[pos_]; }
  const Token& next() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
  bool at_end() const { return peek().kind == TokenKind::kEnd; }
  bool is_keyword(const Token& token) const {
    return std::any_of(keywords_.begin(), keywords_.end(),
                       [&](std::string_view keyword) { return token.is_keyword(keyword); });
  }
  bool accept(std::string_view symbol) {
    if (!peek().is(symbol)) return fail_at(pos_);
    ++pos_;
    return true;
  }
  bool accept_keyword(std::string_view keyword) {
    if (!peek().is_keyword(keyword)) return fail_at(pos_);
    ++pos_;
    return true;
  }
  std::optional<Comparator> accept_comparator() {
    static constexpr std::pair<std::string_view, Comparator> kComparators[] = {
        {"=", Comparator::kEq},  {"<>", Comparator::kNe}, {"<", Comparator::kLt},
        {"<=", Comparator::kLe}, {">", Comparator::kGt},  {">=", Comparator::kGe}};
    for (auto [symbol, comparator] : kComparators) {
      if (peek().is(symbol)) {
        ++pos_;
        return comparator;
      }
    }
    fail_at(pos_);
    return std::nullopt;
  }
  bool fail_at(std::size_t at) {
    furthest_ = std::max(furthest_, at);
    return false;
  }
  Error fail_here() {
    fail_at(pos_);
    return syntax_error();
  }
  Error syntax_error() const {
    return make_error("ValidationException", syntax_error_message(text_, tokens_, furthest_));
  }

  std::string_view text_;
  std::vector<Token> tokens_;
  std::vector<std::string_view> keywords_;
  std::size_t pos_ = 0;
  std::size_t furthest_ = 0;
};

}  // namespace

Result<ConditionNode> parse_condition_text(std::string_view text, ParseNotes& notes) {
  Parser parser(text, false);
  Result<ConditionNode> node = parser.whole_condition();
  notes = parser.notes;
  return node;
}

Result<std::vector<UpdateAction>> parse_update_text(std::string_view text, ParseNotes& notes,
                                                    std::vector<std::string>& repeated_sections) {
  Parser parser(text, true);
  Result<std::vector<UpdateAction>> actions = parser.whole_update();
  notes = parser.notes;
  repeated_sections = parser.repeated_sections;
  return actions;
}

Result<std::vector<DocumentPath>> parse_projection_text(std::string_view text) {
  Parser parser(text, false);
  return parser.whole_projection();
}

}  // namespace csv2ddb::model::expression_detail
