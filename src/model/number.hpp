// DynamoDB numbers: up to 38 significant digits, magnitudes from 1E-130 to 9.9999...E+125,
// positive, negative or zero. Validated and canonicalised as decimal text, never via double.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace csv2ddb::model {

// Validates `text` as DynamoDB accepts it (optional sign, digits, optional fraction, optional
// exponent; no spaces, no hex, no Infinity/NaN) and returns the canonical form DynamoDB returns
// it in: no leading zeros, no trailing fractional zeros, no exponent, "-0" as "0"
// (e.g. "007.50" -> "7.5", "1e3" -> "1000", "-0.0" -> "0").
// Error codes: "InvalidNumber" (not a number), "NumberPrecision" (over 38 significant digits),
// "NumberMagnitude" (too large or too small in magnitude); messages quote the input.
Result<std::string> canonical_number(std::string_view text);

// What canonical_number found, for callers that word their own messages (the DynamoDB JSON
// decoder speaks DynamoDB's) or reuse an output buffer on a hot path.
enum class NumberStatus : std::uint8_t { kOk, kInvalid, kTooPrecise, kTooLarge, kTooSmall };

// Writes the canonical form into `out` (replacing its contents) when the status is kOk.
NumberStatus canonicalize_number(std::string_view text, std::string& out);

// True for what `--types infer` turns into N: integers without leading zeros ("0", "-12",
// "12345") and plain decimals ("3.25", "-0.5") that canonical_number keeps exactly and whose
// text would round-trip unchanged (so "1.50", "01", "1e5" and "+1" stay strings).
bool is_plain_number(std::string_view text);

// DynamoDB's storage size of a number: (significant digits + 1) / 2 + 1 bytes, as its item size
// calculator counts it.
std::size_t number_size(std::string_view canonical);

}  // namespace csv2ddb::model
