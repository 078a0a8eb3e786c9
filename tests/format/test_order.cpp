// merge_in_order: the global order analysis builds happens-before from.
// Timestamps are for display only (DESIGN.md, "Order"); the order must
// respect program order per thread and sequence order per object, whatever
// the clocks say, and use time only to choose among events both allow.
#include <catch2/catch.hpp>

#include <functional>
#include <map>
#include <random>
#include <vector>

#include "checks.hpp"
#include "temp_dir.hpp"
#include "trace_builder.hpp"
#include "weft/format/order.hpp"

using namespace weft::format;
using namespace weft::format::test;
using K = EventKind;

namespace {

// An event labelled by `label` (kept in arg) so the output order is easy to
// read back.
Event E(std::uint32_t thread, std::uint64_t time, std::uint64_t label, std::uint32_t object = 0,
        std::uint64_t seq = kNoSeq, K kind = K::Mark) {
  Event e;
  e.thread = thread;
  e.time_ns = time;
  e.arg = label;
  e.object = object;
  e.seq = seq;
  e.kind = kind;
  return e;
}

std::vector<std::uint64_t> labels(const EventStore& events) {
  std::vector<std::uint64_t> out;
  for (const Event& e : events) out.push_back(e.arg);
  return out;
}

std::vector<std::uint64_t> merge(std::vector<std::vector<Event>> per_thread, std::size_t objects, OrderStats& stats) {
  return labels(merge_in_order(per_thread, objects, stats));
}

}  // namespace

TEST_CASE("order: one object's events follow their sequence numbers, not the clocks", "[order]") {
  // Thread 1's clock runs ~200 ahead: by time, thread 0's acquisition would
  // come first, but thread 1 took the mutex first (seq 0, 1).
  OrderStats stats;
  const auto out = merge({{E(0, 100, 20, 1, 2, K::MutexAcquired), E(0, 110, 21, 1, 3, K::MutexReleased)},
                          {E(1, 300, 10, 1, 0, K::MutexAcquired), E(1, 310, 11, 1, 1, K::MutexReleased)}},
                         2, stats);
  CHECK(out == std::vector<std::uint64_t>{10, 11, 20, 21});
  CHECK(stats.fallbacks == 0);
}

TEST_CASE("order: program order is kept even when a thread's clock goes backwards", "[order]") {
  OrderStats stats;
  const auto out = merge({{E(0, 500, 1), E(0, 100, 2), E(0, 300, 3)}, {E(1, 200, 4)}}, 1, stats);
  CHECK(out == std::vector<std::uint64_t>{4, 1, 2, 3});
  CHECK(stats.fallbacks == 0);
}

TEST_CASE("order: among events both orders allow, the earliest goes first, ties by thread id", "[order]") {
  OrderStats stats;
  const auto out = merge({{E(0, 10, 1), E(0, 30, 2)}, {E(1, 20, 3), E(1, 30, 4)}, {E(2, 5, 5), E(2, 30, 6)}}, 1, stats);
  CHECK(out == std::vector<std::uint64_t>{5, 1, 3, 2, 4, 6});
  CHECK(stats.fallbacks == 0);
}

TEST_CASE("order: a three-thread run with skewed clocks comes out exactly right", "[order]") {
  // Objects: 1 mutex m, 2 thread t1's object, 3 thread t2's object.
  // t1's clock is 1000 ahead of main's, t2's 100 behind, so sorting by time
  // would put all of t2 before main created it.
  //   main: a0 create t1 | a1 create t2 | a2 lock m | a3 unlock m | a4 join.begin t1 | a5 join.end t1
  //   t1:   b0 start | b1 lock m | b2 unlock m | b3 end
  //   t2:   c0 start | c1 mark | c2 lock m | c3 unlock m
  enum : std::uint64_t { a0 = 100, a1, a2, a3, a4, a5, b0 = 200, b1, b2, b3, c0 = 300, c1, c2, c3 };
  std::vector<std::vector<Event>> per_thread = {
      {E(0, 100, a0, 2, 0, K::ThreadCreate), E(0, 110, a1, 3, 0, K::ThreadCreate), E(0, 120, a2, 1, 0, K::MutexAcquired),
       E(0, 130, a3, 1, 1, K::MutexReleased), E(0, 140, a4, 2, kNoSeq, K::ThreadJoinBegin),
       E(0, 900, a5, 2, 3, K::ThreadJoinEnd)},
      {E(1, 1150, b0, 2, 1, K::ThreadStart), E(1, 1160, b1, 1, 2, K::MutexAcquired),
       E(1, 1170, b2, 1, 3, K::MutexReleased), E(1, 1180, b3, 2, 2, K::ThreadEnd)},
      {E(2, 60, c0, 3, 1, K::ThreadStart), E(2, 65, c1), E(2, 70, c2, 1, 4, K::MutexAcquired),
       E(2, 80, c3, 1, 5, K::MutexReleased)}};
  OrderStats stats;
  const auto out = merge(per_thread, 4, stats);
  CHECK(out == std::vector<std::uint64_t>{a0, a1, c0, c1, a2, a3, a4, b0, b1, b2, c2, c3, b3, a5});
  CHECK(stats.fallbacks == 0);
}

TEST_CASE("order: a missing sequence number does not stall the merge", "[order]") {
  // seq 1 of object 1 was lost (dropped event): seq 2 and 3 wait for it,
  // then the earliest waiting event is released by time and counted.
  OrderStats stats;
  const auto out = merge({{E(0, 10, 0, 1, 0), E(0, 30, 2, 1, 2)}, {E(1, 40, 3, 1, 3), E(1, 50, 4)}}, 2, stats);
  CHECK(out == std::vector<std::uint64_t>{0, 2, 3, 4});
  CHECK(stats.fallbacks == 1);
}

TEST_CASE("order: an object's order starts at its lowest recorded sequence number", "[order]") {
  // Events before seq 5 were never written (a trace started late, or a
  // truncated head): not a gap.
  OrderStats stats;
  const auto out = merge({{E(0, 10, 6, 1, 6)}, {E(1, 20, 5, 1, 5), E(1, 30, 7, 1, 7)}}, 2, stats);
  CHECK(out == std::vector<std::uint64_t>{5, 6, 7});
  CHECK(stats.fallbacks == 0);
}

TEST_CASE("order: a duplicated sequence number does not stall the merge", "[order]") {
  // Thread 1's seq 0 comes up after thread 0's seq 0 was taken: it waits for
  // a turn that has passed, and is released by time.
  OrderStats stats;
  const auto out = merge({{E(0, 10, 1, 1, 0)}, {E(1, 15, 2), E(1, 20, 3, 1, 0), E(1, 25, 4)}}, 2, stats);
  CHECK(out == std::vector<std::uint64_t>{1, 2, 3, 4});
  CHECK(stats.fallbacks == 1);
}

TEST_CASE("order: events without a sequence, or on objects out of range, are ordered by time only", "[order]") {
  OrderStats stats;
  // Object 7 is beyond object_count (3): its sequence numbers are ignored.
  const auto out = merge({{E(0, 30, 1, 7, 5), E(0, 40, 2, 1, kNoSeq)}, {E(1, 10, 3, 7, 9), E(1, 35, 4)}}, 3, stats);
  CHECK(out == std::vector<std::uint64_t>{3, 1, 4, 2});
  CHECK(stats.fallbacks == 0);
}

TEST_CASE("order: empty inputs", "[order]") {
  OrderStats stats;
  CHECK(merge({}, 0, stats).empty());
  CHECK(merge({{}, {}, {}}, 5, stats).empty());
  CHECK(merge({{}, {E(1, 1, 1)}}, 0, stats) == std::vector<std::uint64_t>{1});
  CHECK(stats.fallbacks == 0);
}

TEST_CASE("order: random runs with skewed clocks keep both orders and need no fallback", "[order]") {
  // Simulates real executions: operations happen one at a time (each takes
  // its object's next sequence number), but every thread's clock has its own
  // large offset and jitter.
  for (unsigned seed = 1; seed <= 200; ++seed) {
    std::mt19937 rng(seed);
    const unsigned threads = 2 + rng() % 5, objects = 1 + rng() % 6;
    std::vector<std::int64_t> skew(threads);
    for (auto& s : skew) s = std::int64_t(rng() % 20'000) - 10'000;
    std::vector<std::uint64_t> next(objects + 1, 0);
    std::vector<std::vector<Event>> per_thread(threads);
    std::uint64_t label = 0;
    std::uint64_t now = 100'000;
    for (unsigned step = 0; step < 300; ++step) {
      const unsigned t = rng() % threads;
      now += rng() % 50;
      const bool on_object = rng() % 4 != 0;
      const std::uint32_t obj = on_object ? 1 + rng() % objects : 0;
      const std::uint64_t time = static_cast<std::uint64_t>(std::int64_t(now) + skew[t] + std::int64_t(rng() % 100));
      per_thread[t].push_back(E(t, time, label++, obj, on_object ? next[obj]++ : kNoSeq));
    }
    OrderStats stats;
    const EventStore out = merge_in_order(per_thread, objects + 1, stats);
    INFO("seed " << seed);
    REQUIRE(out.size() == label);
    CHECK(stats.fallbacks == 0);
    std::map<std::uint32_t, std::uint64_t> last_label_of_thread, next_seq_of_object;
    bool program_order = true, object_order = true;
    for (const Event& e : out) {
      if (last_label_of_thread.count(e.thread) && last_label_of_thread[e.thread] > e.arg) program_order = false;
      last_label_of_thread[e.thread] = e.arg;
      if (e.seq != kNoSeq) {
        if (e.seq != next_seq_of_object[e.object]) object_order = false;
        next_seq_of_object[e.object] = e.seq + 1;
      }
    }
    CHECK(program_order);
    CHECK(object_order);
  }
}

namespace {

// The merge's rule, step by step and slowly: of the threads whose next
// event may go (no sequence number, or its object's next one), the
// earliest by (time, thread); when none may, the earliest waiting one goes
// anyway, counted as a fallback. An object's order starts at its lowest
// sequence number. Exact for streams with no sequence number repeated.
std::vector<std::uint64_t> merged_slowly(const std::vector<std::vector<Event>>& per_thread, std::size_t objects,
                                         std::uint64_t& fallbacks) {
  std::vector<std::uint64_t> next(objects, kNoSeq);
  for (const auto& events : per_thread)
    for (const Event& e : events)
      if (e.seq != kNoSeq && e.object < objects) next[e.object] = std::min(next[e.object], e.seq);
  std::vector<std::size_t> at(per_thread.size(), 0);
  std::vector<std::uint64_t> out;
  fallbacks = 0;
  for (;;) {
    std::size_t best = per_thread.size(), waiting = per_thread.size();
    for (std::size_t t = 0; t < per_thread.size(); ++t) {
      if (at[t] == per_thread[t].size()) continue;
      const Event& e = per_thread[t][at[t]];
      const bool may_go = e.seq == kNoSeq || e.object >= objects || e.seq == next[e.object];
      std::size_t& pick = may_go ? best : waiting;
      if (pick == per_thread.size() || e.time_ns < per_thread[pick][at[pick]].time_ns) pick = t;
    }
    if (best == per_thread.size()) {
      if (waiting == per_thread.size()) return out;
      best = waiting;
      ++fallbacks;
    }
    const Event& e = per_thread[best][at[best]++];
    if (e.seq != kNoSeq && e.object < objects) next[e.object] = std::max(next[e.object], e.seq + 1);
    out.push_back(e.arg);
  }
}

}  // namespace

TEST_CASE("order: with events lost on many objects at once, the merge places them as its rule says", "[order]") {
  // Many threads waiting at once, on one object or on several, their
  // waits ended by the events they wait for or by fallbacks: the merge's
  // lists of waiting threads, used again from object to object, must keep
  // its rule exactly.
  for (unsigned seed = 1; seed <= 300; ++seed) {
    std::mt19937 rng(seed);
    const unsigned threads = 2 + rng() % 9, objects = 1 + rng() % (seed % 2 ? 3 : 40);
    std::vector<std::uint64_t> next(objects + 1, 0);
    std::vector<std::vector<Event>> per_thread(threads);
    std::uint64_t label = 0, now = 1'000;
    for (unsigned step = 0; step < 400; ++step) {
      const unsigned t = rng() % threads;
      now += rng() % 20;
      const bool on_object = rng() % 5 != 0;
      const std::uint32_t obj = on_object ? 1 + rng() % objects : 0;
      const std::uint64_t seq = on_object ? next[obj]++ : kNoSeq;
      if (on_object && rng() % 8 == 0) continue;  // lost
      const std::uint64_t time = now + rng() % 200;  // jitter: clocks disagree with the order
      per_thread[t].push_back(E(t, time, label++, obj, seq));
    }
    // A thread's clock never goes back (the merge keeps program order anyway).
    for (auto& events : per_thread)
      for (std::size_t k = 1; k < events.size(); ++k) events[k].time_ns = std::max(events[k].time_ns, events[k - 1].time_ns);
    std::uint64_t expected_fallbacks = 0;
    const std::vector<std::uint64_t> expected = merged_slowly(per_thread, objects + 1, expected_fallbacks);
    OrderStats stats;
    INFO("seed " << seed << ", " << threads << " threads, " << objects << " objects");
    REQUIRE(merge(per_thread, objects + 1, stats) == expected);
    CHECK(stats.fallbacks == expected_fallbacks);
  }
}

TEST_CASE("order: the loader counts fallbacks and warns about them", "[order]") {
  TraceBuilder b;
  b.meta().kinds();
  b.objects({{1, ObjectKind::Mutex, 0, 0, 0, 0, "m"}});
  b.threads({{0, 1, 0, 0, 0, "a"}, {1, 2, 0, 0, 0, "b"}});
  b.events(0, {ev(K::MutexAcquired, 2000, 1, 0, 1), ev(K::MutexReleased, 2010, 1, 1, 0)});
  // seq 2 and 3 lost (say, dropped by a full buffer).
  b.events(1, {ev(K::MutexAcquired, 2020, 1, 4, 1), ev(K::MutexReleased, 2030, 1, 5, 0)});
  b.end();
  TempDir dir;
  const Trace t = dir.load(b.bytes());
  CHECK(t.events.size() == 4);
  CHECK(t.order.fallbacks == 1);
  CHECK(t.warnings ==
        std::vector<std::string>{"1 events had no consistent place in the object order (lost events?); placed by time"});
}

// The merge's `placed` hook (the loader learns thread names and OS ids
// through it) hears every event once, in the merged order, its time
// converted, fallbacks for lost sequence numbers included; and the merge
// over streams places what merge_in_order places.
TEST_CASE("order: the placed hook hears every merged event once, in order, its time converted", "[order]") {
  std::mt19937 rng(5);
  const unsigned threads = 4, objects = 3;
  std::vector<std::uint64_t> next(objects + 1, 0);
  std::vector<std::vector<Event>> per_thread(threads);
  std::uint64_t now = 1'000'000;
  for (std::uint64_t label = 0; label < 100'000; ++label) {
    const unsigned t = rng() % threads;
    now += rng() % 40;
    const bool on_object = rng() % 3 != 0;
    const std::uint32_t obj = on_object ? 1 + rng() % objects : 0;
    std::uint64_t seq = on_object ? next[obj]++ : kNoSeq;
    if (on_object && rng() % 20'000 == 0) seq = next[obj]++;  // one lost before it: a fallback
    per_thread[t].push_back(E(t, now + t * 7'000 + rng() % 100, label, obj, seq));
  }
  const TickConversion ticks{1'000'000, 0.5};

  OrderStats one_stats;
  auto copy = per_thread;
  const EventStore one = merge_in_order(copy, objects + 1, one_stats, MergeHints{nullptr, &ticks});

  std::vector<EventStream> streams;
  for (const auto& s : per_thread) streams.push_back({s.data(), s.size(), {}});
  std::vector<Event> heard;
  const std::function<void(const Event&)> placed = [&](const Event& e) { heard.push_back(e); };
  OrderStats stats;
  const EventStore merged =
      merge_streams(streams, objects + 1, stats, MergeHints{nullptr, &ticks, &placed}, [](std::uint32_t, std::size_t) {});
  REQUIRE(merged.size() == 100'000);
  CHECK(stats.fallbacks == one_stats.fallbacks);
  CHECK(stats.fallbacks > 0);
  CHECK(merged == one);
  REQUIRE(heard.size() == merged.size());
  bool same = true;
  for (std::size_t i = 0; i < heard.size() && same; ++i) same = heard[i] == merged[i];
  CHECK(same);
  CHECK(merged[0].time_ns < 1'000'000);  // converted: ticks from the start, at half a nanosecond each
}

namespace {

// Random threads' events on a few objects, each thread's clock never going
// back; `skew` > 0 shifts each thread's clock by up to that much, so that
// sequence numbers and times disagree across threads.
std::vector<std::vector<Event>> random_threads(std::mt19937& rng, unsigned threads, unsigned objects, std::size_t n,
                                               std::uint64_t skew) {
  std::vector<std::uint64_t> next(objects + 1, 0), last(threads, 0);
  std::vector<std::vector<Event>> per_thread(threads);
  std::uint64_t now = 1'000'000;
  for (std::uint64_t label = 0; label < n; ++label) {
    const unsigned t = rng() % threads;
    now += 1 + rng() % 40;
    const bool on_object = rng() % 3 != 0;
    const std::uint32_t obj = on_object ? 1 + rng() % objects : 0;
    const std::uint64_t time = std::max(last[t], now + (skew ? t * skew + rng() % 100 : 0));
    last[t] = time;
    const K kind = label % 1000 == 7 ? K::ThreadRename : on_object ? K::MutexAcquired : K::Mark;
    per_thread[t].push_back(E(t, time, label, obj, on_object ? next[obj]++ : kNoSeq, kind));
  }
  return per_thread;
}

// What the loader notes of a run as it decodes it.
RunSummary summary_of(const EventStore& store) {
  RunSummary s;
  std::map<std::uint32_t, std::uint64_t> lowest;
  for (const Event& e : store) {
    s.earliest = std::min(s.earliest, e.time_ns);
    if (e.seq == kNoSeq) continue;
    const auto [at, fresh] = lowest.emplace(e.object, e.seq);
    if (!fresh) at->second = std::min(at->second, e.seq);
  }
  s.lowest.assign(lowest.begin(), lowest.end());
  return s;
}

// Each thread's events as packed runs of two stores, cut at `cut_at` of
// its events: the loader's streams, a merge's cut falling inside a run.
// With `summarized`, each run carries its summary, as the loader's do.
struct PackedThreads {
  std::vector<EventStore> stores;
  std::vector<RunSummary> summaries;
  std::vector<EventStream> streams;
  PackedThreads(const std::vector<std::vector<Event>>& per_thread, double cut_at, bool summarized = false) {
    stores.resize(2 * per_thread.size());
    for (std::size_t t = 0; t < per_thread.size(); ++t) {
      const std::size_t cut = static_cast<std::size_t>(double(per_thread[t].size()) * cut_at);
      for (std::size_t i = 0; i < per_thread[t].size(); ++i) stores[2 * t + (i < cut ? 0 : 1)].push_back(per_thread[t][i]);
      stores[2 * t].seal();
      stores[2 * t + 1].seal();
    }
    for (const EventStore& s : stores) summaries.push_back(summary_of(s));
    const auto run = [&](std::size_t k) {
      return PackedRun{&stores[k], 0, stores[k].size(), summarized ? &summaries[k] : nullptr, nullptr, {}};
    };
    for (std::size_t t = 0; t < per_thread.size(); ++t) streams.push_back({nullptr, 0, {run(2 * t), run(2 * t + 1)}});
  }
};

bool wants_renames(K k) { return k == K::ThreadRename; }

}  // namespace

// The merge in parts side by side (two, or more taken by two workers)
// gives one merge's order, event for event, and hands the placed hook the
// same events in the same order; where the parts could not join exactly
// (clocks skewed across a cut, lost sequence numbers), it runs the one
// merge instead and still does.
TEST_CASE("order: the merge in parts places what one merge places", "[order]") {
  const TickConversion ticks{1'000'000, 0.5};
  struct Case {
    const char* what;
    std::uint64_t skew;
    bool lose_one;
    bool parts;  // expected to join
  };
  for (const Case c : {Case{"clean", 0, false, true}, Case{"skewed clocks", 7'000, false, false},
                       Case{"a lost sequence number", 0, true, false}}) {
    for (const double cut_at : {0.3, 0.5, 0.9})
    for (const bool summarized : {false, true})
    for (const std::size_t parts : {std::size_t{2}, std::size_t{3}, std::size_t{7}}) {
      INFO(c.what << ", stores cut at " << cut_at << (summarized ? ", runs summarized" : "") << ", " << parts
                  << " parts");
      std::mt19937 rng(9);
      auto per_thread = random_threads(rng, 4, 3, 50'000, c.skew);
      if (c.lose_one) {  // every later event of object 1 is one number further: its seq 5000 never came
        for (auto& thread : per_thread)
          for (Event& e : thread)
            if (e.object == 1 && e.seq != kNoSeq && e.seq >= 5'000) ++e.seq;
      }
      const PackedThreads packed(per_thread, cut_at, summarized);
      std::vector<Event> heard_one, heard_parts;
      const std::function<void(const Event&)> hear_one = [&](const Event& e) { heard_one.push_back(e); };
      const std::function<void(const Event&)> hear_parts = [&](const Event& e) { heard_parts.push_back(e); };

      OrderStats one_stats;
      const EventStore one = merge_streams(packed.streams, 4, one_stats, MergeHints{nullptr, &ticks, &hear_one, wants_renames},
                                           [](std::uint32_t, std::size_t) {});
      OrderStats parts_stats;
      bool in_parts = false;
      const EventStore merged = merge_streams_in_parts(packed.streams, 4, parts_stats,
                                                       MergeHints{nullptr, &ticks, &hear_parts, wants_renames}, &in_parts,
                                                       parts);
      CHECK(in_parts == c.parts);
      REQUIRE(merged.size() == one.size());
      CHECK(merged == one);
      CHECK(parts_stats.fallbacks == one_stats.fallbacks);
      CHECK(one_stats.fallbacks == (c.lose_one ? 1u : 0u));
      CHECK(heard_parts == heard_one);
      CHECK(heard_one.size() == 50);  // the renames, and only they
      CHECK(merged.may_hold(K::ThreadRename));
    }
  }
}

// A program that starts a thread per task: thousands of threads of a few
// events each, most of them over before the next starts, all on one lock.
// Cutting the parts must find times that split such streams too, and each
// stream's cursor holds only what its runs need.
TEST_CASE("order: the merge in parts places what one merge places for thousands of short threads", "[order]") {
  std::mt19937 rng(11);
  constexpr unsigned kThreads = 5'000;
  std::vector<std::vector<Event>> per_thread(kThreads);
  std::uint64_t seq = 0, now = 1'000;
  for (unsigned batch = 0; batch < kThreads; batch += 8) {  // eight alive at a time, interleaved
    for (unsigned step = 0; step < 6; ++step) {
      for (unsigned t = batch; t < std::min(kThreads, batch + 8); ++t) {
        if (rng() % 4 == 0) continue;
        now += 1 + rng() % 50;
        const std::uint64_t label = now;
        per_thread[t].push_back(E(t, now, label, 1, seq++, step % 2 ? K::MutexReleased : K::MutexAcquired));
      }
    }
  }
  const PackedThreads packed(per_thread, 0.5, true);
  std::size_t total = 0;
  for (const auto& thread : per_thread) total += thread.size();
  OrderStats one_stats;
  const EventStore one = merge_streams(packed.streams, 2, one_stats, {}, [](std::uint32_t, std::size_t) {});
  REQUIRE(one.size() == total);
  for (const std::size_t parts : {std::size_t{2}, std::size_t{5}}) {
    INFO(parts << " parts");
    OrderStats stats;
    bool in_parts = false;
    const EventStore merged = merge_streams_in_parts(packed.streams, 2, stats, {}, &in_parts, parts);
    CHECK(in_parts);
    CHECK(merged == one);
    CHECK(stats.fallbacks == 0);
  }
  CHECK(one_stats.fallbacks == 0);
}

// A run's summary stands for its events: the second part's lowest sequence
// numbers and earliest time are read from it, not from the events: one
// that says an event came before the cut keeps the parts from joining, and
// the one merge runs (in the same order).
TEST_CASE("order: the merge in parts reads a run's summary in place of its events", "[order]") {
  std::mt19937 rng(5);
  const auto per_thread = random_threads(rng, 3, 2, 20'000, 0);
  PackedThreads packed(per_thread, 0.75, true);  // the later runs lie wholly after the cut
  OrderStats one_stats;
  const EventStore one = merge_streams(packed.streams, 3, one_stats, {}, [](std::uint32_t, std::size_t) {});
  OrderStats stats;
  bool in_parts = false;
  CHECK(merge_streams_in_parts(packed.streams, 3, stats, {}, &in_parts) == one);
  CHECK(in_parts);

  // Store 1 is thread 0's later run.
  packed.summaries[1].earliest = 0;
  CHECK(merge_streams_in_parts(packed.streams, 3, stats, {}, &in_parts) == one);
  CHECK_FALSE(in_parts);
}

TEST_CASE("order: the merge in parts takes unpacked arrays, tiny inputs and a hook without a filter", "[order]") {
  std::mt19937 rng(3);
  const auto per_thread = random_threads(rng, 3, 2, 5'000, 0);
  std::vector<EventStream> streams;
  for (const auto& s : per_thread) streams.push_back({s.data(), s.size(), {}});
  OrderStats stats, parts_stats;
  auto copy = per_thread;
  const EventStore one = merge_in_order(copy, 3, stats);
  bool in_parts = false;
  CHECK(merge_streams_in_parts(streams, 3, parts_stats, {}, &in_parts) == one);
  CHECK(in_parts);
  // More parts than the events fill blocks for are fewer parts.
  for (const std::size_t parts : {std::size_t{5}, std::size_t{100}}) {
    CHECK(merge_streams_in_parts(streams, 3, parts_stats, {}, &in_parts, parts) == one);
    CHECK(in_parts);
  }

  // Times that cut nowhere between (two instants for all): parts left
  // empty, and still one merge's order.
  auto flat = per_thread;
  for (auto& thread : flat)
    for (std::size_t k = 0; k < thread.size(); ++k) thread[k].time_ns = k < thread.size() / 2 ? 100 : 200;
  std::vector<EventStream> flat_streams;
  for (const auto& t : flat) flat_streams.push_back({t.data(), t.size(), {}});
  auto flat_copy = flat;
  OrderStats flat_stats;
  const EventStore flat_one = merge_in_order(flat_copy, 3, flat_stats);
  CHECK(merge_streams_in_parts(flat_streams, 3, parts_stats, {}, &in_parts, 6) == flat_one);

  // A hook that wants every event would hold them all until the end: one merge.
  std::size_t heard = 0;
  const std::function<void(const Event&)> count = [&](const Event&) { ++heard; };
  CHECK(merge_streams_in_parts(streams, 3, parts_stats, MergeHints{nullptr, nullptr, &count}, &in_parts) == one);
  CHECK_FALSE(in_parts);
  CHECK(heard == one.size());

  const std::vector<EventStream> few = {{per_thread[0].data(), 3, {}}};
  CHECK(merge_streams_in_parts(few, 3, parts_stats, {}, &in_parts).size() == 3);
  CHECK_FALSE(in_parts);
  CHECK(merge_streams_in_parts({}, 3, parts_stats, {}, &in_parts).empty());
}
