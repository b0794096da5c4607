// Where a run can be picked up again (a Ctrl-C checkpoint, a Lambda invocation's hand-over) and
// what the rows before that point came to, with its one JSON form, shared by the command line's
// checkpoint file and the Lambda's continuation event.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "ingest/counts.hpp"
#include "model/json.hpp"

namespace csv2ddb::ingest {

// A resumable position and the counts and costs of the rows before it. A hand-over's outputs go
// on in the next run; a checkpoint's are rebuilt by the resumed run from the outputs' journals
// (output_journal.hpp), or, without journals, the point stops before the first row set aside.
struct ResumePoint : Counts {
  std::uint64_t byte_offset = 0;    // of the (decompressed) input: the next record's first byte
  std::uint64_t line = 0;           // that record's line
  std::vector<std::string> header;  // the run's header (filled in by the engine)
};

// A record as the checkpoint tracker knows it: where it starts and the counts of the rows
// before it.
struct RowMark {
  std::uint64_t offset = 0;
  std::uint64_t line = 0;
  std::uint64_t rows_read_before = 0;
  std::uint64_t rows_skipped_before = 0;
};

// "resume":{"offset":N,"line":N,"rows_read":N,...,"rows_skipped":N[,"rows_conflicts":N]},
// "costs":{"seconds":S,
// "requests":N,"retries":N,"throttles":N,"consumed_wcu":W}: two members of the caller's object
// (the header goes where the caller keeps it). Costs are exact, so that a chain adds up.
void append_resume_point(model::JsonWriter& json, const ResumePoint& point);
// Reads the two members from `object`. Errors ("InvalidJson") name the member, or say that the
// counts do not add up.
Result<ResumePoint> read_resume_point(const model::JsonValue& object);

}  // namespace csv2ddb::ingest
