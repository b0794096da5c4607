#include "cli/progress_display.hpp"

#include <algorithm>

namespace csv2ddb::cli {
namespace {

constexpr std::chrono::milliseconds kRedrawEvery{250};

std::string duration(double seconds) {
  const auto total = static_cast<long long>(seconds + 0.5);
  char text[32];
  if (total >= 3600) {
    std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", total / 3600, total / 60 % 60,
                  total % 60);
  } else {
    std::snprintf(text, sizeof text, "%lld:%02lld", total / 60, total % 60);
  }
  return text;
}

}  // namespace

ProgressDisplay::ProgressDisplay(bool enabled, std::uint64_t input_bytes, std::FILE* out)
    : enabled_(enabled), input_bytes_(input_bytes), out_(out) {}

std::string ProgressDisplay::format(const ingest::Progress& progress, double elapsed,
                                    std::uint64_t input_bytes) {
  const double rate = elapsed > 0 ? 1.0 / elapsed : 0;
  char line[256];
  std::snprintf(line, sizeof line,
                "%llu rows, %.1f MB, %.0f rows/s, %.0f WCU/s, %llu written, %llu rejected",
                static_cast<unsigned long long>(progress.rows_read),
                static_cast<double>(progress.bytes_read) / 1e6,
                static_cast<double>(progress.rows_read) * rate,
                static_cast<double>(progress.units_written) * rate,
                static_cast<unsigned long long>(progress.rows_written),
                static_cast<unsigned long long>(progress.rows_rejected));
  std::string text = line;
  if (progress.requests > 0) {
    std::snprintf(line, sizeof line, ", %llu requests, %llu throttled",
                  static_cast<unsigned long long>(progress.requests),
                  static_cast<unsigned long long>(progress.throttles));
    text += line;
  }
  // The share of the input done: the share of its bytes read, times the share of the rows read
  // that are written or rejected. Bytes read alone run ahead: the reader fills a window of rows
  // (a whole small file at once) while the writes go on, and would show 100%, ETA 0:00, long
  // before the end. No ETA without a rate to project from (no time elapsed, nothing written
  // yet), nor when the input grew past its size at the start.
  if (input_bytes > 0 && elapsed > 0 && progress.rows_read > 0 &&
      progress.bytes_read <= input_bytes) {
    const double rows_done =
        std::min(1.0, static_cast<double>(progress.rows_written + progress.rows_rejected) /
                          static_cast<double>(progress.rows_read));
    const double fraction =
        static_cast<double>(progress.bytes_read) / static_cast<double>(input_bytes) * rows_done;
    if (fraction > 0) {
      std::snprintf(line, sizeof line, ", %.0f%%, ETA %s", fraction * 100,
                    duration(elapsed * (1 - fraction) / fraction).c_str());
      text += line;
    }
  }
  return text;
}

void ProgressDisplay::update(const ingest::Progress& progress) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_drawn_ < kRedrawEvery) return;
  last_drawn_ = now;
  drawn_ = true;
  const double elapsed = std::chrono::duration<double>(now - started_).count();
  // \r and "erase to end of line": the line is redrawn in place.
  std::fprintf(out_, "\r%s\x1b[K", format(progress, elapsed, input_bytes_).c_str());
  std::fflush(out_);
}

void ProgressDisplay::finish() {
  if (!enabled_ || !drawn_) return;
  std::fputc('\n', out_);
  std::fflush(out_);
  drawn_ = false;
}

}  // namespace csv2ddb::cli
