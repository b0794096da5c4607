#include "ingest/write_pacer.hpp"

#include <algorithm>
#include <cmath>

namespace csv2ddb::ingest {
std::uint32_t write_units(std::size_t item_bytes) {
  const std::size_t units = (item_bytes + 1023) / 1024;
  return static_cast<std::uint32_t>(std::max<std::size_t>(units, 1));
}

void RateMeter::start(std::chrono::microseconds now) {
  if (started_) return;
  started_ = true;
  first_ = now.count();
  index_ = now.count() / bucket_;
}

void RateMeter::add(std::chrono::microseconds now, double units) {
  start(now);
  const std::int64_t bucket = now.count() / bucket_;
  if (bucket > index_) {
    const double span = static_cast<double>((bucket - index_) * bucket_) / 1e6;
    smoothed_ = smoothing_ * (units_ / span) + (1 - smoothing_) * smoothed_;
    closed_one_ = true;
    units_ = 0;
    index_ = bucket;
  }
  units_ += units;
}

double RateMeter::rate(std::chrono::microseconds now) const {
  if (closed_one_) return smoothed_;
  if (!started_) return 0;
  // At least 10 ms, so that the first few requests do not read as an absurd rate.
  const double elapsed = std::max(static_cast<double>(now.count() - first_) / 1e6, 0.01);
  return units_ / elapsed;
}

WritePacer::WritePacer(PacerConfig config, Clock& clock, Sleeper& sleeper)
    : config_(config),
      clock_(clock),
      sleeper_(sleeper),
      sent_(config.measure_bucket, config.smoothing),
      accepted_(config.measure_bucket, config.smoothing) {}

double WritePacer::seconds(std::chrono::microseconds time) const {
  return static_cast<double>(time.count()) / 1e6;
}

double WritePacer::effective_rate() const {
  double rate = engaged_ ? fill_rate_ : 0;
  if (config_.max_wcu > 0) rate = rate > 0 ? std::min(rate, config_.max_wcu) : config_.max_wcu;
  return rate;
}

std::chrono::microseconds WritePacer::acquire(std::uint32_t units) {
  std::chrono::microseconds wait{0};
  std::chrono::microseconds sent_at{0};
  {
    std::lock_guard lock(mutex_);
    const std::chrono::microseconds now = clock_.now();
    const double rate = effective_rate();
    if (rate > 0) {
      // Reserve: the units are paid for `units / rate` seconds after the later of now and the
      // end of what earlier requests reserved. The request goes when its payment starts, so
      // consecutive requests are spaced by the previous one's cost.
      const std::chrono::microseconds start = std::max(now, paid_until_);
      wait = start - now;
      paid_until_ =
          start + std::chrono::microseconds(static_cast<std::int64_t>(units / rate * 1e6));
    } else {
      paid_until_ = now;
    }
    sent_at = now + wait;
    sent_.add(sent_at, units);
    spell_.sent += units;
    accepted_.start(sent_at);  // answers are counted from the first request on
  }
  if (wait.count() > 0) sleeper_.sleep(wait);
  return sent_at;
}

void WritePacer::on_throttle(std::chrono::microseconds sent_at, std::uint64_t accepted) {
  if (!config_.adaptive) return;
  std::lock_guard lock(mutex_);
  const std::chrono::microseconds now_time = clock_.now();
  accepted_.add(now_time, static_cast<double>(accepted));
  ++spell_.answers;
  ++spell_.throttles;
  spell_.accepted += static_cast<double>(accepted);
  if (engaged_ && (sent_at < last_cut_ || now_time - last_cut_ < config_.cut_interval)) return;
  // Too few answers since the last cut to tell what it did: wait for more before cutting again.
  if (engaged_ && spell_.answers < config_.min_answers_to_judge) return;
  const CutVerdict verdict = engaged_ ? judge_last_cut(now_time) : CutVerdict::kUnknown;
  if (verdict == CutVerdict::kIneffective) {
    // The refusals go on as before and the cut only cost throughput: undo it, keep regrowing,
    // and judge the next spell against the same one before the cut.
    fill_rate_ = std::max(fill_rate_, rate_before_cut_);
    ++cuts_undone_;
    last_cut_ = now_time;
    spell_ = Spell{now_time};
    return;
  }
  // A cut that could not be judged is undone with the ones after it, back to the rate before
  // it, should a later one prove ineffective.
  cut(now_time, !engaged_ || verdict == CutVerdict::kEffective);
}

WritePacer::CutVerdict WritePacer::judge_last_cut(std::chrono::microseconds now) const {
  const Spell& before = before_cut_;
  if (before.answers < config_.min_answers_to_judge) return CutVerdict::kUnknown;
  const double n_before = before.answers;
  const double n_now = spell_.answers;
  const double share_before = before.throttles / n_before;
  const double share_now = spell_.throttles / n_now;
  // A table near its capacity refuses a small share while the pacer probes around it; only a
  // share this large, unmoved by a cut, says the refusals do not depend on the rate.
  if (share_before < config_.min_share_to_undo) return CutVerdict::kEffective;
  // The same share, within what chance gives two samples of these sizes.
  const double pooled = (before.throttles + spell_.throttles) / (n_before + n_now);
  const double noise = std::sqrt(pooled * (1 - pooled) * (1 / n_before + 1 / n_now));
  const double tolerance = config_.same_share_deviations * noise + 0.01;
  const bool same_share = std::abs(share_now - share_before) <= tolerance;
  const double span_before = std::max(seconds(last_cut_ - before.start), 1e-3);
  const double span_now = std::max(seconds(now - spell_.start), 1e-3);
  const double sent_ratio = (spell_.sent / span_now) / std::max(before.sent / span_before, 1e-9);
  const double accepted_ratio =
      (spell_.accepted / span_now) / std::max(before.accepted / span_before, 1e-9);
  // A table that accepts nothing is told to slow down whatever the cause.
  const bool ineffective =
      same_share && spell_.accepted > 0 && accepted_ratio <= sent_ratio * (1 + 2 * tolerance);
  return ineffective ? CutVerdict::kIneffective : CutVerdict::kEffective;
}

void WritePacer::cut(std::chrono::microseconds now_time, bool new_undo_point) {
  const double now = seconds(now_time);
  before_cut_ = spell_;
  spell_ = Spell{now_time};
  if (new_undo_point) rate_before_cut_ = engaged_ ? fill_rate_ : sent_.rate(now_time);
  last_cut_ = now_time;
  // What we were sending when the table pushed back: the lower of the measured rate and the
  // rate in force (as the SDKs), and of what the table accepted, when it has told us.
  const double measured = sent_.rate(now_time);
  double rate = engaged_ ? std::min(measured, fill_rate_) : measured;
  const double taken = accepted_.rate(now_time);
  if (taken > 0) rate = std::min(rate, taken);
  if (rate <= 0) rate = engaged_ ? fill_rate_ : config_.min_rate;
  last_max_rate_ = rate;
  k_ = std::cbrt(last_max_rate_ * (1 - config_.beta) / config_.cubic_c);
  last_throttle_ = now;
  fill_rate_ = std::max(rate * config_.beta, config_.min_rate);
  engaged_ = true;
}

void WritePacer::on_success(std::uint64_t accepted) {
  if (!config_.adaptive) return;
  std::lock_guard lock(mutex_);
  const std::chrono::microseconds now_time = clock_.now();
  accepted_.add(now_time, static_cast<double>(accepted));
  ++spell_.answers;
  spell_.accepted += static_cast<double>(accepted);
  if (!engaged_) return;
  const double t = seconds(now_time) - last_throttle_ - k_;
  const double cubic = config_.cubic_c * t * t * t + last_max_rate_;
  double rate = cubic;
  const double measured = sent_.smoothed();
  if (measured > 0) rate = std::min(rate, 2 * measured);
  fill_rate_ = std::max(rate, config_.min_rate);
}

double WritePacer::rate() const {
  std::lock_guard lock(mutex_);
  return effective_rate();
}

double WritePacer::measured_rate() const {
  std::lock_guard lock(mutex_);
  return sent_.smoothed();
}

int WritePacer::cuts_undone() const {
  std::lock_guard lock(mutex_);
  return cuts_undone_;
}

bool WritePacer::adaptive_engaged() const {
  std::lock_guard lock(mutex_);
  return engaged_;
}

}  // namespace csv2ddb::ingest
