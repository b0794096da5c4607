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
  double rate = curve_.engaged ? curve_.fill_rate : 0;
  if (config_.max_wcu > 0) rate = rate > 0 ? std::min(rate, config_.max_wcu) : config_.max_wcu;
  return rate;
}

std::chrono::microseconds WritePacer::acquire(std::uint32_t units) {
  while (true) {
    const Slot slot = reserve(units);
    if (slot.wait.count() > 0) sleeper_.sleep(slot.wait);
    if (confirm(slot)) return slot.sent_at;
  }
}

WritePacer::Slot WritePacer::reserve(std::uint32_t units) {
  std::lock_guard lock(mutex_);
  const std::chrono::microseconds now = clock_.now();
  Slot slot{.units = units, .cuts = cuts_};
  const double rate = effective_rate();
  if (rate > 0) {
    // Reserve: the units are paid for `units / rate` seconds after the later of now and the
    // end of what earlier requests reserved. The request goes when its payment starts, so
    // consecutive requests are spaced by the previous one's cost.
    const std::chrono::microseconds start = std::max(now, paid_until_);
    slot.wait = start - now;
    paid_until_ = start + std::chrono::microseconds(static_cast<std::int64_t>(units / rate * 1e6));
  } else {
    paid_until_ = now;
  }
  slot.sent_at = now + slot.wait;
  return slot;
}

bool WritePacer::confirm(const Slot& slot) {
  std::lock_guard lock(mutex_);
  if (slot.cuts != cuts_) return false;
  sent_.add(slot.sent_at, slot.units);
  spell_.sent += slot.units;
  accepted_.start(slot.sent_at);  // answers are counted from the first request on
  return true;
}

void WritePacer::on_throttle(std::chrono::microseconds sent_at, std::uint64_t accepted) {
  if (!config_.adaptive) return;
  std::lock_guard lock(mutex_);
  const std::chrono::microseconds now_time = clock_.now();
  accepted_.add(now_time, static_cast<double>(accepted));
  ++spell_.answers;
  ++spell_.throttles;
  spell_.accepted += static_cast<double>(accepted);
  if (judging_ && (sent_at < last_cut_ || now_time - last_cut_ < config_.cut_interval)) return;
  // Too few answers since the last cut to tell what it did: wait for more before cutting again.
  if (judging_ && spell_.answers < config_.min_answers_to_judge) return;
  const CutVerdict verdict = judging_ ? judge_last_cut(now_time) : CutVerdict::kUnknown;
  if (verdict == CutVerdict::kIneffective) {
    undo_cut(now_time);
    return;
  }
  // A cut that could not be judged is undone with the ones after it, back to the curve before
  // it, should a later one prove ineffective.
  cut(now_time, !judging_ || verdict == CutVerdict::kEffective);
}

void WritePacer::undo_cut(std::chrono::microseconds now_time) {
  // The refusals go on as before and the cut only cost throughput: the curve goes on as if it
  // had not been made (the rate keeps growing; with no cut before it, no limit at all), and the
  // next spell is judged against the same one before the cut.
  curve_ = undo_point_;
  ++cuts_undone_;
  last_cut_ = now_time;
  spell_ = Spell{now_time};
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
  const double spell_accepted = accepted_over_spell(now_time);
  before_cut_ = spell_;
  spell_ = Spell{now_time};
  if (new_undo_point) undo_point_ = curve_;
  last_cut_ = now_time;
  judging_ = true;
  // The requests waiting for their turn were spaced at the old rate: they reserve again.
  ++cuts_;
  paid_until_ = now_time;
  // What we were sending when the table pushed back: the lower of the measured rate and the
  // rate in force (as the SDKs), and of what the table accepted, when it has told us. Both over
  // the whole spell since the last cut when it is long enough: what the table accepted then is
  // its capacity (a table whose bucket ran dry at both cuts took exactly what refilled it), or
  // this writer's part of it when others share the table. The last half second alone misleads:
  // it includes the bucket running dry (high), or lanes sleeping in backoff (near 0, and a
  // writer of a fanned-out import cut to the floor).
  const Spell& spell = before_cut_;
  const bool whole_spell = spell_accepted > 0;
  const double span = seconds(now_time - spell.start);
  const double measured = whole_spell ? spell.sent / span : sent_.rate(now_time);
  double rate = curve_.engaged ? std::min(measured, curve_.fill_rate) : measured;
  const double taken = whole_spell ? spell_accepted : accepted_.rate(now_time);
  if (taken > 0) rate = std::min(rate, taken);
  if (rate <= 0) rate = curve_.engaged ? curve_.fill_rate : config_.min_rate;
  // The curve comes back to `rate` after `recovery` seconds: c is set for that, so that the
  // curve has the same shape at any rate and a table of 1,000 units/s is probed as gently as
  // one of 100,000 (the SDKs' fixed c, in requests, probes a slow table in a second or two).
  // c is set by the highest rate cut from so far, so that a rate cut far below it (workers
  // sharing the table that all cut at once) climbs back faster: K is then shorter. Only rates
  // measured over a whole spell count: the first burst of a run reads far above any capacity
  // (the table's saved-up units).
  const double recovery = seconds(config_.recovery);
  if (whole_spell) highest_cut_from_ = std::max(highest_cut_from_, rate);
  const double scale = std::max(highest_cut_from_, whole_spell ? 0 : rate);
  const double c = scale * (1 - config_.beta) / (recovery * recovery * recovery);
  curve_ = Curve{.engaged = true,
                 .fill_rate = std::max(rate * config_.beta, config_.min_rate),
                 .w_max = rate,
                 .cut_at = seconds(now_time),
                 .k = std::cbrt(rate * (1 - config_.beta) / c),
                 .c = c};
}

double WritePacer::accepted_over_spell(std::chrono::microseconds now) const {
  const double span = seconds(now - spell_.start);
  if (span < seconds(config_.cut_interval) || spell_.answers < config_.min_answers_to_judge) {
    return 0;
  }
  return spell_.accepted / span;
}

void WritePacer::on_success(std::uint64_t accepted) {
  if (!config_.adaptive) return;
  std::lock_guard lock(mutex_);
  const std::chrono::microseconds now_time = clock_.now();
  accepted_.add(now_time, static_cast<double>(accepted));
  ++spell_.answers;
  spell_.accepted += static_cast<double>(accepted);
  if (!curve_.engaged) return;
  const double t = seconds(now_time) - curve_.cut_at - curve_.k;
  const double cubic = curve_.c * t * t * t + curve_.w_max;
  double rate = cubic;
  const double measured = sent_.smoothed();
  if (measured > 0) rate = std::min(rate, 2 * measured);
  curve_.fill_rate = std::max(rate, config_.min_rate);
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
  return curve_.engaged;
}

}  // namespace csv2ddb::ingest
