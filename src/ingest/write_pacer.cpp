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
  if (engaged_ && (sent_at < last_cut_ || now_time - last_cut_ < config_.cut_interval)) return;
  last_cut_ = now_time;
  const double now = seconds(now_time);
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

bool WritePacer::adaptive_engaged() const {
  std::lock_guard lock(mutex_);
  return engaged_;
}

}  // namespace csv2ddb::ingest
