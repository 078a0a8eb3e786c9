// A program of several processes sharing weft's inter-process primitives,
// run traced by test_pipe.cpp and test_process_sync.cpp: `ipc_child MODE
// [N]`. Children are started with detail::traced_fork (each traces into
// "<stem>.<pid>.weft" beside the parent's trace) and end with std::exit,
// whose atexit handler completes their trace. What each mode must see is
// checked here (exit status 1 and a line on stderr if not); the tests
// check what the traces say about it. Each mode prints one result line.
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "weft/detail/process_fork.hpp"
#include "weft/lock_guards.hpp"
#include "weft/pipe.hpp"
#include "weft/process_queue.hpp"
#include "weft/process_sync.hpp"
#include "weft/shared_memory.hpp"

namespace {

using namespace std::chrono_literals;

[[noreturn]] void fail(const std::string& why) {
  std::fprintf(stderr, "ipc_child: %s\n", why.c_str());
  std::exit(1);
}

void expect(bool ok, const std::string& why) {
  if (!ok) fail(why);
}

// Runs `body` in a traced child named `name`; the child exits 0 when it
// returns, 1 on an exception.
pid_t spawn(const std::string& name, const std::function<void()>& body) {
  const pid_t pid = weft::detail::traced_fork(name);
  if (pid < 0) fail("fork failed");
  if (pid == 0) {
    try {
      body();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "ipc_child (%s): %s\n", name.c_str(), e.what());
      std::exit(1);
    }
    std::fflush(stdout);
    std::exit(0);
  }
  return pid;
}

void join(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
  }
  expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child " + std::to_string(pid) + " failed");
}

// The parent sends 0; each side answers what it got plus one, until `n`.
int ping_pong(int n) {
  weft::pipe p(true, "ping");
  const pid_t child = spawn("ponger", [&] {
    p.a.close();
    for (;;) {
      const int v = p.b.recv<int>();
      if (v >= n) return;
      p.b.send(v + 1);
    }
  });
  p.b.close();
  int v = 0;
  p.a.send(v);
  while (v < n) {
    const int got = p.a.recv<int>();
    expect(got == v + 1, "ping-pong: got " + std::to_string(got) + " after " + std::to_string(v));
    v = got + 1;
    p.a.send(v);
  }
  join(child);
  std::printf("final %d\n", v);
  return 0;
}

// A one-way pipe: the child sends 1..5 and closes; the parent, having closed
// its copy of the send end, reads the five, then end of file.
int one_way() {
  weft::pipe p(false, "oneway");
  expect(!p.a.can_send() && p.a.can_recv() && p.b.can_send() && !p.b.can_recv(), "one-way: ends");
  const pid_t child = spawn("writer", [&] {
    p.a.close();
    for (int i = 1; i <= 5; ++i) p.b.send(i);
    p.b.close();
  });
  p.b.close();
  for (int i = 1; i <= 5; ++i) expect(p.a.recv<int>() == i, "one-way: out of order");
  try {
    (void)p.a.recv<int>();
    fail("one-way: a receive after the writer closed did not end");
  } catch (const weft::pipe_closed&) {
    std::printf("eof\n");
  }
  join(child);
  return 0;
}

// End of file only once every process closed the send end: the child keeps
// its copy open until told to close it, so the parent's receive first times
// out, and sees end of file after.
int eof_held() {
  weft::pipe data(false, "data");
  weft::pipe control(false, "control");
  const pid_t child = spawn("holder", [&] {
    data.a.close();
    control.b.close();
    (void)control.a.recv<int>();  // "close it now"
    data.b.close();
  });
  data.b.close();
  control.a.close();
  expect(!data.a.recv_for<int>(100ms).has_value(), "eof-held: a receive did not time out");
  std::printf("timeout\n");
  control.b.send(1);
  try {
    (void)data.a.recv<int>();
    fail("eof-held: no end of file after the holder closed");
  } catch (const weft::pipe_closed&) {
    std::printf("eof\n");
  }
  join(child);
  return 0;
}

// A message of n bytes (far over the socket buffer), then one back.
int large(int n) {
  weft::pipe p(true, "large");
  const pid_t child = spawn("big-sender", [&] {
    p.a.close();
    std::vector<std::byte> m(static_cast<std::size_t>(n));
    for (std::size_t i = 0; i < m.size(); ++i) m[i] = static_cast<std::byte>(i * 7 + 3);
    p.b.send_bytes(m);
    expect(p.b.recv<std::size_t>() == m.size(), "large: wrong size acknowledged");
  });
  p.b.close();
  const std::vector<std::byte> m = p.a.recv_bytes();
  expect(m.size() == static_cast<std::size_t>(n), "large: wrong size");
  for (std::size_t i = 0; i < m.size(); ++i)
    if (m[i] != static_cast<std::byte>(i * 7 + 3)) fail("large: byte " + std::to_string(i) + " differs");
  p.a.send(m.size());
  join(child);
  std::printf("ok %zu\n", m.size());
  return 0;
}

// Two processes increment one counter n times each under a process_mutex.
int mutex(int n) {
  weft::process_mutex lock("counter_lock");
  weft::shared_memory<long> counter(0L);
  const auto work = [&] {
    for (int i = 0; i < n; ++i) {
      weft::lock_guard<weft::process_mutex> hold(lock);  // records this line as the site
      ++*counter;
    }
  };
  const pid_t child = spawn("incrementer", work);
  work();
  join(child);
  std::printf("counter %ld\n", *counter);
  return 0;
}

// The child takes the lock and exits holding it; the parent gets it all the
// same, recovered.
int robust() {
  weft::process_mutex lock("robust");
  const pid_t child = spawn("dies-holding", [&] { lock.lock(); });
  join(child);
  expect(lock.holder_pid() == child, "robust: the dead holder is not the child");
  lock.lock();
  expect(lock.holder_pid() == ::getpid(), "robust: not held after recovery");
  lock.unlock();
  std::printf("recovered from %d\n", static_cast<int>(child));
  return 0;
}

// A semaphore counts across processes: the child releases three times, the
// parent acquires three and no more. Then three processes enter a
// semaphore(2) 200 times each: never more than two inside at once.
int semaphore() {
  weft::process_semaphore items(0, "items");
  const pid_t producer = spawn("releaser", [&] {
    for (int i = 0; i < 3; ++i) items.release();
  });
  for (int i = 0; i < 3; ++i) items.acquire();
  join(producer);
  expect(!items.try_acquire(), "semaphore: a fourth acquire succeeded");
  expect(!items.try_acquire_for(20ms), "semaphore: a timed fourth acquire succeeded");
  expect(items.value() == 0, "semaphore: value not 0");

  weft::process_semaphore slots(2, "slots");
  weft::shared_memory<std::atomic<int>> inside(0);
  weft::shared_memory<std::atomic<int>> most(0);
  const auto enter = [&] {
    for (int i = 0; i < 200; ++i) {
      slots.acquire();
      const int now = inside->fetch_add(1) + 1;
      int seen = most->load();
      while (now > seen && !most->compare_exchange_weak(seen, now)) {
      }
      inside->fetch_sub(1);
      slots.release();
    }
  };
  const pid_t c1 = spawn("enter-1", enter);
  const pid_t c2 = spawn("enter-2", enter);
  enter();
  join(c1);
  join(c2);
  expect(most->load() <= 2, "semaphore: " + std::to_string(most->load()) + " inside at once");
  expect(slots.value() == 2, "semaphore: slots not back to 2");
  std::printf("most %d\n", most->load());
  return 0;
}

// One producer (the parent) puts 1..n and a sentinel (0) per consumer into a
// queue of 4; two consumer processes take until their sentinel. Every item
// is got exactly once.
int queue(int n) {
  weft::process_queue<int> jobs(4, "jobs");
  weft::shared_memory<std::array<std::atomic<int>, 1001>> seen;
  expect(n >= 1 && n <= 1000, "queue: n out of range");
  const auto consume = [&] {
    for (;;) {
      const int item = jobs.get();
      if (item == 0) return;
      (*seen)[static_cast<std::size_t>(item)].fetch_add(1);
    }
  };
  const pid_t c1 = spawn("consumer-1", consume);
  const pid_t c2 = spawn("consumer-2", consume);
  for (int i = 1; i <= n; ++i) jobs.put(i);
  jobs.put(0);
  jobs.put(0);
  join(c1);
  join(c2);
  for (int i = 1; i <= n; ++i)
    expect((*seen)[static_cast<std::size_t>(i)].load() == 1, "queue: item " + std::to_string(i) + " not got once");
  expect(jobs.empty(), "queue: not empty at the end");
  try {
    (void)jobs.get_nowait();
    fail("queue: get_nowait on an empty queue");
  } catch (const weft::queue_empty&) {
  }
  expect(!jobs.get_for(10ms).has_value(), "queue: get_for on an empty queue");
  std::printf("ok %d\n", n);
  return 0;
}

// Two processes do `value += 1` n times on a shared_value, with its lock or
// without.
int value(int n, bool locked) {
  weft::shared_value<long> v(0, "value");
  const auto work = [&] {
    for (int i = 0; i < n; ++i) {
      if (locked) {
        std::lock_guard<weft::process_mutex> hold(v.get_lock());
        v += 1;
      } else {
        v += 1;
      }
    }
  };
  const pid_t child = spawn("adder", work);
  work();
  join(child);
  std::printf("value %ld\n", v.get());
  return 0;
}

int number(int argc, char** argv, int fallback) { return argc > 2 ? std::atoi(argv[2]) : fallback; }

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) fail("usage: ipc_child MODE [N]");
  const std::string mode = argv[1];
  try {
    if (mode == "ping-pong") return ping_pong(number(argc, argv, 10));
    if (mode == "one-way") return one_way();
    if (mode == "eof-held") return eof_held();
    if (mode == "large") return large(number(argc, argv, 1 << 20));
    if (mode == "mutex") return mutex(number(argc, argv, 10000));
    if (mode == "robust") return robust();
    if (mode == "semaphore") return semaphore();
    if (mode == "queue") return queue(number(argc, argv, 100));
    if (mode == "value-race") return value(number(argc, argv, 1000), false);
    if (mode == "value-locked") return value(number(argc, argv, 1000), true);
  } catch (const std::exception& e) {
    fail(mode + ": " + e.what());
  }
  fail("unknown mode " + mode);
}
