#include "ingest/item_array_source.hpp"

#include "model/dynamodb_json.hpp"
#include "model/json.hpp"

namespace csv2ddb::ingest {
namespace {

// An element quoted in rejected/ is cut here, as a CSV field is.
constexpr std::size_t kMaxRejectedElementBytes = 1024;

// One element: a plain JSON object typed back into an item.
Result<model::Item> decode_element(const std::string& text, const model::KeySchema& schema) {
  Result<model::JsonValue> parsed = model::parse_json(text);
  if (!parsed) return parsed.take_error();
  if (parsed->kind() != model::JsonValue::Kind::kObject) {
    return make_error("ValidationException", "an element of an item file is not a JSON object");
  }
  return model::decode_plain_item(*parsed, schema);
}

}  // namespace

Result<bool> ItemArraySource::next(SourceRecord& record) {
  Result<bool> more = reader_.next(text_);
  if (!more || !*more) return more;
  record.offset = 0;
  record.line = reader_.elements();  // the element's number in the array
  Result<model::Item> decoded = decode_element(text_, schema_);
  if (decoded) {
    record.kind = SourceRecord::Kind::kItem;
    record.item = std::move(*decoded);
    return true;
  }
  record.kind = SourceRecord::Kind::kRejected;
  record.rejection.line = record.line;
  record.rejection.reason = decoded.error().message;
  record.rejection.fields.assign(1, model::displayable_utf8(text_, kMaxRejectedElementBytes));
  return true;
}

}  // namespace csv2ddb::ingest
