#include "ingest/output_sink.hpp"

#include "model/dynamodb_json.hpp"
#include "model/json.hpp"

namespace csv2ddb::ingest {
Framing framing_of(OutputKind kind) {
  switch (kind) {
    case OutputKind::kJsonCopy:
      return {"application/json", "{\"data\":[", ",", "]}", true};
    case OutputKind::kUnprocessed:
    case OutputKind::kUnprocessedDeletes:
      return {"application/json", "[", ",", "]", false};
    case OutputKind::kRejected:
    case OutputKind::kConflicts:
      break;
  }
  return {"application/x-ndjson", "", "", "", false};  // JSON Lines
}

void append_rejection_line(std::string& out, const Rejection& rejection) {
  out.append("{\"line\":");
  out.append(std::to_string(rejection.line));
  out.append(",\"reason\":");
  model::append_json_string(out, rejection.reason);
  out.append(",\"fields\":[");
  for (std::size_t i = 0; i < rejection.fields.size(); ++i) {
    if (i > 0) out.push_back(',');
    model::append_json_string(out, rejection.fields[i]);
  }
  out.append("]}\n");
}

OutputSink::OutputSink(OutputStore& store, std::string key, OutputKind kind)
    : kind_(kind), stream_(store, std::move(key), std::string(framing_of(kind).content_type)) {}

template <typename Encode>
Status OutputSink::add_entry(std::uint64_t line, Encode&& encode) {
  std::lock_guard lock(mutex_);
  const Framing framing = framing_of(kind_);
  std::string& buffer = stream_.buffer();
  buffer.append(entries_++ == 0 ? framing.open : framing.separator);
  const std::size_t start = buffer.size();
  encode(buffer);
  if (journal_ != nullptr) {
    std::string_view entry = std::string_view(buffer).substr(start);
    if (!entry.empty() && entry.back() == '\n') entry.remove_suffix(1);
    if (Status journaled = journal_->append(line, entry); !journaled) return journaled;
  }
  return stream_.flush_if_full();
}

Status OutputSink::add(const model::Item& item, std::uint64_t line) {
  return add_entry(line, [&](std::string& out) { model::append_plain_item(out, item); });
}

Status OutputSink::add(const Rejection& rejection) {
  return add_entry(rejection.line,
                   [&](std::string& out) { append_rejection_line(out, rejection); });
}

Status OutputSink::add_journaled(std::uint64_t line, std::string_view entry) {
  const bool lines = framing_of(kind_).separator.empty();  // JSON Lines end each entry
  return add_entry(line, [&](std::string& out) {
    out.append(entry);
    if (lines) out.push_back('\n');
  });
}

Status OutputSink::replay_journal(const OutputJournal::EachEntry& each) {
  OutputJournal* journal = nullptr;
  {
    std::lock_guard lock(mutex_);
    journal = journal_;
  }
  return journal != nullptr ? journal->replay(each) : Status{};
}

void OutputSink::journal_to(OutputJournal* journal) {
  std::lock_guard lock(mutex_);
  journal_ = journal;
}

Status OutputSink::flush_journal() {
  std::lock_guard lock(mutex_);
  return journal_ != nullptr ? journal_->flush() : Status{};
}

Status OutputSink::add(const Conflict& conflict) {
  return add_entry(conflict.line, [&](std::string& out) {
    out.append("{\"line\":");
    out.append(std::to_string(conflict.line));
    out.append(",\"key\":");
    model::append_plain_item(out, conflict.key);
    out.append("}\n");
  });
}

Status OutputSink::finish() {
  std::lock_guard lock(mutex_);
  const Framing framing = framing_of(kind_);
  if (entries_ == 0 && !framing.written_when_empty) {
    stream_.abort();
    return stream_.store().remove(stream_.key());
  }
  if (entries_ == 0) stream_.buffer().append(framing.open);
  stream_.buffer().append(framing.close);
  return stream_.commit();
}

void OutputSink::abort() {
  std::lock_guard lock(mutex_);
  stream_.abort();
}

Result<SuspendedOutput> OutputSink::suspend() {
  std::lock_guard lock(mutex_);
  Result<SuspendedObject> object = stream_.suspend();
  if (!object) return object.take_error();
  return SuspendedOutput{std::move(*object), entries_};
}

Status OutputSink::resume(SuspendedOutput suspended) {
  // The run that suspended wrote the frame's opening with its first entry, so the count of
  // entries decides what comes next, as if one sink had written them all.
  std::lock_guard lock(mutex_);
  entries_ = suspended.entries;
  return stream_.resume(std::move(suspended.object));
}

std::uint64_t OutputSink::entries() const {
  std::lock_guard lock(mutex_);
  return entries_;
}

}  // namespace csv2ddb::ingest
