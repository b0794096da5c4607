#include "model/expression_lexer.hpp"

#include <algorithm>

namespace csv2ddb::model::expression_detail {
namespace {

bool is_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_word(char c) {
  return is_letter(c) || is_digit(c);
}
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// The length of the symbol at `text[i]`, 0 when there is none.
std::size_t symbol_length(std::string_view text, std::size_t i) {
  const std::string_view rest = text.substr(i);
  for (std::string_view two : {"<>", "<=", ">="}) {
    if (rest.starts_with(two)) return 2;
  }
  return std::string_view("()[],.=<>+-").find(rest.front()) != std::string_view::npos ? 1 : 0;
}

}  // namespace

bool Token::is_keyword(std::string_view keyword) const {
  if (kind != TokenKind::kIdentifier || text.size() != keyword.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i] >= 'a' && text[i] <= 'z' ? static_cast<char>(text[i] - 32) : text[i];
    if (c != keyword[i]) return false;
  }
  return true;
}

std::vector<Token> tokenize(std::string_view text) {
  std::vector<Token> tokens;
  std::size_t i = 0;
  while (true) {
    while (i < text.size() && is_space(text[i])) ++i;
    if (i == text.size()) break;
    Token token;
    token.begin = i;
    const char c = text[i];
    std::size_t end = i + 1;
    if (is_letter(c)) {
      token.kind = TokenKind::kIdentifier;
      while (end < text.size() && is_word(text[end])) ++end;
    } else if (is_digit(c)) {
      token.kind = TokenKind::kNumber;
      while (end < text.size() && is_digit(text[end])) ++end;
    } else if ((c == '#' || c == ':') && end < text.size() && is_word(text[end])) {
      token.kind = c == '#' ? TokenKind::kName : TokenKind::kValue;
      while (end < text.size() && is_word(text[end])) ++end;
    } else if (const std::size_t length = symbol_length(text, i); length > 0) {
      token.kind = TokenKind::kSymbol;
      end = i + length;
    } else {
      token.kind = TokenKind::kUnknown;
    }
    token.end = end;
    token.text = text.substr(i, end - i);
    tokens.push_back(token);
    i = end;
  }
  Token last;
  last.kind = TokenKind::kEnd;
  last.begin = last.end = text.size();
  tokens.push_back(last);
  return tokens;
}

std::string syntax_error_message(std::string_view text, const std::vector<Token>& tokens,
                                 std::size_t at) {
  at = std::min(at, tokens.size() - 1);
  const Token& token = tokens[at];
  const std::string shown = token.kind == TokenKind::kEnd ? "<EOF>" : std::string(token.text);
  const std::size_t from = at > 0 ? tokens[at - 1].begin : token.begin;
  const std::size_t to = at + 1 < tokens.size() ? tokens[at + 1].end : token.end;
  const std::string near(text.substr(from, std::max(to, from) - from));
  return "Syntax error; token: \"" + shown + "\", near: \"" + near + "\"";
}

}  // namespace csv2ddb::model::expression_detail
