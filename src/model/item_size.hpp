// DynamoDB's item size formula: the sum over attributes of the UTF-8 length of the name plus
// the size of the value (S: UTF-8 bytes; N: number_size; B: raw bytes; BOOL, NULL: 1;
// sets: sum of members; L, M: 3 bytes plus 1 per element plus the elements, map keys counted).
#pragma once

#include <cstddef>

#include "model/attribute_value.hpp"

namespace csv2ddb::model {

std::size_t value_size(const AttributeValue& value);
std::size_t item_size(const Item& item);

}  // namespace csv2ddb::model
