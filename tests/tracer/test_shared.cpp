// weft::shared<T>: a plain value whose every read and write is recorded
// (shared.read / shared.write, the value in arg, no sequence number), at the
// caller's line, operators included (with_site).
#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "../support/trace_probe.hpp"

using weft::format::EventKind;
using weft::format::kNoSeq;
namespace fmt = weft::format;

namespace {

struct Access {
  EventKind kind;
  std::uint64_t arg;
  unsigned line;
  bool operator==(const Access& o) const { return kind == o.kind && arg == o.arg && line == o.line; }
};

std::ostream& operator<<(std::ostream& os, const Access& a) {
  return os << (a.kind == EventKind::SharedRead ? "read " : "write ") << a.arg << " @" << a.line;
}

std::vector<Access> accesses(const weft::test::Probe& probe, std::uint32_t object) {
  std::vector<Access> out;
  for (const auto& e : probe.on_object(object)) {
    if (e.kind != EventKind::SharedRead && e.kind != EventKind::SharedWrite) continue;
    CHECK(e.seq == kNoSeq);  // their order is what a race leaves undecided
    CHECK(probe.site_file(e).find("test_shared.cpp") != std::string::npos);
    out.push_back({e.kind, e.arg, probe.trace.site(e.site).line});
  }
  return out;
}

constexpr EventKind R = EventKind::SharedRead;
constexpr EventKind W = EventKind::SharedWrite;

}  // namespace

TEST_CASE("every read and write of a shared value is recorded with the value and the caller's line", "[shared]") {
  weft::shared<long> x(5, "x_shared");
  const long first = x.get(); const unsigned l_get = __LINE__;
  x.set(7); const unsigned l_set = __LINE__;
  x += 3; const unsigned l_add = __LINE__;
  x -= 4; const unsigned l_sub = __LINE__;
  x *= 2; const unsigned l_mul = __LINE__;
  x = 1; const unsigned l_assign = __LINE__;
  x.modify([](long& v) { v += 100; }); const unsigned l_modify = __LINE__;
  const long last = x.get(); const unsigned l_last = __LINE__;
  CHECK(first == 5);
  CHECK(last == 101);

  const auto probe = weft::test::Probe::take();
  CHECK(probe.trace.object(x.id()).kind == fmt::ObjectKind::Shared);
  CHECK(probe.trace.object(x.id()).name == "x_shared");
  CHECK(accesses(probe, x.id()) == std::vector<Access>{{R, 5, l_get},
                                                       {W, 7, l_set},
                                                       {R, 7, l_add},
                                                       {W, 10, l_add},
                                                       {R, 10, l_sub},
                                                       {W, 6, l_sub},
                                                       {R, 6, l_mul},
                                                       {W, 12, l_mul},
                                                       {W, 1, l_assign},
                                                       {R, 1, l_modify},
                                                       {W, 101, l_modify},
                                                       {R, 101, l_last}});
  for (const auto& e : probe.on_object(x.id()))
    if (e.kind == R || e.kind == W) CHECK(e.thread == weft::this_thread::id());
}

TEST_CASE("shared values of other types record what fits in arg", "[shared]") {
  weft::shared<int> negative(-3, "neg_shared");
  CHECK(negative.get() == -3);
  int target = 0;
  weft::shared<int*> pointer(&target, "ptr_shared");
  *pointer.get() = 9;
  CHECK(target == 9);
  weft::shared<std::string> text(std::string("hi"), "str_shared");
  const auto size = text.modify([](std::string& s) {
    s += "!";
    return s.size();
  });
  CHECK(size == 3);
  CHECK(text.get() == "hi!");

  const auto probe = weft::test::Probe::take();
  const auto n = accesses(probe, negative.id());
  REQUIRE(n.size() == 1);
  CHECK(n[0].arg == static_cast<std::uint64_t>(std::int64_t{-3}));  // sign-extended
  const auto p = accesses(probe, pointer.id());
  REQUIRE(p.size() == 1);
  CHECK(p[0].arg == reinterpret_cast<std::uintptr_t>(&target));
  const auto t = accesses(probe, text.id());
  REQUIRE(t.size() == 3);  // modify's read and write, then get
  CHECK(t[0].kind == R);
  CHECK(t[1].kind == W);
  CHECK(t[2].kind == R);
  for (const auto& a : t) CHECK(a.arg == 0);  // not a number: no value
}

TEST_CASE("updates of a shared value under a lock are all kept and all recorded", "[shared]") {
  weft::shared<long> counter(0, "counter_shared");
  weft::mutex m("counter_lock");
  constexpr int kThreads = 3, kRounds = 300;
  {
    std::vector<weft::thread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back("adder", [&] {
        for (int i = 0; i < kRounds; ++i) {
          weft::lock_guard<weft::mutex> hold(m);
          counter += 1;
        }
      });
  }
  CHECK(counter.get() == kThreads * kRounds);
  const auto probe = weft::test::Probe::take();
  std::size_t reads = 0, writes = 0;
  std::uint64_t last_write = 0;
  for (const auto& e : probe.on_object(counter.id())) {
    if (e.kind == R) ++reads;
    if (e.kind == W) {
      ++writes;
      last_write = e.arg;
    }
  }
  CHECK(reads == kThreads * kRounds + 1);
  CHECK(writes == kThreads * kRounds);
  CHECK(last_write == kThreads * kRounds);
}

namespace {

std::uint32_t g_slow_object = 0;

// A hook that stands for a scheduler letting other threads run after a
// read: it takes a millisecond on the reads of g_slow_object.
void slow_after_read(const weft::detail::sync_event& e) {
  if (e.kind == EventKind::SharedRead && e.object == g_slow_object) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

// The read and the write of each update of `object`, in order.
std::vector<std::pair<weft::format::Event, weft::format::Event>> updates(const weft::test::Probe& probe, std::uint32_t object) {
  std::vector<std::pair<weft::format::Event, weft::format::Event>> out;
  const auto events = probe.on_object(object);
  for (std::size_t i = 0; i + 1 < events.size(); ++i)
    if (events[i].kind == R && events[i + 1].kind == W) out.emplace_back(events[i], events[i + 1]);
  return out;
}

}  // namespace

// One clock read costs about what an uncontended lock/unlock pair does, so
// the read and the write of `x += d` on a number share the read's time:
// they are one plain instruction apart. Where the two are not (a string's
// +=, or a scheduler's hook running between them), the write has its own.
TEST_CASE("a compound assignment on a number stamps its read and write with one time, a string's or a hooked one with two", "[shared]") {
  weft::shared<long> number(0, "stamped_number");
  number += 2;
  ++number;
  number--;
  weft::shared<std::string> text(std::string("x"), "stamped_text");
  text += std::string(8 << 20, 'y');  // 8 MB copied between the read and the write

  weft::shared<long> hooked(0, "stamped_hooked");
  g_slow_object = hooked.id();
  weft::detail::set_sync_hook(slow_after_read);
  hooked += 1;
  weft::detail::set_sync_hook(nullptr);

  const auto probe = weft::test::Probe::take();
  const auto n = updates(probe, number.id());
  REQUIRE(n.size() == 3);
  for (const auto& [read, write] : n) CHECK(write.time_ns == read.time_ns);
  CHECK(n[0].second.arg == 2);
  CHECK(n[1].second.arg == 3);
  CHECK(n[2].second.arg == 2);

  const auto t = updates(probe, text.id());
  REQUIRE(t.size() == 1);
  CHECK(t[0].second.time_ns > t[0].first.time_ns);

  const auto h = updates(probe, hooked.id());
  REQUIRE(h.size() == 1);
  CHECK(h[0].second.time_ns - h[0].first.time_ns >= 900'000);  // the hook's millisecond is in between
}
