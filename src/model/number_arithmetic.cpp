#include "model/number_arithmetic.hpp"

#include <algorithm>

#include "model/number.hpp"

namespace csv2ddb::model {
namespace {

// A canonical number as sign, and digits with `scale` of them after the point.
struct Decimal {
  bool negative = false;
  std::string digits;  // without leading zeros, "0" for zero
  std::size_t scale = 0;
};

Decimal parse(std::string_view text) {
  Decimal out;
  if (!text.empty() && text.front() == '-') {
    out.negative = true;
    text.remove_prefix(1);
  }
  const std::size_t point = text.find('.');
  if (point == std::string_view::npos) {
    out.digits = std::string(text);
  } else {
    out.digits = std::string(text.substr(0, point)) + std::string(text.substr(point + 1));
    out.scale = text.size() - point - 1;
  }
  const std::size_t first = out.digits.find_first_not_of('0');
  out.digits = first == std::string::npos ? "0" : out.digits.substr(first);
  if (out.digits == "0") out.negative = false;
  return out;
}

// Both to the same scale (appending zeros).
void align(Decimal& a, Decimal& b) {
  const std::size_t scale = std::max(a.scale, b.scale);
  if (a.digits != "0") a.digits.append(scale - a.scale, '0');
  if (b.digits != "0") b.digits.append(scale - b.scale, '0');
  a.scale = b.scale = scale;
}

int compare_magnitudes(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  const int order = a.compare(b);
  return order < 0 ? -1 : (order > 0 ? 1 : 0);
}

std::string add_magnitudes(const std::string& a, const std::string& b) {
  std::string out;
  int carry = 0;
  for (std::size_t i = 0; i < std::max(a.size(), b.size()) || carry; ++i) {
    int sum = carry;
    if (i < a.size()) sum += a[a.size() - 1 - i] - '0';
    if (i < b.size()) sum += b[b.size() - 1 - i] - '0';
    out.push_back(static_cast<char>('0' + sum % 10));
    carry = sum / 10;
  }
  std::reverse(out.begin(), out.end());
  return out;
}

// a - b, with a >= b.
std::string subtract_magnitudes(const std::string& a, const std::string& b) {
  std::string out;
  int borrow = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    int digit = (a[a.size() - 1 - i] - '0') - borrow;
    if (i < b.size()) digit -= b[b.size() - 1 - i] - '0';
    borrow = digit < 0 ? 1 : 0;
    out.push_back(static_cast<char>('0' + digit + (borrow ? 10 : 0)));
  }
  while (out.size() > 1 && out.back() == '0') out.pop_back();
  std::reverse(out.begin(), out.end());
  return out;
}

std::string to_text(const Decimal& value) {
  std::string digits = value.digits;
  if (digits.size() <= value.scale) digits.insert(0, value.scale - digits.size() + 1, '0');
  std::string text = value.negative ? "-" : "";
  text += digits.substr(0, digits.size() - value.scale);
  if (value.scale > 0) text += "." + digits.substr(digits.size() - value.scale);
  return text;
}

}  // namespace

int compare_numbers(std::string_view a_text, std::string_view b_text) {
  Decimal a = parse(a_text);
  Decimal b = parse(b_text);
  if (a.negative != b.negative) return a.negative ? -1 : 1;
  align(a, b);
  const int magnitude = compare_magnitudes(a.digits, b.digits);
  return a.negative ? -magnitude : magnitude;
}

Result<std::string> add_numbers(std::string_view a_text, std::string_view b_text, bool subtract) {
  Decimal a = parse(a_text);
  Decimal b = parse(b_text);
  if (subtract && b.digits != "0") b.negative = !b.negative;
  align(a, b);
  Decimal sum;
  sum.scale = a.scale;
  if (a.negative == b.negative) {
    sum.digits = add_magnitudes(a.digits, b.digits);
    sum.negative = a.negative;
  } else if (compare_magnitudes(a.digits, b.digits) >= 0) {
    sum.digits = subtract_magnitudes(a.digits, b.digits);
    sum.negative = a.negative;
  } else {
    sum.digits = subtract_magnitudes(b.digits, a.digits);
    sum.negative = b.negative;
  }
  std::string canonical;
  switch (canonicalize_number(to_text(sum), canonical)) {
    case NumberStatus::kOk:
      return canonical;
    case NumberStatus::kTooPrecise:
      return make_error("ValidationException",
                        "Number overflow. Attempting to store a number with precision larger "
                        "than supported range");
    case NumberStatus::kTooLarge:
    case NumberStatus::kTooSmall:
    case NumberStatus::kInvalid:
      break;
  }
  return make_error("ValidationException",
                    "Number overflow. Attempting to store a number with magnitude larger than "
                    "supported range");
}

}  // namespace csv2ddb::model
