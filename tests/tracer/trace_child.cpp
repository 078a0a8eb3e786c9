// A traced program that ends the way the test asks, to prove the trace
// survives it:  trace_child MODE [ARG]
//   return | exit | throw | abort | segv | sigterm | thread-segv
//            record marks on main and a worker, then end that way
//   kill     record, flush, say "flushed" and wait to be killed
//   flood N [report]  two threads lock and unlock a mutex N times each; with
//            `report`, each then flushes and leaves a mark, so that events it
//            lost are reported in its stream (not only in the END record)
//   retarget PATH   record, move the trace to PATH, record more
//   fork     record, fork a child that records a lot and exits, record more
//   stop-deadlock   main holds mutex "stuck" and joins "stuck-worker", which
//            waits for "stuck"; once both are blocked, a thread "stopper"
//            calls weft::stop_program (see kStopReason)
//   stop-twice   two threads call weft::stop_program at the same moment
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <thread>

#include <weft/weft.hpp>

namespace {

constexpr int kMarks = 100;

void record_marks(const char* prefix) {
  for (int i = 0; i < kMarks; ++i) weft::mark(prefix + std::to_string(i));
}

void record_everything() {
  weft::thread worker("worker", [] { record_marks("w"); });
  worker.join();
  record_marks("m");
}

// A genuine fault, not undefined behaviour a sanitizer would stop first: a
// write to a page mapped without access.
[[noreturn]] void segfault() {
  void* page = mmap(nullptr, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  *static_cast<volatile int*>(page) = 1;
  std::abort();
}

// stop-deadlock: counts the blocking calls of the two deadlocked threads as
// they are recorded (the sync point's hook runs right after each event).
constexpr const char* kStopReason = "main joins stuck-worker, which waits for the mutex main holds";
std::atomic<std::uint32_t> g_stuck_mutex{0};
std::atomic<int> g_blocked{0};

void count_blocking(const weft::detail::sync_event& e) {
  if ((e.kind == weft::format::EventKind::MutexLockBegin && e.object == g_stuck_mutex.load()) ||
      e.kind == weft::format::EventKind::ThreadJoinBegin)
    ++g_blocked;
}

int stop_deadlock() {
  weft::mutex stuck("stuck");
  g_stuck_mutex = stuck.id();
  weft::detail::set_sync_hook(count_blocking);
  stuck.lock();
  weft::thread worker("stuck-worker", [&] { stuck.lock(); });
  weft::thread stopper("stopper", [] {
    while (g_blocked.load() < 2) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    weft::stop_program(kStopReason);
  });
  worker.join();  // never returns: stop_program ends the process
  return 1;
}

int stop_twice() {
  weft::barrier both(2, "both");
  auto stop = [&both](const char* why) {
    both.wait();
    weft::stop_program(why);
  };
  weft::thread a("stopper-a", stop, "reason a");
  weft::thread b("stopper-b", stop, "reason b");
  a.join();
  b.join();
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "flood") {
    const long n = argc > 2 ? std::atol(argv[2]) : 100000;
    const bool report = argc > 3 && std::string(argv[3]) == "report";
    weft::mutex m("flood");
    auto work = [&] {
      for (long i = 0; i < n; ++i) {
        m.lock();
        m.unlock();
      }
      if (report) {
        weft::flush();
        weft::mark("flood done");
      }
    };
    weft::thread a("flood-a", work), b("flood-b", work);
    return 0;
  }
  if (mode == "retarget") {
    record_marks("before");
    weft::trace_to(argv[2]);
    record_marks("after");
    return 0;
  }
  if (mode == "linger") {  // holds its trace file open for a while
    record_marks("before");
    weft::flush();
    std::printf("flushed\n");
    std::fflush(stdout);
    weft::sleep_for(std::chrono::milliseconds(argc > 2 ? std::atoi(argv[2]) : 1000));
    record_marks("after");
    return 0;
  }
  if (mode == "stop-deadlock") return stop_deadlock();
  if (mode == "stop-twice") return stop_twice();
  if (mode == "fork") {
    record_marks("before");
    const pid_t child = fork();
    if (child == 0) {
      weft::mutex m("in_child");
      for (int i = 0; i < 200000; ++i) {
        m.lock();
        m.unlock();
      }
      weft::flush();
      std::exit(0);
    }
    int status = 0;
    waitpid(child, &status, 0);
    record_marks("after");
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
  }
  record_everything();
  if (mode == "return") return 0;
  if (mode == "exit") std::exit(3);
  if (mode == "throw") throw std::runtime_error("boom from trace_child");
  if (mode == "abort") std::abort();
  if (mode == "segv") segfault();
  if (mode == "sigterm") {
    raise(SIGTERM);
    pause();
  }
  if (mode == "thread-segv") {
    weft::thread crasher("crasher", [] {
      weft::mark("about to crash");
      segfault();
    });
    crasher.join();
  }
  if (mode == "kill") {
    weft::flush();
    std::puts("flushed");
    std::fflush(stdout);
    for (;;) pause();
  }
  std::fprintf(stderr, "trace_child: unknown mode '%s'\n", mode.c_str());
  return 2;
}
