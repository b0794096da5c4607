// Client-side pacing of writes, shared by every lane of a run, in write capacity units (WCU).
//
// Two limits meet here:
// - `--max-wcu N`, a hard cap the user sets: requests are spaced so that over any stretch of
//   time the write units sent average at most N per second. There is no saved-up burst: after
//   an idle spell the next request still waits for its own units, so a window of one second
//   holds at most N plus the units of one request.
// - Adaptive pacing in the spirit of the AWS SDKs' "adaptive" retry mode: no limit until the
//   table first throttles; then the rate is cut to beta (0.7) of what was being sent, and grows
//   back along CUBIC's curve, W(t) = c * (t - K)^3 + W_max, so it returns to the rate that
//   throttled after K seconds and probes above it slowly. Like the SDKs we never let it exceed
//   twice the rate actually measured, so a long clean spell cannot build up a rate the client
//   never used. UnprocessedItems counts as throttling: it is DynamoDB shedding load from a hot
//   partition.
// Where we depart from the SDKs, because many lanes share one pacer and DynamoDB meters per
// second (measured against `csv2ddb local --fault capacity=N`, see tests/e2e):
// - What was being sent is also bounded by what the table accepted (the units of the answers,
//   UnprocessedItems taken off), over the whole spell since the last cut when it is long
//   enough: an overloaded table accepts about its capacity, so the cut lands near beta times
//   the capacity instead of beta times a burst far above it, and the curve's plateau W_max is
//   the capacity itself.
// - K is fixed (`recovery`, 6 s) and c follows from it, so the curve has the same shape at any
//   rate: the SDKs' fixed c (0.4 requests/s per s^3) probes a table of 1,000 units/s above its
//   capacity every few seconds (16% of the requests throttled, in the simulation of
//   write_pacer_simulation_test.cpp) and one of 100,000 barely at all.
// - A cut re-spaces the requests already waiting for their turn: 32 lanes of 25 units queued at
//   1,000 units/s hold 0.8 s of requests at the rate that throttled.
// - One cut per `cut_interval` (1 s), and never for a request sent before the last cut: a
//   moment of overload comes back as one throttle per lane in flight, and a table's capacity is
//   metered per second, so throttles go on for a while after a cut even at a rate below the
//   capacity (the bucket refills). Cutting on each of those took the rate to the floor.
// - A cut that only cost throughput is undone (the curve goes on as if it had not been made:
//   with no cut before it, no limit at all), and no further cut is made while that holds: a
//   table that refuses requests at random whatever the rate (errors, a noisy neighbour,
//   --fault throttle=R) is not telling us to slow down, and cutting on each of its refusals
//   took a load to the floor (100,000 rows in 17.7 minutes against 40 s at fixed concurrency).
//   Over the spell since a cut, against the spell before it: when the throttled share stayed
//   about the same and what the table accepted fell with what we sent, the rate was not the
//   cause. A capacity limit behaves the other way: above it, the table accepts its capacity
//   whatever we send (the share moves); below it, the throttles stop; either way its cuts
//   stand. Only a share of at least min_share_to_undo (25%) is judged: near its capacity a
//   table refuses a small share while the pacer probes, and those cuts always stand. Judged, and
//   cuts after the first made, only once enough answers came back (min_answers_to_judge): at the
//   floor that is a few seconds.
// The SDKs pace requests; we pace write units, since that is what DynamoDB meters and a batch
// of 25 one-KB items costs 25 times a batch of one.
//
// Time comes from an injected Clock and waiting goes through a Sleeper (common/clock.hpp), so
// tests drive both exactly (ManualClock).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>

#include "common/clock.hpp"

namespace csv2ddb::ingest {

// The write units of an item as DynamoDB meters a standard put: one per started KB (at least 1).
std::uint32_t write_units(std::size_t item_bytes);

struct PacerConfig {
  double max_wcu = 0;    // 0: no cap
  bool adaptive = true;  // slow down on throttling, speed up when clean
  double beta = 0.7;     // multiplicative decrease
  // CUBIC's K: seconds from a cut back to the rate that throttled (see aim_at).
  std::chrono::microseconds recovery{6'000'000};
  double min_rate = 100;  // WCU/s: the adaptive floor, four batches of small items a second
  std::chrono::microseconds measure_bucket{500'000};  // measured rate: smoothed per bucket
  double smoothing = 0.8;                             // weight of the newest bucket
  std::chrono::microseconds cut_interval{1'000'000};  // at most one cut per interval
  // A cut is judged ineffective when the throttled share since it is the share before it
  // within this many standard deviations of chance (plus 1%), and what was accepted fell with
  // what was sent. No cut is judged, nor made after the first, on fewer answers than this.
  double same_share_deviations = 2.5;
  double min_share_to_undo = 0.25;
  int min_answers_to_judge = 20;
};

// Units per second, counted per bucket of time and smoothed across buckets (the SDKs' measured
// transmit rate). Before the first bucket closes, the units so far over the time so far.
class RateMeter {
 public:
  RateMeter(std::chrono::microseconds bucket, double smoothing)
      : bucket_(bucket.count()), smoothing_(smoothing) {}
  void start(std::chrono::microseconds now);  // counting starts (the first add, if not before)
  void add(std::chrono::microseconds now, double units);
  // 0 when nothing was counted yet.
  double rate(std::chrono::microseconds now) const;
  double smoothed() const { return smoothed_; }

 private:
  std::int64_t bucket_;
  double smoothing_;
  bool started_ = false;
  bool closed_one_ = false;
  std::int64_t first_ = 0;  // when counting started, microseconds
  std::int64_t index_ = 0;
  double units_ = 0;  // in the open bucket
  double smoothed_ = 0;
};

class WritePacer {
 public:
  WritePacer(PacerConfig config, Clock& clock, Sleeper& sleeper);

  // Waits until `units` may be sent, then counts them as sent. Returns the time the request
  // goes, to hand back with its answer. A cut while it waits re-spaces it at the new rate.
  std::chrono::microseconds acquire(std::uint32_t units);

  // acquire() in two steps, for callers that wait by themselves (the simulations): reserve a
  // slot, wait `wait`, then confirm it. A slot reserved before a cut is refused (false): the
  // requests queued at the old rate would otherwise go on overloading the table for as long
  // as the queue (with 32 lanes of 25 units at 1,000 WCU/s, 0.8 s); reserve again.
  struct Slot {
    std::chrono::microseconds wait{0};
    std::chrono::microseconds sent_at{0};
    std::uint32_t units = 0;
    std::uint64_t cuts = 0;  // cuts made before it was reserved
  };
  Slot reserve(std::uint32_t units);
  bool confirm(const Slot& slot);
  // The answer to a request: throttled (an error, or UnprocessedItems), or clean. `sent_at`:
  // what acquire returned for it; `accepted`: the write units the table took.
  void on_throttle(std::chrono::microseconds sent_at = std::chrono::microseconds::max(),
                   std::uint64_t accepted = 0);
  void on_success(std::uint64_t accepted = 0);

  // The rate in force, WCU/s (0: unlimited). For tests and progress.
  double rate() const;
  double measured_rate() const;
  bool adaptive_engaged() const;
  // Throttles judged not to be the rate's fault (their cut undone).
  int cuts_undone() const;

 private:
  // Everything below: called with mutex_ held.
  double seconds(std::chrono::microseconds time) const;
  double effective_rate() const;
  // What the last cut did (see above): kIneffective when it only cost throughput (the rate is
  // not the cause), kUnknown when too few answers came back to tell.
  enum class CutVerdict : std::uint8_t { kEffective, kIneffective, kUnknown };
  CutVerdict judge_last_cut(std::chrono::microseconds now) const;
  // `new_undo_point`: an undo goes back to the rate in force now (else to the earlier point).
  void cut(std::chrono::microseconds now_time, bool new_undo_point);
  // Units/s the table accepted over the spell since the last cut; 0 when too short to tell.
  double accepted_over_spell(std::chrono::microseconds now) const;
  // An ineffective cut: back to the curve before it, as if it had not been made.
  void undo_cut(std::chrono::microseconds now_time);

  const PacerConfig config_;
  Clock& clock_;
  Sleeper& sleeper_;
  mutable std::mutex mutex_;
  // The bucket, by reservation: the time at which the units sent so far are paid for. A request
  // reserves its units and waits until then; an idle spell does not save units up.
  std::chrono::microseconds paid_until_{0};
  std::uint64_t cuts_ = 0;
  // Adaptive state: the CUBIC curve the rate follows since the last cut.
  struct Curve {
    bool engaged = false;  // false: no limit (before the first cut, or all cuts undone)
    double fill_rate = 0;
    double w_max = 0;   // the rate it returns to, K seconds after the cut
    double cut_at = 0;  // seconds
    double k = 0;       // seconds
    double c = 0;       // units/s per s^3
  };
  Curve curve_;
  // What an ineffective cut is undone to: the curve before the first cut of the run of cuts
  // that could not be judged.
  Curve undo_point_;
  double highest_cut_from_ = 0;  // the highest W_max so far
  bool judging_ = false;         // a cut was made: later throttles are judged before cutting
  std::chrono::microseconds last_cut_{std::chrono::microseconds::min()};
  // What was sent and answered over a spell between cuts.
  struct Spell {
    std::chrono::microseconds start{0};
    int answers = 0;
    int throttles = 0;
    double sent = 0;      // units
    double accepted = 0;  // units
  };
  Spell spell_;       // since the last cut (or undo)
  Spell before_cut_;  // the spell that ended in the last cut
  int cuts_undone_ = 0;
  RateMeter sent_;
  RateMeter accepted_;
};

}  // namespace csv2ddb::ingest
