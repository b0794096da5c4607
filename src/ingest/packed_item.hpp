// An item as one flat string, for the many items the spreading window and the lane queues hold
// (partition_spreader.hpp, batch_planner.hpp): a model::Item of make-csv's eight attributes takes
// about 1.4 KB of heap (a vector of 144-byte attributes and their strings); packed it takes its
// bytes plus a few length prefixes, about 200. Exact: unpack(pack(item)) == item, for every type.
#pragma once

#include <string>
#include <string_view>

#include "model/attribute_value.hpp"

namespace csv2ddb::ingest {

// Appends `item` to `out`.
void pack_item(const model::Item& item, std::string& out);
// How many bytes pack_item appends for `item`.
std::size_t packed_item_size(const model::Item& item);
// The item packed at the start of `packed` (bytes that pack_item wrote).
model::Item unpack_item(std::string_view packed);
// The same into `out`, whose strings are reused: a writer lane unpacks every batch into the
// same items, so that a steady run allocates nothing per row here.
void unpack_item_into(std::string_view packed, model::Item& out);

}  // namespace csv2ddb::ingest
