#include "cli/ingest_files.hpp"

#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "cli/checkpoint_file.hpp"
#include "cli/checkpoint_journals.hpp"
#include "cli/commands.hpp"
#include "cli/file_outputs.hpp"
#include "cli/input_reading.hpp"
#include "cli/progress_display.hpp"
#include "ingest/counts_json.hpp"
#include "model/json_members.hpp"

namespace csv2ddb::cli {
namespace {

constexpr int kExitUnprocessed = 3;

// The command line again, for "resume with: ...".
std::string resume_command(const std::vector<std::string>& argv) {
  std::string command = "csv2ddb ingest";
  bool has_resume = false;
  for (const std::string& arg : argv) {
    has_resume = has_resume || arg == "--resume";
    const bool plain = arg.find_first_of(" \t'\"$`\\") == std::string::npos && !arg.empty();
    command += plain ? " " + arg : " '" + arg + "'";
  }
  if (!has_resume) command += " --resume";
  return command;
}

// How one file's run ended.
struct FileEnd {
  enum class Kind : std::uint8_t { kDone, kFailed, kInterrupted, kWrongCondition };
  Kind kind = Kind::kDone;
  ingest::Report report;
  std::string format;  // "" when the file could not be opened
  std::optional<ingest::ResumePoint> checkpoint;
  std::string error;  // kWrongCondition
  bool ran = false;   // the run started: the report counts what it accounted before failing
};

class FilesRun {
 public:
  FilesRun(const Expansion& expansion, const IngestPlan& plan,
           const std::shared_ptr<aws::S3Client>& s3, ingest::TableWriter& writer,
           const std::atomic<bool>& interrupted, FileOutputs outputs)
      : files_(expansion.files),
        several_(expansion.several),
        plan_(plan),
        s3_(s3),
        writer_(writer),
        interrupted_(interrupted),
        outputs_(std::move(outputs)) {}

  int run();

 private:
  Status resume_from_checkpoint();
  FileEnd run_file(std::size_t index);
  FileEnd failed(const InputFile& file, const Error& error) const;
  // True when it was written.
  bool save_checkpoint(std::size_t index, const std::string& identity,
                       const ingest::ResumePoint& point, std::uint64_t journal = 0);
  void account(const InputFile& file, const FileEnd& end);
  void print_summary(const InputFile& file, const ingest::Report& report) const;
  int finish(int status);
  bool checkpointing() const { return !plan_.options.dry_run; }

  const std::vector<InputFile>& files_;
  const bool several_;
  const IngestPlan& plan_;
  const std::shared_ptr<aws::S3Client>& s3_;
  ingest::TableWriter& writer_;
  const std::atomic<bool>& interrupted_;
  FileOutputs outputs_;

  std::size_t first_ = 0;                     // where this run starts (a resumed one later)
  std::optional<ingest::ResumePoint> point_;  // in the first file, when resumed within it
  std::uint64_t journal_ = 0;                 // the journals' generation at point_
  std::string expected_identity_;             // of the first file, when resumed
  std::vector<std::string> done_reports_;     // the lines of the files finished
  ingest::Counts total_;
  std::size_t files_failed_ = 0;
  std::optional<Error> checkpoint_error_;
};

Status FilesRun::resume_from_checkpoint() {
  Result<CheckpointFile> checkpoint = read_checkpoint(plan_.checkpoint_path);
  if (!checkpoint) return checkpoint.take_error();
  const std::size_t index = checkpoint->file_index;
  if (checkpoint->table != plan_.options.table || index >= files_.size() ||
      files_[index].location != checkpoint->input) {
    const std::string now = index < files_.size() ? files_[index].location : "nothing";
    return make_error("CheckpointMismatch", "the checkpoint " + plan_.checkpoint_path + " is for " +
                                                checkpoint->input + " -> " + checkpoint->table +
                                                ", not " + now + " -> " + plan_.options.table);
  }
  first_ = index;
  expected_identity_ = checkpoint->identity;
  // A checkpoint taken at a file's start carries no point: the file starts over.
  if (checkpoint->point.rows_read > 0 || checkpoint->point.byte_offset > 0) {
    point_ = checkpoint->point;
    journal_ = checkpoint->journal;
  }
  for (std::string& line : checkpoint->done_reports) {
    Result<model::JsonValue> parsed = model::parse_json(line);
    ingest::Counts counts;
    if (!parsed || !ingest::read_counts(*parsed, ingest::kReportFields, counts)) {
      return make_error("InvalidCheckpoint", plan_.checkpoint_path + ": a report line is damaged");
    }
    const model::JsonValue* status = parsed->find("status");
    if (status != nullptr && status->is_string() && status->as_string() == "failed") {
      ++files_failed_;
    }
    total_ = total_ + counts;
    std::cout << line << "\n";
    done_reports_.push_back(std::move(line));
  }
  return {};
}

FileEnd FilesRun::failed(const InputFile& file, const Error& error) const {
  FileEnd end;
  end.kind = FileEnd::Kind::kFailed;
  end.report.source = file.location;
  end.report.table = plan_.options.table;
  end.report.dry_run = plan_.options.dry_run;
  end.report.failure = ingest::Report::Failure{error.to_string(), std::nullopt};
  return end;
}

bool FilesRun::save_checkpoint(std::size_t index, const std::string& identity,
                               const ingest::ResumePoint& point, std::uint64_t journal) {
  CheckpointFile file;
  file.input = files_[index].location;
  file.identity = identity;
  file.table = plan_.options.table;
  file.point = point;
  file.journal = journal;
  if (several_) {
    file.file_index = index;
    file.done_reports = done_reports_;
  }
  if (Status written = write_checkpoint(plan_.checkpoint_path, file); !written) {
    checkpoint_error_ = written.error();
    return false;
  }
  return true;
}

FileEnd FilesRun::run_file(std::size_t index) {
  const InputFile& file = files_[index];
  const bool first = index == first_;
  Result<OpenedInput> opened = open_input(file, s3_, plan_.format);
  if (!opened) return failed(file, opened.error());
  if (first && !expected_identity_.empty() && opened->identity != expected_identity_) {
    return failed(file, make_error("InputChanged",
                                   file.location + " changed since the checkpoint was written (" +
                                       expected_identity_ + ", now " + opened->identity +
                                       "); run without --resume to start over"));
  }
  ingest::IngestOptions options = plan_.options;
  options.input_format = opened->format;
  options.source_name = file.location;
  options.outputs = outputs_.outputs_for(file.name);
  options.interrupt = &interrupted_;
  if (first && point_) options.resume = point_;
  const bool resumable = opened->format != ingest::InputFormat::kItemArray && file.location != "-";
  // The outputs' entries, kept with the checkpoint so that it may pass rows set aside.
  std::optional<CheckpointJournals> journals;
  if (checkpointing() && resumable) {
    if (several_ && !options.resume) save_checkpoint(index, opened->identity, {});
    journals.emplace(plan_.checkpoint_path, options.resume ? journal_ : 0);
    options.journals = &*journals;
    options.on_checkpoint = [this, index, identity = opened->identity,
                             &journals](const ingest::ResumePoint& point) {
      if (save_checkpoint(index, identity, point, journals->generation())) {
        journals->remove_previous();
      }
    };
  }
  ProgressDisplay display(::isatty(STDERR_FILENO) == 1,
                          opened->compressed ? 0 : opened->stored_bytes);
  Result<ingest::RunOutcome> outcome = ingest::run_ingest(
      std::move(opened->bytes), writer_, options,
      [&display](const ingest::Progress& progress) { display.update(progress); });
  display.finish();
  // An interrupted run's checkpoint names its journals; otherwise the outputs are final (or
  // the checkpoint before this run still names the previous journals). Any end but an
  // interruption ends this file's checkpoint (run() removes it), and the previous journals.
  const bool interrupted = outcome && outcome->end == ingest::RunOutcome::End::kInterrupted;
  if (journals && !(interrupted && outcome->checkpoint)) journals->remove();
  if (journals && !interrupted) journals->remove_previous();
  FileEnd end;
  end.format = std::string(ingest::input_format_name(opened->format));
  if (!outcome) {
    if (outcome.error().code == ingest::kInvalidCondition) {
      end.kind = FileEnd::Kind::kWrongCondition;
      end.error = outcome.error().message;
      return end;
    }
    FileEnd failure = failed(file, outcome.error());
    failure.format = end.format;
    (void)ingest::write_report(options.outputs, failure.report);
    return failure;
  }
  end.report = std::move(outcome->report);
  end.ran = true;
  if (outcome->end == ingest::RunOutcome::End::kFailed) end.kind = FileEnd::Kind::kFailed;
  if (outcome->end == ingest::RunOutcome::End::kInterrupted) {
    end.kind = FileEnd::Kind::kInterrupted;
    end.checkpoint = outcome->checkpoint;
  }
  if (file.item_count && end.kind == FileEnd::Kind::kDone &&
      end.report.rows_read != *file.item_count) {
    std::cerr << "csv2ddb ingest: warning: " << file.location << " has " << end.report.rows_read
              << " lines; its export's manifest says " << *file.item_count << " items\n";
  }
  return end;
}

void FilesRun::print_summary(const InputFile& file, const ingest::Report& report) const {
  const bool dry = plan_.options.dry_run;
  char timing[96];
  std::snprintf(timing, sizeof timing, "%.2f s, %.0f rows/s", report.seconds,
                report.seconds > 0 ? static_cast<double>(report.rows_read) / report.seconds : 0);
  std::cerr << "csv2ddb ingest: " << file.location << " -> " << plan_.options.table
            << (dry ? " (dry run)" : "") << ": " << report.rows_read
            << " rows read: " << report.rows_written << (dry ? " would be written, " : " written, ")
            << report.rows_rejected << " rejected, " << report.rows_unprocessed << " unprocessed, "
            << report.rows_skipped << " skipped";
  if (report.rows_conflicts > 0) std::cerr << ", " << report.rows_conflicts << " conflicts";
  std::cerr << "; " << timing << "\n";
  for (const char* output : {"rejected", "conflicts"}) {
    const std::uint64_t rows =
        std::string_view(output) == "rejected" ? report.rows_rejected : report.rows_conflicts;
    if (rows > 0) {
      std::cerr << "  " << output << " rows: " << outputs_.locate(file.name, output) << "\n";
    }
  }
  if (report.rows_unprocessed > 0) {
    std::cerr << "  unprocessed rows: " << outputs_.locate(file.name, "unprocessed")
              << " (feed it back with csv2ddb ingest once the table accepts writes)\n";
  }
}

void FilesRun::account(const InputFile& file, const FileEnd& end) {
  total_ = total_ + end.report;
  if (end.kind == FileEnd::Kind::kFailed) {
    ++files_failed_;
    // One file: the error alone, as every command says it; several: each failure names its file.
    std::cerr << "csv2ddb ingest: " << (several_ ? file.location + ": " : "")
              << end.report.failure->reason
              << (end.report.failure->line
                      ? " (at line " + std::to_string(*end.report.failure->line) + ")"
                      : std::string())
              << "\n";
    // One file that failed before its run started has no counts: the error is all there is.
    if (!several_ && !end.ran) return;
  } else if (!several_ ||
             end.report.rows_rejected + end.report.rows_unprocessed + end.report.rows_conflicts >
                 0) {
    print_summary(file, end.report);
  }
  if (!several_) {
    std::cout << end.report.to_json() << "\n" << std::flush;
    return;
  }
  std::string line = "{\"input\":";
  model::append_json_string(line, file.location);
  if (!end.format.empty()) {
    line += ",\"format\":\"" + end.format + "\"";
  }
  if (file.size) line += ",\"size\":" + std::to_string(*file.size);
  line += "," + end.report.to_json().substr(1);
  std::cout << line << "\n" << std::flush;
  done_reports_.push_back(std::move(line));
}

int FilesRun::finish(int status) {
  if (several_) {
    std::string line = "{\"total\":{\"files\":" + std::to_string(done_reports_.size()) +
                       ",\"failed\":" + std::to_string(files_failed_);
    model::JsonWriter json(line);
    ingest::append_counts(json, total_, ingest::kReportFields, ingest::NumberForm::kRounded, false);
    line += plan_.options.dry_run ? ",\"dry_run\":true}}" : ",\"dry_run\":false}}";
    std::cout << line << "\n" << std::flush;
    std::cerr << "csv2ddb ingest: " << done_reports_.size() << " files, " << files_failed_
              << " failed: " << total_.rows_read << " rows read, " << total_.rows_written
              << " written, " << total_.rows_rejected << " rejected, " << total_.rows_unprocessed
              << " unprocessed, " << total_.rows_skipped << " skipped, " << total_.rows_conflicts
              << " conflicts\n";
  }
  if (checkpoint_error_) {
    std::cerr << "csv2ddb ingest: warning: " << checkpoint_error_->to_string() << "\n";
  }
  return status;
}

int FilesRun::run() {
  if (plan_.resume) {
    if (Status resumed = resume_from_checkpoint(); !resumed) {
      if (resumed.error().code != kNoCheckpoint) {
        std::cerr << "csv2ddb ingest: " << resumed.error().to_string() << "\n";
        return kExitFailure;
      }
      // Stopped before its first checkpoint: nothing was accounted that a resume could skip.
      std::cerr << "csv2ddb ingest: no checkpoint at " << plan_.checkpoint_path
                << ": starting from the beginning\n";
    }
  }
  if (!plan_.keep_going) {
    for (std::size_t i = first_; i < files_.size(); ++i) {
      if (files_[i].missing.empty()) continue;
      std::cerr << "csv2ddb ingest: " << files_[i].missing
                << "; nothing was written (--keep-going loads the other files)\n";
      return kExitFailure;
    }
  }
  bool unprocessed = false;
  for (std::size_t index = first_; index < files_.size(); ++index) {
    const InputFile& file = files_[index];
    if (interrupted_) {
      if (checkpointing()) save_checkpoint(index, "", {});
      std::cerr << "csv2ddb ingest: interrupted before " << file.location
                << "\n  resume with: " << resume_command(plan_.argv) << "\n";
      return finish(kExitInterrupted);
    }
    FileEnd end = run_file(index);
    if (end.kind == FileEnd::Kind::kWrongCondition) {
      std::cerr << "csv2ddb ingest: " << file.location << ": " << end.error << "\n";
      return finish(kExitUsage);
    }
    if (end.kind == FileEnd::Kind::kInterrupted) {
      std::cout << end.report.to_json() << "\n" << std::flush;
      std::cerr << "csv2ddb ingest: interrupted: " << file.location << ": " << end.report.rows_read
                << " rows accounted for before the checkpoint";
      if (end.checkpoint && checkpointing()) {
        std::cerr << " (line " << end.checkpoint->line << ", byte " << end.checkpoint->byte_offset
                  << ", saved in " << plan_.checkpoint_path
                  << ")\n  resume with: " << resume_command(plan_.argv) << "\n";
      } else {
        std::cerr << "; nothing to resume from, run the command again\n";
      }
      return finish(kExitInterrupted);
    }
    account(file, end);
    unprocessed = unprocessed || end.report.rows_unprocessed > 0;
    if (end.kind == FileEnd::Kind::kFailed && !plan_.keep_going) break;
  }
  if (checkpointing()) std::remove(plan_.checkpoint_path.c_str());
  if (files_failed_ > 0) return finish(kExitFailure);
  return finish(unprocessed ? kExitUnprocessed : kExitOk);
}

}  // namespace

int ingest_files(const Expansion& expansion, const IngestPlan& plan,
                 const std::shared_ptr<aws::S3Client>& s3, ingest::TableWriter& writer,
                 const std::atomic<bool>& interrupted) {
  Result<FileOutputs> outputs = expansion.several
                                    ? FileOutputs::for_several(s3, plan.outputs_folder)
                                    : FileOutputs::for_one(s3, plan.destinations);
  if (!outputs) {
    std::cerr << "csv2ddb ingest: " << outputs.error().message << "\n";
    return kExitUsage;
  }
  FilesRun run(expansion, plan, s3, writer, interrupted, std::move(*outputs));
  return run.run();
}

}  // namespace csv2ddb::cli
