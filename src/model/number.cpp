// DynamoDB number validation and canonicalisation, done on the decimal text itself: a double
// would lose digits beyond 17 and DynamoDB keeps 38.
#include "model/number.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace csv2ddb::model {
namespace {

constexpr std::size_t kMaxSignificantDigits = 38;
constexpr std::int64_t kMaxScientificExponent = 125;   // 9.99...E+125
constexpr std::int64_t kMinScientificExponent = -130;  // 1E-130
// Exponents are saturated here while parsing; anything this large is out of range anyway, and
// saturating keeps the arithmetic below free of overflow whatever the input length.
constexpr std::int64_t kExponentSaturation = 1'000'000'000'000'000LL;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// The pieces of a syntactically valid number: [sign] int_digits [. frac_digits] [e exponent].
struct NumberSyntax {
  bool negative = false;
  bool explicit_plus = false;
  bool has_point = false;
  bool has_exponent = false;
  std::string_view int_digits;
  std::string_view frac_digits;
  std::int64_t exponent = 0;
};

bool parse_syntax(std::string_view text, NumberSyntax& out) {
  std::size_t i = 0;
  const std::size_t n = text.size();
  if (i < n && (text[i] == '+' || text[i] == '-')) {
    out.negative = text[i] == '-';
    out.explicit_plus = text[i] == '+';
    ++i;
  }
  std::size_t start = i;
  while (i < n && is_digit(text[i])) ++i;
  out.int_digits = text.substr(start, i - start);
  if (i < n && text[i] == '.') {
    out.has_point = true;
    start = ++i;
    while (i < n && is_digit(text[i])) ++i;
    out.frac_digits = text.substr(start, i - start);
  }
  if (out.int_digits.empty() && out.frac_digits.empty()) return false;
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    out.has_exponent = true;
    ++i;
    bool exponent_negative = false;
    if (i < n && (text[i] == '+' || text[i] == '-')) {
      exponent_negative = text[i] == '-';
      ++i;
    }
    start = i;
    std::int64_t value = 0;
    while (i < n && is_digit(text[i])) {
      if (value < kExponentSaturation) value = value * 10 + (text[i] - '0');
      ++i;
    }
    if (i == start) return false;
    out.exponent = exponent_negative ? -value : value;
  }
  return i == n;
}

// The significant digits of int_digits ++ frac_digits, addressed without concatenating them.
struct Significand {
  const NumberSyntax& syntax;

  std::size_t size() const { return syntax.int_digits.size() + syntax.frac_digits.size(); }
  char at(std::size_t k) const {
    const std::size_t int_size = syntax.int_digits.size();
    return k < int_size ? syntax.int_digits[k] : syntax.frac_digits[k - int_size];
  }
};

struct Analysis {
  bool zero = true;
  std::size_t first = 0;        // index of the first non-zero digit
  std::size_t count = 0;        // significant digits: first..last non-zero digit inclusive
  std::int64_t scientific = 0;  // exponent e of d.ddd x 10^e
};

Analysis analyse(const NumberSyntax& syntax) {
  const Significand digits{syntax};
  const std::size_t total = digits.size();
  Analysis result;
  std::size_t first = 0;
  while (first < total && digits.at(first) == '0') ++first;
  if (first == total) return result;
  std::size_t last = total - 1;
  while (digits.at(last) == '0') --last;
  result.zero = false;
  result.first = first;
  result.count = last - first + 1;
  result.scientific = syntax.exponent + static_cast<std::int64_t>(syntax.int_digits.size()) - 1 -
                      static_cast<std::int64_t>(first);
  return result;
}

NumberStatus check(std::string_view text, NumberSyntax& syntax, Analysis& analysis) {
  if (!parse_syntax(text, syntax)) return NumberStatus::kInvalid;
  analysis = analyse(syntax);
  if (analysis.zero) return NumberStatus::kOk;
  if (analysis.scientific > kMaxScientificExponent) return NumberStatus::kTooLarge;
  if (analysis.scientific < kMinScientificExponent) return NumberStatus::kTooSmall;
  if (analysis.count > kMaxSignificantDigits) return NumberStatus::kTooPrecise;
  return NumberStatus::kOk;
}

// Quotes user input in an error message without letting a huge field flood the message.
std::string quoted(std::string_view text) {
  constexpr std::size_t kMaxQuoted = 100;
  std::string out = "\"";
  if (text.size() <= kMaxQuoted) {
    out.append(text);
  } else {
    out.append(text.substr(0, kMaxQuoted));
    out.append("...");
  }
  out.push_back('"');
  return out;
}

}  // namespace

NumberStatus canonicalize_number(std::string_view text, std::string& out) {
  NumberSyntax syntax;
  Analysis analysis;
  const NumberStatus status = check(text, syntax, analysis);
  if (status != NumberStatus::kOk) return status;
  out.clear();
  if (analysis.zero) {
    out.push_back('0');
    return status;
  }
  const Significand digits{syntax};
  // The decimal point sits after `point` significant digits (negative: zeros come first).
  const std::int64_t point = analysis.scientific + 1;
  const auto count = static_cast<std::int64_t>(analysis.count);
  auto append_digits = [&](std::int64_t from, std::int64_t to) {
    for (std::int64_t k = from; k < to; ++k) {
      out.push_back(digits.at(analysis.first + static_cast<std::size_t>(k)));
    }
  };
  if (syntax.negative) out.push_back('-');
  if (point <= 0) {
    out.append("0.");
    out.append(static_cast<std::size_t>(-point), '0');
    append_digits(0, count);
  } else if (point < count) {
    append_digits(0, point);
    out.push_back('.');
    append_digits(point, count);
  } else {
    append_digits(0, count);
    out.append(static_cast<std::size_t>(point - count), '0');
  }
  return status;
}

Result<std::string> canonical_number(std::string_view text) {
  std::string out;
  switch (canonicalize_number(text, out)) {
    case NumberStatus::kOk:
      return out;
    case NumberStatus::kInvalid:
      return make_error("InvalidNumber",
                        quoted(text) +
                            " is not a number (expected digits with an optional sign, "
                            "decimal point and exponent, e.g. -12.5 or 1E+3)");
    case NumberStatus::kTooPrecise: {
      NumberSyntax syntax;
      parse_syntax(text, syntax);
      const Analysis analysis = analyse(syntax);
      return make_error("NumberPrecision", quoted(text) + " has " + std::to_string(analysis.count) +
                                               " significant digits; DynamoDB allows 38");
    }
    case NumberStatus::kTooLarge:
      return make_error("NumberMagnitude", quoted(text) +
                                               " is too large; DynamoDB numbers go up to "
                                               "9.9999999999999999999999999999999999999E+125");
    case NumberStatus::kTooSmall:
      return make_error("NumberMagnitude", quoted(text) +
                                               " is too small in magnitude; the smallest non-zero "
                                               "DynamoDB number is 1E-130");
  }
  return make_error("InvalidNumber", quoted(text) + " is not a number");
}

bool is_plain_number(std::string_view text) {
  NumberSyntax syntax;
  Analysis analysis;
  if (check(text, syntax, analysis) != NumberStatus::kOk) return false;
  if (syntax.explicit_plus || syntax.has_exponent || syntax.int_digits.empty()) return false;
  if (syntax.int_digits.size() > 1 && syntax.int_digits.front() == '0') return false;
  if (syntax.has_point && (syntax.frac_digits.empty() || syntax.frac_digits.back() == '0')) {
    return false;
  }
  // "-0" would come back as "0": not the same text.
  return !(syntax.negative && analysis.zero);
}

std::size_t number_size(std::string_view canonical) {
  std::size_t first = canonical.size();
  std::size_t last = 0;
  std::size_t significant = 0;
  // Count digits between the first and last non-zero digit, skipping sign and point.
  for (std::size_t i = 0; i < canonical.size(); ++i) {
    const char c = canonical[i];
    if (c >= '1' && c <= '9') {
      if (first == canonical.size()) first = i;
      last = i;
    }
  }
  for (std::size_t i = first; i <= last && i < canonical.size(); ++i) {
    if (is_digit(canonical[i])) ++significant;
  }
  return (significant + 1) / 2 + 1;
}

}  // namespace csv2ddb::model
