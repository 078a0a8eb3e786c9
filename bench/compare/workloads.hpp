// The comparison's workloads, written once over a primitives policy P
// (std_primitives.hpp or weft_primitives.hpp): compare_std, compare_weft and
// compare_tsan run the very same code, so their times differ only by what
// the primitives (and the sanitizer) cost.
//
// Each workload is timed from just before its threads start to just after
// the last is joined (uncontended: inside its one thread): process start-up,
// the tracer's set-up and the final flush of the trace are outside. Each checks its own result (a counter, a
// sum) so that a broken variant fails instead of reporting a fast time.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace weft::compare {

struct workload_info {
  std::string_view name;
  std::string_view ops;  // what one operation is
};

// The runner lists the same names (it includes this header for them).
inline constexpr std::array<workload_info, 6> kWorkloads = {{
    {"uncontended", "lock+unlock of one mutex by one thread"},
    {"contended-2", "lock, ++counter, unlock; 2 threads on one mutex (ops in total)"},
    {"contended-4", "lock, ++counter, unlock; 4 threads on one mutex (ops in total)"},
    {"cond-pingpong", "round trip: two threads pass the turn through a mutex + condition variable and back"},
    {"queue", "item through a bounded queue (capacity 64), one producer, one consumer"},
    {"share", "lock, share += delta, unlock; an adder and a subtractor (ops in total)"},
}};

struct outcome {
  std::uint64_t ops = 0;  // operations actually done (a multiple of the thread count)
  std::chrono::nanoseconds elapsed{0};
  std::string problem;  // empty: the result checked out
};

namespace support {

template <class F>
std::chrono::nanoseconds timed(F&& work) {
  const auto start = std::chrono::steady_clock::now();
  work();
  return std::chrono::steady_clock::now() - start;
}

inline std::string mismatch(const char* what, long long got, long long want) {
  return std::string(what) + " is " + std::to_string(got) + ", expected " + std::to_string(want);
}

}  // namespace support

template <class P>
outcome uncontended(std::uint64_t ops) {
  typename P::mutex m("lock");
  outcome r;
  r.ops = ops;
  // On a thread of its own, timed inside it. glibc skips the atomic
  // instructions of a lock while a process has never had a second thread
  // (7 ns instead of 19 ns per pair here); a traced program always has one
  // (weft's writer), and so does any program that needs a mutex. Timing the
  // loop on the only thread would compare that shortcut, not tracing.
  auto worker = P::spawn("worker", [&] {
    r.elapsed = support::timed([&] {
      for (std::uint64_t i = 0; i < ops; ++i) {
        m.lock();
        m.unlock();
      }
    });
  });
  worker.join();
  return r;
}

template <class P>
outcome contended(std::uint64_t ops, unsigned threads) {
  typename P::mutex m("counter_lock");
  long counter = 0;  // plain: the lock is what protects it
  const std::uint64_t each = ops / threads ? ops / threads : 1;
  outcome r;
  r.ops = each * threads;
  r.elapsed = support::timed([&] {
    std::vector<typename P::thread> workers;
    for (unsigned t = 0; t < threads; ++t)
      workers.push_back(P::spawn("worker-" + std::to_string(t), [&] {
        for (std::uint64_t i = 0; i < each; ++i) {
          m.lock();
          ++counter;
          m.unlock();
        }
      }));
    for (auto& w : workers) w.join();
  });
  if (counter != static_cast<long>(r.ops)) r.problem = support::mismatch("counter", counter, static_cast<long>(r.ops));
  return r;
}

// Two players, one turn variable: each waits for its turn, hands the turn
// over and wakes the other. One op is a round trip (two hand-overs).
template <class P>
outcome cond_pingpong(std::uint64_t ops) {
  typename P::mutex m("turn_lock");
  typename P::condition_variable turn_changed("turn_changed");
  int turn = 0;
  long handovers = 0;
  outcome r;
  r.ops = ops;
  r.elapsed = support::timed([&] {
    const auto player = [&](int me) {
      for (std::uint64_t i = 0; i < ops; ++i) {
        typename P::unique_lock lock(m);
        turn_changed.wait(lock, [&] { return turn == me; });
        turn = 1 - me;
        ++handovers;
        turn_changed.notify_one();
      }
    };
    auto ping = P::spawn("ping", [&] { player(0); });
    auto pong = P::spawn("pong", [&] { player(1); });
    ping.join();
    pong.join();
  });
  const long want = 2 * static_cast<long>(ops);
  if (handovers != want) r.problem = support::mismatch("hand-overs", handovers, want);
  return r;
}

template <class P>
outcome bounded_queue(std::uint64_t ops) {
  typename P::template queue<std::uint64_t> items(64, "items");
  std::uint64_t sum = 0;
  outcome r;
  r.ops = ops;
  r.elapsed = support::timed([&] {
    auto producer = P::spawn("producer", [&] {
      for (std::uint64_t i = 0; i < ops; ++i) items.put(i);
    });
    auto consumer = P::spawn("consumer", [&] {
      for (std::uint64_t i = 0; i < ops; ++i) sum += items.get();
    });
    producer.join();
    consumer.join();
  });
  const std::uint64_t want = ops * (ops - 1) / 2;
  if (sum != want) r.problem = "sum of the items is " + std::to_string(sum) + ", expected " + std::to_string(want);
  return r;
}

// The catalogue's share-lock-per-iteration: an adder and a subtractor, each
// taking the lock around every single update of the shared variable.
template <class P>
outcome share(std::uint64_t ops) {
  typename P::template shared<long> value(0, "share");
  typename P::mutex share_lock("share_lock");
  const std::uint64_t each = ops / 2 ? ops / 2 : 1;
  outcome r;
  r.ops = 2 * each;
  r.elapsed = support::timed([&] {
    const auto loop = [&](long delta) {
      for (std::uint64_t i = 0; i < each; ++i) {
        share_lock.lock();
        value += delta;
        share_lock.unlock();
      }
    };
    auto adder = P::spawn("adder", [&] { loop(1); });
    auto subtractor = P::spawn("subtractor", [&] { loop(-1); });
    adder.join();
    subtractor.join();
  });
  if (value.get() != 0) r.problem = support::mismatch("share", value.get(), 0);
  return r;
}

// By name (one of kWorkloads); false if there is no such workload.
template <class P>
bool run_workload(std::string_view name, std::uint64_t ops, outcome& out) {
  if (name == "uncontended") out = uncontended<P>(ops);
  else if (name == "contended-2") out = contended<P>(ops, 2);
  else if (name == "contended-4") out = contended<P>(ops, 4);
  else if (name == "cond-pingpong") out = cond_pingpong<P>(ops);
  else if (name == "queue") out = bounded_queue<P>(ops);
  else if (name == "share") out = share<P>(ops);
  else return false;
  return true;
}

}  // namespace weft::compare
