// libFuzzer target for the csv layer: arbitrary bytes through open_decompressed + CsvReader.
// The first byte picks the buffer, chunk and record-limit sizes, so records straddle refills at
// every position; the reader's invariants are checked on every record.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "csv/byte_source.hpp"
#include "csv/reader.hpp"

namespace {

volatile unsigned sink = 0;

void check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace csv2ddb::csv;
  if (size == 0) return 0;
  const std::uint8_t knobs = data[0];
  const std::string bytes(reinterpret_cast<const char*>(data + 1), size - 1);

  ReaderOptions options;
  options.buffer_size = 1 + (knobs & 0x0f);
  constexpr char kDelimiters[] = {',', ';', '\t', ' '};
  options.dialect.delimiter = kDelimiters[(knobs >> 4) & 0x03];
  options.max_record_bytes = (knobs & 0x40) != 0 ? 16 : 4096;
  options.strip_bom = (knobs & 0x80) == 0;
  const std::size_t chunk = 1 + ((knobs >> 2) & 0x07);

  auto source = open_decompressed(make_memory_source(bytes, "fuzz", chunk));
  if (!source.ok()) return 0;
  // Plain input: the stream is `bytes` itself, so offsets can be checked against its size.
  const bool plain = bytes.rfind("\x1f\x8b", 0) != 0 && bytes.rfind("\x28\xb5\x2f\xfd", 0) != 0;
  CsvReader reader(std::move(source.value()), options);

  Record record;
  std::uint64_t previous_end = 0;
  std::uint64_t previous_line = 0;
  bool first = true;
  for (;;) {
    auto more = reader.next(record);
    if (!more.ok()) break;  // corrupt or truncated compressed input
    if (!*more) break;
    check(record.byte_offset < record.end_offset);
    check(first ? record.byte_offset <= 3 : record.byte_offset == previous_end);
    check(record.line > previous_line);
    check(record.end_offset == reader.bytes_consumed());
    if (plain) check(record.end_offset <= bytes.size());
    if (record.error == RecordErrorKind::kRecordTooLarge) {
      check(record.fields.empty());
      check(record.end_offset - record.byte_offset > options.max_record_bytes);
    }
    std::size_t field_bytes = 0;
    unsigned checksum = 0;
    for (std::string_view field : record.fields) {
      field_bytes += field.size();
      // Touch every byte so AddressSanitizer sees a view that points outside the buffer.
      for (char c : field) checksum += static_cast<unsigned char>(c);
    }
    sink = sink + checksum;
    // Unquoting only ever removes bytes.
    check(field_bytes <= record.end_offset - record.byte_offset);
    if (!record.fields.empty()) {
      // Fields are consecutive slices of one output region inside the reader's buffer.
      const char* cursor = record.fields.front().data();
      for (std::string_view field : record.fields) {
        check(field.data() == cursor);
        cursor += field.size();
      }
    }
    previous_end = record.end_offset;
    previous_line = record.line;
    first = false;
  }
  return 0;
}
