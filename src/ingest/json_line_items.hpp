// One line of a JSON Lines input to what the run does with it (ARCHITECTURE.md "Inputs"):
//
//   ddb-json  {"Item":{...}}                      put the item
//             {"Keys":{...},"NewImage":{...}}     put the new image (an incremental export's
//                                                 record of an insert or an update)
//             {"Keys":{...}} (no NewImage)        delete the key (a record of a deletion)
//   json      {"account":"a1","price":12.5,...}   put the object, typed as JSON types it
//
// and, for either, the row rules of CSV input: the keys present and typed by the table's key
// schema, the item within 400 KB. A line that breaks a rule is rejected with a reason naming
// the attribute, never the file; a blank line is skipped.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ingest/row_mapper.hpp"
#include "model/attribute_value.hpp"

namespace csv2ddb::ingest {

enum class LineOutcome : std::uint8_t { kPut, kDelete, kSkipped, kRejected };

// A DynamoDB JSON line into `item` (for kDelete, the key alone), or the reason it is rejected.
LineOutcome decode_dynamodb_json_line(std::string_view line, const model::KeySchema& schema,
                                      model::Item& item, std::string& reason);

// A plain JSON line into `item`: strings S, numbers N with their text (never through a
// double; more than 38 digits is DynamoDB's error), true/false BOOL, null NULL, arrays L,
// objects M. Key attributes take the schema's types, and a --types spec retypes the
// attributes it names (SS, NS, BS from arrays; B from base64; N from a number or its text).
LineOutcome decode_plain_json_line(std::string_view line, const model::KeySchema& schema,
                                   const Typing& typing, model::Item& item, std::string& reason);

}  // namespace csv2ddb::ingest
