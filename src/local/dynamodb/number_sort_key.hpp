// Numbers as byte strings that sort (bytewise, as SQLite compares BLOBs) in numeric order, so
// an N range key can be stored in the same column as S and B keys and ranged over with plain
// comparisons. Layout, for the canonical decimal text (see model/number.hpp):
//   zero:     0x80
//   positive: 0xC0, exponent+1000 as 2 bytes big-endian, significant digits as ASCII
//   negative: 0x40, the same exponent bytes inverted, digits inverted (0xFF - c), then 0xFF
// where value = 0.d1d2...dn x 10^exponent with d1 != 0 and dn != 0. The trailing 0xFF makes a
// shorter negative mantissa (-0.12) sort after a longer one with the same prefix (-0.123).
#pragma once

#include <string>
#include <string_view>

namespace csv2ddb::local::dynamodb {

// `canonical` must be canonical (model::canonical_number's output).
std::string number_sort_key(std::string_view canonical);
// The canonical text back from a sort key; "" for bytes that are not one.
std::string number_from_sort_key(std::string_view key);

}  // namespace csv2ddb::local::dynamodb
