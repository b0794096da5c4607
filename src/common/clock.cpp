#include "common/clock.hpp"

#include <thread>

namespace csv2ddb {
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

class ThreadSleeper final : public Sleeper {
 public:
  void sleep(std::chrono::microseconds duration) override { std::this_thread::sleep_for(duration); }
};

}  // namespace

Clock& default_clock() {
  static SteadyClock clock;
  return clock;
}

Sleeper& default_sleeper() {
  static ThreadSleeper sleeper;
  return sleeper;
}

}  // namespace csv2ddb
