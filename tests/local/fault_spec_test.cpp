#include "local/fault_spec.hpp"

#include <gtest/gtest.h>

namespace csv2ddb::local {
namespace {

TEST(FaultSpec, EmptyMeansNoFaults) {
  auto spec = parse_fault_spec("");
  ASSERT_TRUE(spec.ok());
  EXPECT_FALSE(spec->any());
}

TEST(FaultSpec, ParsesEveryFault) {
  auto spec = parse_fault_spec("throttle=0.1,unprocessed=0.2,error=0.05,drop=1,latency=10");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  EXPECT_DOUBLE_EQ(spec->throttle, 0.1);
  EXPECT_DOUBLE_EQ(spec->unprocessed, 0.2);
  EXPECT_DOUBLE_EQ(spec->error, 0.05);
  EXPECT_DOUBLE_EQ(spec->drop, 1.0);
  EXPECT_EQ(spec->latency.count(), 10);
}

TEST(FaultSpec, ParsesWriteCapacity) {
  auto spec = parse_fault_spec("capacity=1000,partition=200");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  EXPECT_DOUBLE_EQ(spec->capacity, 1000);
  EXPECT_DOUBLE_EQ(spec->partition, 200);
  EXPECT_TRUE(spec->any());
  FaultInjector injector(*spec, 1);
  EXPECT_TRUE(injector.capacity().enabled());
  EXPECT_FALSE(FaultInjector(FaultSpec{}, 1).capacity().enabled());
}

TEST(FaultSpec, EveryFaultTogether) {
  // Each name is counted apart for "given twice": no two may share a slot.
  auto spec = parse_fault_spec(
      "throttle=0.1,slowdown=0.3,unprocessed=0.2,error=0.05,drop=0.01,latency=10,capacity=1000,"
      "partition=200");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  EXPECT_DOUBLE_EQ(spec->slowdown, 0.3);
  EXPECT_DOUBLE_EQ(spec->capacity, 1000);
  EXPECT_DOUBLE_EQ(spec->partition, 200);
}

TEST(FaultSpec, RejectsWhatItCannotMean) {
  for (const char* bad :
       {"throttle", "throttle=", "throttle=1.5", "throttle=-0.1", "throttle=x", "latency=1.5",
        "latency=-1", "latency=60001", "slow=1", "error=0.1,error=0.2", "throttle=nan",
        "throttle=0.1,", "capacity=0", "capacity=1.5", "capacity=-5", "partition=", "partition=x",
        "capacity=2000000000", "partition=1,partition=2"}) {
    auto spec = parse_fault_spec(bad);
    ASSERT_FALSE(spec.ok()) << bad;
    EXPECT_EQ(spec.error().code, "InvalidFaultSpec");
  }
  EXPECT_EQ(parse_fault_spec("throttle=2").error().message,
            "--fault: 'throttle=2' needs a rate from 0 to 1 (expected throttle=R, slowdown=R, "
            "unprocessed=R, error=R, drop=R, latency=MS, capacity=N or partition=N)");
}

TEST(FaultInjector, SameSeedSameDraws) {
  FaultInjector a(FaultSpec{}, 42);
  FaultInjector b(FaultSpec{}, 42);
  int hits = 0;
  for (int i = 0; i < 1000; ++i) {
    const bool draw = a.roll(0.3);
    EXPECT_EQ(draw, b.roll(0.3));
    hits += draw;
  }
  EXPECT_GT(hits, 200);  // about 300 of 1000
  EXPECT_LT(hits, 400);
  EXPECT_FALSE(a.roll(0));
  EXPECT_TRUE(a.roll(1));
}

}  // namespace
}  // namespace csv2ddb::local
