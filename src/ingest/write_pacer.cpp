#include "ingest/write_pacer.hpp"

#include <algorithm>
#include <cmath>

namespace csv2ddb::ingest {
namespace {

class SteadyClock final : public Clock {
 public:
  std::chrono::microseconds now() override {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                                 start_);
  }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace

Clock& default_clock() {
  static SteadyClock clock;
  return clock;
}

std::uint32_t write_units(std::size_t item_bytes) {
  const std::size_t units = (item_bytes + 1023) / 1024;
  return static_cast<std::uint32_t>(std::max<std::size_t>(units, 1));
}

WritePacer::WritePacer(PacerConfig config, Clock& clock, Sleeper& sleeper)
    : config_(config), clock_(clock), sleeper_(sleeper) {}

double WritePacer::seconds(std::chrono::microseconds time) const {
  return static_cast<double>(time.count()) / 1e6;
}

double WritePacer::effective_rate() const {
  double rate = engaged_ ? fill_rate_ : 0;
  if (config_.max_wcu > 0) rate = rate > 0 ? std::min(rate, config_.max_wcu) : config_.max_wcu;
  return rate;
}

void WritePacer::measure(std::chrono::microseconds now, std::uint32_t units) {
  // Units per bucket, smoothed across buckets: the SDKs' measured transmit rate.
  const std::int64_t bucket = now.count() / config_.measure_bucket.count();
  if (bucket != bucket_index_) {
    const double span =
        static_cast<double>(bucket - bucket_index_) * seconds(config_.measure_bucket);
    const double current = bucket_units_ / span;
    measured_ = config_.smoothing * current + (1 - config_.smoothing) * measured_;
    bucket_units_ = 0;
    bucket_index_ = bucket;
  }
  bucket_units_ += units;
}

void WritePacer::acquire(std::uint32_t units) {
  std::chrono::microseconds wait{0};
  {
    std::lock_guard lock(mutex_);
    const std::chrono::microseconds now = clock_.now();
    if (!started_) {
      started_ = true;
      bucket_index_ = now.count() / config_.measure_bucket.count();
    }
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
    measure(now + wait, units);
  }
  if (wait.count() > 0) sleeper_.sleep(wait);
}

void WritePacer::on_throttle() {
  if (!config_.adaptive) return;
  std::lock_guard lock(mutex_);
  const double now = seconds(clock_.now());
  // What we were sending when the table pushed back; the SDKs take the lower of the measured
  // rate and the rate in force.
  double rate = engaged_ ? std::min(measured_, fill_rate_) : measured_;
  if (rate <= 0) rate = engaged_ ? fill_rate_ : config_.min_rate;
  last_max_rate_ = rate;
  k_ = std::cbrt(last_max_rate_ * (1 - config_.beta) / config_.cubic_c);
  last_throttle_ = now;
  fill_rate_ = std::max(rate * config_.beta, config_.min_rate);
  engaged_ = true;
}

void WritePacer::on_success() {
  if (!config_.adaptive) return;
  std::lock_guard lock(mutex_);
  if (!engaged_) return;
  const double t = seconds(clock_.now()) - last_throttle_ - k_;
  const double cubic = config_.cubic_c * t * t * t + last_max_rate_;
  double rate = cubic;
  if (measured_ > 0) rate = std::min(rate, 2 * measured_);
  fill_rate_ = std::max(rate, config_.min_rate);
}

double WritePacer::rate() const {
  std::lock_guard lock(mutex_);
  return effective_rate();
}

double WritePacer::measured_rate() const {
  std::lock_guard lock(mutex_);
  return measured_;
}

bool WritePacer::adaptive_engaged() const {
  std::lock_guard lock(mutex_);
  return engaged_;
}

}  // namespace csv2ddb::ingest
