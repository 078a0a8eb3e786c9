// A traced program that starts processes the way the test asks, for
// test_process.cpp and test_process_pool.cpp:  process_child MODE
// It prints what it saw, one fact per line ("key value ..."), and the tests
// hold those facts and the traces of every process of the run.
//   codes        children ending with 0, with 3 and by terminate():
//                "alive-before 1", "code-while-running none",
//                "codes 0 3 -15", "alive-after 0", "pids P0 P3 PT"
//   timeout      a child that waits on a pipe the parent holds open:
//                "timed-out 1" (join_for(50ms) false), then the parent
//                closes the pipe: "joined 1 code 0"
//   daemon       a daemon child waiting forever and a non-daemon child
//                that ends (code 4) once the daemon has gone; main returns
//                without joining: "daemon P", "worker P" (then at exit the
//                daemon is terminated and both are joined)
//   globals      a child increments a global: "child-sees 1" (from the
//                child), then "parent-sees 0 code 0"
//   throw        a child throws std::runtime_error("boom"): "code 1"
//   misuse       start twice, join before start, a child joining itself:
//                "start-twice process_error", "join-unstarted process_error",
//                "join-self process_error" (from the child), "code 0"
//   exec         a program run by exec(): this program again in mode
//                exec-env ("code 0"), a shell that exits 7 ("shell 7"), a
//                program that does not exist ("missing 127")
//   exec-env     "name N" (this_process::name()), the WEFT_* variables it
//                was given ("env NAME VALUE") and "pid P"
//   name         "main-name MainProcess", "child-name kid" and
//                "child-parent 1" (this_process::parent_pid(), from the child)
//   pool-map     weft::process_pool of 4: squares of 0..19 ("map 0 1 4 ...
//                361"), "submit 42" (6*7 by submit), "done 1", "lambda 6"
//                (a captureless lambda, by `+`)
//   pool-error   a task that throws: "error task failed: 5", then a task
//                after it still works: "after 12"; shutdown, then a
//                submit: "after-shutdown runtime_error"
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "weft/process.hpp"
#include "weft/process_pool.hpp"

namespace {

int g_counter = 0;  // "globals": each process has its own

std::string code_text(const std::optional<int>& c) { return c ? std::to_string(*c) : "none"; }

void say(const std::string& line) {
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
}

// Blocks until a signal ends the process: reads a pipe whose write end
// the caller keeps open and never writes (again). (Not pause(): under
// ThreadSanitizer, a signal that arrives in pause() waits for the next
// call TSan intercepts, which never comes.)
// Until a signal ends the process. In short sleeps rather than one blocking
// read: ThreadSanitizer delivers a signal to a thread inside a call it takes
// for blocking (a sleep) or at its next intercepted call, and a read() that
// never returns is neither.
[[noreturn]] void wait_forever() {
  for (;;) ::usleep(10'000);
}

int codes() {
  weft::process zero([] {}, "zero");
  weft::process three([] { return 3; }, "three");
  // `forever` says it runs (a byte on a pipe) before it is terminated, so
  // that it is terminated while running fn, not while it is starting.
  int ready[2];
  if (::pipe(ready) != 0) return 2;
  weft::process forever(
      [ready] {
        (void)!::write(ready[1], "r", 1);
        wait_forever();
      },
      "forever");
  zero.start();
  three.start();
  forever.start();
  char r;
  if (::read(ready[0], &r, 1) != 1) return 2;
  say("alive-before " + std::to_string(forever.is_alive()));
  say("code-while-running " + code_text(forever.exit_code()));
  forever.terminate();
  zero.join();
  three.join();
  forever.join();
  say("codes " + code_text(zero.exit_code()) + " " + code_text(three.exit_code()) + " " +
      code_text(forever.exit_code()));
  say("alive-after " + std::to_string(forever.is_alive()));
  say("pids " + std::to_string(zero.pid()) + " " + std::to_string(three.pid()) + " " + std::to_string(forever.pid()));
  return 0;
}

// The child waits for end of file on a pipe whose write end only the
// parent holds (the child closes its copy): it ends when the parent lets it.
int timeout() {
  int fds[2];
  if (::pipe(fds) != 0) return 2;
  weft::process waiter(
      [fds] {
        ::close(fds[1]);
        char c;
        while (::read(fds[0], &c, 1) > 0) {
        }
      },
      "waiter");
  waiter.start();
  ::close(fds[0]);
  say("timed-out " + std::to_string(!waiter.join_for(std::chrono::milliseconds(50))));
  ::close(fds[1]);
  const bool joined = waiter.join_for(std::chrono::seconds(20));
  say("joined " + std::to_string(joined) + " code " + code_text(waiter.exit_code()));
  return 0;
}

// The worker waits for end of file on a pipe whose only write end is the
// daemon's: it is still running when main returns, and ends once the
// at-exit rule has terminated the daemon, so the at-exit join of the
// worker returns (which shows the daemons go first).
int daemon_mode() {
  int fds[2];
  if (::pipe(fds) != 0) return 2;
  weft::process d([] { wait_forever(); }, "sleeper", /*daemon=*/true);  // holds the write end till it goes
  d.start();
  weft::process w(
      [fds] {
        ::close(fds[1]);
        char c;
        while (::read(fds[0], &c, 1) > 0) {
        }
        return 4;
      },
      "worker");
  w.start();
  ::close(fds[0]);
  ::close(fds[1]);
  say("daemon " + std::to_string(d.pid()));
  say("worker " + std::to_string(w.pid()));
  return 0;
}

int globals() {
  weft::process p([] {
    ++g_counter;
    say("child-sees " + std::to_string(g_counter));
  });
  p.start();
  p.join();
  say("parent-sees " + std::to_string(g_counter) + " code " + code_text(p.exit_code()));
  return 0;
}

int throws() {
  weft::process p([]() -> int { throw std::runtime_error("boom"); }, "thrower");
  p.start();
  p.join();
  say("code " + code_text(p.exit_code()));
  return 0;
}

template <class F>
std::string what_throws(F f) {
  try {
    f();
  } catch (const weft::process_error&) {
    return "process_error";
  } catch (const std::exception& e) {
    return std::string("other: ") + e.what();
  }
  return "nothing";
}

int misuse() {
  weft::process unstarted([] {}, "unstarted");
  say("join-unstarted " + what_throws([&] { unstarted.join(); }));
  weft::process twice([] {}, "twice");
  twice.start();
  say("start-twice " + what_throws([&] { twice.start(); }));
  twice.join();
  // The child is handed its own process object through the closure.
  auto self = std::make_shared<std::optional<weft::process>>();
  self->emplace([self] { say("join-self " + what_throws([&] { (*self)->join(); })); }, "self");
  (*self)->start();
  (*self)->join();
  say("code " + code_text((*self)->exit_code()));
  return 0;
}

int exec_mode(const char* me) {
  auto again = weft::process::exec({me, "exec-env"}, "again");
  again.start();
  again.join();
  say("code " + code_text(again.exit_code()));
  auto shell = weft::process::exec({"/bin/sh", "-c", "exit 7"}, "shell");
  shell.start();
  shell.join();
  say("shell " + code_text(shell.exit_code()));
  auto missing = weft::process::exec({"/nonexistent/weft-no-such-program"}, "missing");
  missing.start();
  missing.join();
  say("missing " + code_text(missing.exit_code()));
  return 0;
}

int exec_env() {
  say("name " + weft::this_process::name());  // also starts weft: the trace is written
  for (const char* name : {"WEFT_TRACE", "WEFT_RUN_ID", "WEFT_RUN_PARENT", "WEFT_RUN_ROOT", "WEFT_PROCESS_NAME",
                           "WEFT_PROCESS_KEY"}) {
    const char* v = std::getenv(name);
    say(std::string("env ") + name + " " + (v ? v : "(unset)"));
  }
  say("pid " + std::to_string(::getpid()));
  return 0;
}

int names() {
  say("main-name " + weft::this_process::name());
  const pid_t parent = ::getpid();
  weft::process p(
      [parent] {
        say("child-name " + weft::this_process::name());
        say("child-parent " + std::to_string(weft::this_process::parent_pid() == parent));
      },
      "kid");
  p.start();
  p.join();
  return 0;
}

int square(int x) { return x * x; }
long multiply(int a, long b) { return a * b; }
int fail_on_five(int x) {
  if (x == 5) throw std::runtime_error("task failed: " + std::to_string(x));
  return x * 2;
}

int pool_map() {
  weft::process_pool pool(4, "pool");
  std::vector<int> inputs;
  for (int i = 0; i < 20; ++i) inputs.push_back(i);
  std::string line = "map";
  for (int r : pool.map(square, inputs)) line += " " + std::to_string(r);
  say(line);
  auto f = pool.submit(multiply, 6, 7L);
  say("submit " + std::to_string(f.get()));
  say("done " + std::to_string(f.done()));
  auto g = pool.submit(+[](int a, int b) { return a - b; }, 10, 4);
  say("lambda " + std::to_string(g.get()));
  pool.shutdown();
  return 0;
}

int pool_error() {
  weft::process_pool pool(2, "pool");
  auto bad = pool.submit(fail_on_five, 5);
  try {
    bad.get();
    say("error none");
  } catch (const std::runtime_error& e) {
    say(std::string("error ") + e.what());
  }
  say("after " + std::to_string(pool.submit(fail_on_five, 6).get()));
  pool.shutdown();
  try {
    pool.submit(fail_on_five, 1);
    say("after-shutdown nothing");
  } catch (const std::runtime_error&) {
    say("after-shutdown runtime_error");
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: process_child MODE\n");
    return 2;
  }
  const std::string mode = argv[1];
  if (mode == "codes") return codes();
  if (mode == "timeout") return timeout();
  if (mode == "daemon") return daemon_mode();
  if (mode == "globals") return globals();
  if (mode == "throw") return throws();
  if (mode == "misuse") return misuse();
  if (mode == "exec") return exec_mode(argv[0]);
  if (mode == "exec-env") return exec_env();
  if (mode == "name") return names();
  if (mode == "pool-map") return pool_map();
  if (mode == "pool-error") return pool_error();
  std::fprintf(stderr, "process_child: unknown mode %s\n", mode.c_str());
  return 2;
}
