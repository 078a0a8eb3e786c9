// A traced program that ends the way the test asks, to prove the trace
// survives it:  trace_child MODE [ARG]
//   return | exit | throw | abort | segv | sigterm | thread-segv
//   | sigbus | sigill | sigfpe | sigint | sighup | sigquit
//            record marks on main and a worker, then end that way (the
//            faults are real ones: see bus_error, illegal_instruction,
//            divide_by_zero)
//   handle-sigterm | handle-sigterm-late   the program handles SIGTERM
//            itself, with a handler installed before weft starts (weft then
//            leaves SIGTERM alone) or after (it replaces weft's): it records
//            the marks, raises SIGTERM, its handler runs, and main then
//            leaves the mark "SIGTERM handled" and exits with status 5
//   kill     record, flush, say "flushed" and wait to be killed
//   flood N [report]  two threads lock and unlock a mutex N times each; with
//            `report`, each then flushes and leaves a mark, so that events it
//            lost are reported in its stream (not only in the END record)
//   flood-until-drop   thread "flooder" locks and unlocks mutex "flood"
//            until its ring has lost an event (WEFT_ON_FULL=drop), then
//            flushes and leaves the mark "flood done"; prints
//            "iterations N" (status 3 if it never lost one)
//   retarget PATH   record, move the trace to PATH, record more
//   hold     record, flush, say "flushed", wait for SIGUSR1, record more
//   fork     record, fork a child that records a lot and exits, record more
//   stop-deadlock   main holds mutex "stuck" and joins "stuck-worker", which
//            waits for "stuck"; once both are blocked, a thread "stopper"
//            calls weft::stop_program (see kStopReason)
//   stop-twice   two threads call weft::stop_program at the same moment
//   one-at-a-time N   starts N weft::threads, each joined before the next
//            starts, then prints "buffers K": how many thread buffers the
//            runtime holds (a thread per task must not add one each)
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
#include <utility>

#include <weft/weft.hpp>

#include "runtime.hpp"  // tracer/src: one-at-a-time counts the runtime's thread buffers

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

// A real SIGBUS: a read of a page of a shared file mapping that lies
// beyond the end of the file (truncated to nothing before the read).
[[noreturn]] void bus_error() {
  const int fd = memfd_create("trace_child-bus", 0);
  if (fd < 0 || ftruncate(fd, 4096) != 0) std::abort();
  void* page = mmap(nullptr, 4096, PROT_READ, MAP_SHARED, fd, 0);
  if (page == MAP_FAILED || ftruncate(fd, 0) != 0) std::abort();
  (void)*static_cast<volatile const int*>(page);
  std::abort();
}

// A real SIGILL: an undefined instruction (ud2 on x86-64).
[[noreturn]] void illegal_instruction() { __builtin_trap(); }

// A real SIGFPE: an integer division by zero, by the processor. Both
// operands are read through volatiles, so the compiler can neither see the
// zero nor turn the division into something else (1 / x it does: a
// comparison); UBSan (the asan preset) is told not to check it, which would
// end the program with its own report before the division.
volatile int g_dividend = 1;
volatile int g_zero = 0;
[[noreturn]] __attribute__((no_sanitize("undefined"))) void divide_by_zero() {
  volatile int quotient = g_dividend / g_zero;
  (void)quotient;
  std::abort();
}

sigset_t g_usr1;  // hold: what it waits for

// handle-sigterm: the program's own handler.
volatile sig_atomic_t g_sigterm_seen = 0;
void on_sigterm(int) { g_sigterm_seen = 1; }

void handle_sigterm() {
  struct sigaction action{};
  action.sa_handler = on_sigterm;
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, nullptr);
}

// Raises `sig`, which has its default action (terminate): only weft's
// handler stands in the way.
[[noreturn]] void die_of(int sig) {
  raise(sig);
  for (;;) pause();
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
  // Before weft starts (at its first use), which looks at each terminating
  // signal's action once: a signal this program is asked to die of has its
  // default action, even if whoever started it ignored it (a shell without
  // job control starts background commands with SIGINT and SIGQUIT ignored).
  for (const auto& [name, sig] : {std::pair{"sigterm", SIGTERM}, std::pair{"sigint", SIGINT},
                                  std::pair{"sighup", SIGHUP}, std::pair{"sigquit", SIGQUIT},
                                  std::pair{"handle-sigterm-late", SIGTERM}})
    if (mode == name) signal(sig, SIG_DFL);
  if (mode == "handle-sigterm") handle_sigterm();
  if (mode == "hold") {
    // Blocked on every thread (weft's own start from this one, later):
    // sigwait takes it.
    sigemptyset(&g_usr1);
    sigaddset(&g_usr1, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &g_usr1, nullptr);
  }
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
  if (mode == "flood-until-drop") {
    // Only the flooder's lock events can be lost: its thread.start comes
    // into an empty ring, and it flushes before its last mark and its end;
    // main records nothing while it runs. So the trace's lock events and
    // the END record's count of losses add up to 2 per iteration.
    constexpr long kMaxIterations = 100'000'000;
    weft::mutex m("flood");
    long iterations = 0;
    weft::thread flooder("flooder", [&] {
      const weft::detail::ThreadBuffer* ring = weft::detail::current_buffer();
      bool lost = false;
      while (!lost && iterations < kMaxIterations) {
        m.lock();
        lost = ring->dropped.load(std::memory_order_relaxed) != 0;
        m.unlock();
        lost = lost || ring->dropped.load(std::memory_order_relaxed) != 0;
        ++iterations;
      }
      weft::flush();
      weft::mark("flood done");
    });
    flooder.join();
    std::printf("iterations %ld\n", iterations);
    return iterations < kMaxIterations ? 0 : 3;
  }
  if (mode == "hold") {  // holds its trace file open until the test says
    record_marks("before");
    weft::flush();
    std::printf("flushed\n");
    std::fflush(stdout);
    int sig = 0;
    sigwait(&g_usr1, &sig);
    record_marks("after");
    return 0;
  }
  if (mode == "retarget-refused") {  // trace_to a path that is not a file: refused, the trace stays
    record_marks("before");
    weft::flush();  // the trace file is open: trace_to would move it
    try {
      weft::trace_to(argv[2]);
      std::printf("moved\n");
    } catch (const std::runtime_error& e) {
      std::printf("refused: %s\n", e.what());
    }
    record_marks("after");
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
  if (mode == "one-at-a-time") {
    const int n = argc > 2 ? std::atoi(argv[2]) : 100;
    for (int i = 0; i < n; ++i) weft::thread([] {}).join();
    int buffers = 0;
    for (const weft::detail::ThreadBuffer* b = weft::detail::Runtime::get().buffers(); b; b = b->next) ++buffers;
    std::printf("buffers %d\n", buffers);
    return 0;
  }
  if (mode == "return") return 0;
  if (mode == "exit") std::exit(3);
  if (mode == "throw") throw std::runtime_error("boom from trace_child");
  if (mode == "abort") std::abort();
  if (mode == "segv") segfault();
  if (mode == "sigterm") die_of(SIGTERM);
  if (mode == "sigint") die_of(SIGINT);
  if (mode == "sighup") die_of(SIGHUP);
  if (mode == "sigquit") die_of(SIGQUIT);
  if (mode == "sigbus") bus_error();
  if (mode == "sigill") illegal_instruction();
  if (mode == "sigfpe") divide_by_zero();
  if (mode == "handle-sigterm" || mode == "handle-sigterm-late") {
    if (mode == "handle-sigterm-late") handle_sigterm();
    raise(SIGTERM);  // a signal sent to this thread is handled before raise returns
    if (!g_sigterm_seen) return 1;
    weft::mark("SIGTERM handled");
    return 5;
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
