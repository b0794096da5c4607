// CsvReader: an explicit state machine over a bounded, refillable buffer.
//
// The buffer holds the current record's unquoted output followed by unread input. Unquoting
// happens in place: the output cursor never runs ahead of the read cursor (a field's output is
// never longer than its input), so no second buffer is needed, and for plain unquoted data the
// two cursors coincide and nothing is copied. Field boundaries are kept as offsets from the
// record's start, so the buffer may be compacted or grown while a record is being read.
#include "csv/reader.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>

namespace csv2ddb::csv {
namespace {

// Python's csv reader states for the default dialect (doublequote, not strict), plus one to
// look for the LF of a CRLF after a CR has ended a record.
enum class ParseState : std::uint8_t {
  kStartRecord,
  kStartField,
  kInField,
  kInQuotedField,
  kQuoteInQuotedField,
  kAfterCarriageReturn,
};

// Bits of the per-dialect byte class table: which bytes end a run of ordinary characters.
constexpr std::uint8_t kEndsUnquotedRun = 1;  // delimiter, CR, LF
constexpr std::uint8_t kEndsQuotedRun = 2;    // quote, CR, LF (newlines are counted as lines)

constexpr std::array<unsigned char, 3> kUtf8Bom{0xEF, 0xBB, 0xBF};

// Field tables above this capacity are given back once records are narrow again, so that one
// record of millions of (empty) fields does not pin ~24 bytes per field for the rest of the run.
// Wide files (thousands of columns) stay below it or keep their capacity: see next().
constexpr std::size_t kRetainedFieldCapacity = 4096;

static_assert(std::endian::native == std::endian::little, "word scanning assumes little endian");

constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;
constexpr std::uint64_t kCrPattern = kOnes * '\r';
constexpr std::uint64_t kLfPattern = kOnes * '\n';

// High bit set in every byte of `word` equal to `byte`'s broadcast (`pattern`). Bits above the
// first match may be false positives; only the lowest one is ever used.
inline std::uint64_t bytes_equal(std::uint64_t word, std::uint64_t pattern) {
  const std::uint64_t x = word ^ pattern;
  return (x - kOnes) & ~x & kHighBits;
}

// Finds the first byte in [from, to) that is one of three special bytes, eight bytes at a time
// and then with the class table: most fields are short runs of ordinary bytes.
inline char* find_special(char* from, const char* to, std::uint64_t a, std::uint64_t b,
                          std::uint64_t c, const std::array<std::uint8_t, 256>& classes,
                          std::uint8_t stop_class) {
  while (to - from >= 8) {
    std::uint64_t word;
    std::memcpy(&word, from, sizeof word);
    const std::uint64_t found = bytes_equal(word, a) | bytes_equal(word, b) | bytes_equal(word, c);
    if (found != 0) return from + std::countr_zero(found) / 8;
    from += 8;
  }
  while (from < to && (classes[static_cast<unsigned char>(*from)] & stop_class) == 0) ++from;
  return from;
}

}  // namespace

struct CsvReader::State {
  State(std::unique_ptr<ByteSource> byte_source, ReaderOptions reader_options)
      : source(std::move(byte_source)), options(reader_options) {
    options.buffer_size = std::max<std::size_t>(options.buffer_size, 1);
    const auto delimiter = static_cast<unsigned char>(options.dialect.delimiter);
    const auto quote = static_cast<unsigned char>(options.dialect.quote);
    byte_classes[delimiter] |= kEndsUnquotedRun;
    byte_classes[quote] |= kEndsQuotedRun;
    for (unsigned char newline : {'\r', '\n'}) {
      byte_classes[newline] |= kEndsUnquotedRun | kEndsQuotedRun;
    }
  }

  std::uint64_t offset_of(std::size_t position) const { return stream_offset - (end - position); }

  // Makes room for one more read chunk after `end`, growing the buffer when needed. The
  // buffer never needs more than one record (bounded by max_record_bytes) plus one chunk.
  void reserve_chunk() {
    const std::size_t needed = end + options.buffer_size;
    if (needed <= capacity) return;
    const std::size_t bound = options.max_record_bytes + options.buffer_size;
    const std::size_t grown = std::max(needed, std::min(capacity * 2, bound));
    auto bigger = std::make_unique<char[]>(grown);
    if (end > 0) std::memcpy(bigger.get(), buffer.get(), end);
    buffer = std::move(bigger);
    capacity = grown;
  }

  // Appends one chunk from the source. Returns the number of bytes added, 0 at end of input.
  Result<std::size_t> append_chunk() {
    if (source_done) return std::size_t{0};
    reserve_chunk();
    auto n = source->read(buffer.get() + end, options.buffer_size);
    if (!n) return n.take_error();
    if (*n == 0) source_done = true;
    end += *n;
    stream_offset += *n;
    return *n;
  }

  // Called when every buffered byte has been parsed: keeps the current record's output (or
  // drops it while discarding an over-long record), moves it to the front, reads more input.
  Result<std::size_t> refill(bool discarding) {
    if (discarding) {
      write = record_begin;
      field_ends.clear();
    }
    const std::size_t kept = write - record_begin;
    if (record_begin > 0 && kept > 0) std::memmove(buffer.get(), buffer.get() + record_begin, kept);
    record_begin = 0;
    write = read = end = kept;
    return append_chunk();
  }

  Status start() {
    started = true;
    if (!options.strip_bom) return {};
    while (end - read < kUtf8Bom.size()) {
      auto n = append_chunk();
      if (!n) return n.take_error();
      if (*n == 0) break;
    }
    if (end - read >= kUtf8Bom.size() &&
        std::memcmp(buffer.get() + read, kUtf8Bom.data(), kUtf8Bom.size()) == 0) {
      read += kUtf8Bom.size();
    }
    return {};
  }

  Result<bool> next(Record& record);

  std::unique_ptr<ByteSource> source;
  ReaderOptions options;
  std::array<std::uint8_t, 256> byte_classes{};

  std::unique_ptr<char[]> buffer;
  std::size_t capacity = 0;
  std::size_t record_begin = 0;     // first output byte of the current record
  std::size_t write = 0;            // next output byte (write <= read)
  std::size_t read = 0;             // next input byte to parse
  std::size_t end = 0;              // end of buffered input
  std::uint64_t stream_offset = 0;  // stream offset of buffer[end]
  bool source_done = false;
  bool started = false;

  std::uint64_t line = 1;
  // Offset of the last CR seen inside quotes, so the LF of a quoted CRLF is not counted twice.
  std::uint64_t quoted_cr_offset = UINT64_MAX;
  std::vector<std::size_t> field_ends;  // end of each field, relative to record_begin
};

Result<bool> CsvReader::State::next(Record& record) {
  if (!started) {
    auto status = start();
    if (!status) return status.take_error();
  }
  // One comparison per record on the hot path. The previous record's field count is still in
  // field_ends: shrink only when it was narrow, so a file of uniformly wide records keeps its
  // tables instead of regrowing them on every record.
  if (field_ends.capacity() > kRetainedFieldCapacity &&
      field_ends.size() <= kRetainedFieldCapacity) {
    std::vector<std::size_t>().swap(field_ends);
  }
  if (record.fields.capacity() > kRetainedFieldCapacity &&
      record.fields.size() <= kRetainedFieldCapacity) {
    std::vector<std::string_view>().swap(record.fields);
  }
  record.fields.clear();
  record.error = RecordErrorKind::kNone;
  record.error_message.clear();
  field_ends.clear();
  record_begin = write = read;

  const std::uint64_t start_offset = offset_of(read);
  const std::uint64_t start_line = line;
  const std::size_t max_bytes = options.max_record_bytes;
  const char delimiter = options.dialect.delimiter;
  const char quote = options.dialect.quote;
  const std::uint64_t delimiter_pattern = kOnes * static_cast<unsigned char>(delimiter);
  const std::uint64_t quote_pattern = kOnes * static_cast<unsigned char>(quote);
  std::uint64_t content_end = 0;   // offset of the record terminator (or end of input)
  std::uint64_t quote_line = 0;    // line where the currently open quoted field began
  std::uint64_t quote_offset = 0;  // offset of that field's opening quote
  // For the too-large message: the line of a quoted field that runs across the size limit, the
  // usual cause being a stray quote that turns the rest of the file into one field. 0: none.
  std::uint64_t limit_quote_line = 0;
  const std::uint64_t limit_offset = start_offset + max_bytes;
  // Called at a quote (or end of input) inside the quoted field opened at quote_offset.
  const auto note_quote_across_limit = [&](std::uint64_t at) {
    if (limit_quote_line == 0 && at >= limit_offset && quote_offset <= limit_offset) {
      limit_quote_line = quote_line;
    }
  };
  bool discarding = false;
  bool unterminated = false;
  ParseState state = ParseState::kStartRecord;

  for (bool done = false; !done;) {
    if (read == end) {
      // Only the record's content counts towards the limit, never its terminator.
      if (!discarding && state != ParseState::kAfterCarriageReturn &&
          offset_of(read) - start_offset > max_bytes) {
        discarding = true;
      }
      auto n = refill(discarding);
      if (!n) return n.take_error();
      if (*n == 0) {
        switch (state) {
          case ParseState::kStartRecord:
            return false;
          case ParseState::kAfterCarriageReturn:
            break;
          case ParseState::kInQuotedField:
            unterminated = true;
            note_quote_across_limit(offset_of(read));
            [[fallthrough]];
          case ParseState::kStartField:
          case ParseState::kInField:
          case ParseState::kQuoteInQuotedField:
            content_end = offset_of(read);
            field_ends.push_back(write - record_begin);
            break;
        }
        break;
      }
    }

    char* const out_begin = buffer.get() + record_begin;
    char* const in_end = buffer.get() + end;
    char* in = buffer.get() + read;
    char* out = buffer.get() + write;
    const auto offset_at = [&](const char* at) { return stream_offset - (in_end - at); };
    const auto end_field = [&] { field_ends.push_back(static_cast<std::size_t>(out - out_begin)); };
    // Ends the record at the CR or LF under `in`.
    const auto end_record = [&] {
      content_end = offset_at(in);
      ++line;
      if (*in++ == '\n') {
        done = true;
      } else {
        state = ParseState::kAfterCarriageReturn;
      }
    };

    while (in < in_end && !done) {
      switch (state) {
        case ParseState::kStartRecord:
          if (*in == '\n' || *in == '\r') {  // blank line: a record with no fields
            end_record();
            break;
          }
          state = ParseState::kStartField;
          [[fallthrough]];
        case ParseState::kStartField:
          if (*in == quote) {
            quote_line = line;
            quote_offset = offset_at(in);
            ++in;
            state = ParseState::kInQuotedField;
            break;
          }
          if (*in == delimiter) {
            ++in;
            end_field();
            break;
          }
          if (*in == '\n' || *in == '\r') {
            end_field();
            end_record();
            break;
          }
          state = ParseState::kInField;
          [[fallthrough]];
        case ParseState::kInField: {
          // The fast path: plain bytes up to the next delimiter or newline; a quote here is
          // an ordinary character.
          const char* run = in;
          in = find_special(in, in_end, delimiter_pattern, kCrPattern, kLfPattern, byte_classes,
                            kEndsUnquotedRun);
          const auto length = static_cast<std::size_t>(in - run);
          if (out != run) std::memmove(out, run, length);
          out += length;
          if (in == in_end) break;
          end_field();
          if (*in == delimiter) {
            ++in;
            state = ParseState::kStartField;
          } else {
            end_record();
          }
          break;
        }
        case ParseState::kInQuotedField: {
          const char* run = in;
          in = find_special(in, in_end, quote_pattern, kCrPattern, kLfPattern, byte_classes,
                            kEndsQuotedRun);
          const auto length = static_cast<std::size_t>(in - run);
          if (out != run) std::memmove(out, run, length);
          out += length;
          if (in == in_end) break;
          if (*in == quote) {
            note_quote_across_limit(offset_at(in));
            ++in;
            state = ParseState::kQuoteInQuotedField;
            break;
          }
          // A newline inside quotes is data, but it still starts a new physical line.
          const std::uint64_t at = offset_at(in);
          if (*in == '\r') {
            ++line;
            quoted_cr_offset = at;
          } else if (quoted_cr_offset + 1 != at) {
            ++line;
          }
          *out++ = *in++;
          break;
        }
        case ParseState::kQuoteInQuotedField:
          if (*in == quote) {  // "" inside quotes stands for one quote
            *out++ = *in++;
            state = ParseState::kInQuotedField;
          } else if (*in == delimiter) {
            ++in;
            end_field();
            state = ParseState::kStartField;
          } else if (*in == '\n' || *in == '\r') {
            end_field();
            end_record();
          } else {
            // Text after a closing quote is appended to the field (Python, non-strict).
            state = ParseState::kInField;
          }
          break;
        case ParseState::kAfterCarriageReturn:
          if (*in == '\n') ++in;
          done = true;
          break;
      }
    }
    read = static_cast<std::size_t>(in - buffer.get());
    write = static_cast<std::size_t>(out - buffer.get());
  }

  if (!discarding && content_end - start_offset > max_bytes) discarding = true;
  record.line = start_line;
  record.byte_offset = start_offset;
  record.end_offset = offset_of(read);
  if (discarding) {
    record.error = RecordErrorKind::kRecordTooLarge;
    record.error_message = "record exceeds " + std::to_string(max_bytes) + " bytes";
    if (limit_quote_line != 0) {
      record.error_message += ": a quoted field opened on line " +
                              std::to_string(limit_quote_line) + " runs past the limit (a stray '" +
                              std::string(1, quote) +
                              "' there turns the lines after it into one field)";
    }
    return true;
  }
  const char* const out_begin = buffer.get() + record_begin;
  record.fields.resize(field_ends.size());
  std::size_t field_begin = 0;
  for (std::size_t i = 0; i < field_ends.size(); ++i) {
    record.fields[i] = std::string_view(out_begin + field_begin, field_ends[i] - field_begin);
    field_begin = field_ends[i];
  }
  if (unterminated) {
    record.error = RecordErrorKind::kUnterminatedQuote;
    record.error_message = "unterminated quote: the quoted field opened on line " +
                           std::to_string(quote_line) + " is not closed before the end of input";
  }
  return true;
}

CsvReader::CsvReader(std::unique_ptr<ByteSource> source, ReaderOptions options)
    : state_(std::make_unique<State>(std::move(source), options)) {}

CsvReader::~CsvReader() = default;

Result<bool> CsvReader::next(Record& record) {
  return state_->next(record);
}

std::uint64_t CsvReader::bytes_consumed() const {
  return state_->offset_of(state_->read);
}

std::size_t CsvReader::buffer_capacity() const {
  return state_->capacity;
}

std::size_t CsvReader::field_capacity() const {
  return state_->field_ends.capacity();
}

Status CsvReader::skip_to(std::uint64_t byte_offset, std::uint64_t line) {
  State& s = *state_;
  if (byte_offset > 0) s.started = true;  // a resume point lies past any BOM
  while (s.offset_of(s.read) < byte_offset) {
    if (s.read == s.end) {
      auto n = s.refill(false);
      if (!n) return n.take_error();
      if (*n == 0) {
        return make_error("InvalidOffset", s.source->name() + ": cannot resume at byte " +
                                               std::to_string(byte_offset) + ": input has only " +
                                               std::to_string(s.stream_offset) + " bytes");
      }
    }
    const std::uint64_t wanted = byte_offset - s.offset_of(s.read);
    s.read += static_cast<std::size_t>(std::min<std::uint64_t>(wanted, s.end - s.read));
  }
  s.record_begin = s.write = s.read;
  s.line = line;
  return {};
}

void CsvReader::continue_at(std::uint64_t byte_offset, std::uint64_t line) {
  State& s = *state_;
  s.started = true;
  s.stream_offset += byte_offset;
  s.line = line;
}

}  // namespace csv2ddb::csv
