// The test scheduler itself: unit tests and the fuzz harness rely on its ordering, on advance()
// stopping after max_runs (a timer that re-arms itself must not spin the harness) and on clear().
#include <catch2/catch.hpp>

#include <functional>

#include <string>
#include <vector>

#include "tests/support/manual_scheduler.h"

using namespace std::chrono_literals;
using rime::test::ManualScheduler;

TEST_CASE("ManualScheduler runs due timers in due order, leaves later ones", "[scheduler]") {
  ManualScheduler s;
  std::vector<std::string> ran;
  s.after(30ms, [&] { ran.push_back("c"); });
  s.after(10ms, [&] { ran.push_back("a"); });
  s.after(-5ms, [&] { ran.push_back("now"); });  // a negative delay is due at once
  s.after(20ms, [&] { ran.push_back("b"); });
  auto late = s.after(100ms, [&] { ran.push_back("late"); });
  s.advance(30ms);
  CHECK(ran == std::vector<std::string>{"now", "a", "b", "c"});
  CHECK(s.pending() == 1);
  CHECK(s.cancel(late));
  CHECK_FALSE(s.cancel(late));
  s.advance(1000ms);
  CHECK(ran.size() == 4);
}

TEST_CASE("ManualScheduler: max_runs bounds a timer that re-arms itself", "[scheduler]") {
  ManualScheduler s;
  int runs = 0;
  std::function<void()> tick = [&] {
    ++runs;
    s.after(0ms, tick);
  };
  s.after(0ms, tick);
  s.advance(1s, 50);
  CHECK(runs == 50);
  CHECK(s.pending() == 1);
  s.clear();
  CHECK(s.pending() == 0);
  s.advance(1s);
  CHECK(runs == 50);
}

TEST_CASE("ManualScheduler: a timer scheduled by a timer within the window runs in the same advance", "[scheduler]") {
  ManualScheduler s;
  std::vector<int> at;
  s.after(10ms, [&] {
    at.push_back(10);
    s.after(15ms, [&] { at.push_back(25); });  // due at 25 ms, inside the 30 ms window
    s.after(25ms, [&] { at.push_back(35); });  // due at 35 ms, outside
  });
  s.advance(30ms);
  CHECK(at == std::vector<int>{10, 25});
  s.advance(5ms);
  CHECK(at == std::vector<int>{10, 25, 35});
}
