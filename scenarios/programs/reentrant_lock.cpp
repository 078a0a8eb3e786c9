// A recursive lock taken again by the thread that holds it. Main acquires it
// twice in a row (the second, non-blocking try succeeds: it is already the
// holder); then two workers each run a recursive function that takes the
// lock at every level, three deep, and releases it level by level. The other
// worker gets the lock only once the depth is back to zero.
#include <cstdio>
#include <string>

#include <weft/weft.hpp>

#include "catalog.hpp"

namespace {

constexpr int kDepth = 3;

void say(const std::string& text) {
  weft::log(text);
  std::printf("%s\n", text.c_str());
}

int run(const weft::scenarios::options&) {
  weft::recursive_mutex rlock("rlock");
  int visits = 0;  // guarded by rlock

  // First try, second try: lock.acquire() and lock.acquire(0) on an RLock.
  rlock.lock();
  weft::mark("first-try");
  say("main: first try: acquired");
  const bool second = rlock.try_lock();  // the holder: succeeds, depth 2
  weft::mark(second ? "second-try" : "second-try-failed");
  say(std::string("main: second try: ") + (second ? "acquired" : "failed"));
  if (second) rlock.unlock();
  rlock.unlock();

  // A function that takes the lock and calls itself while holding it.
  auto descend = [&rlock, &visits](auto& self, int depth) -> void {
    weft::lock_guard<weft::recursive_mutex> guard(rlock);
    ++visits;
    weft::mark("enter-" + std::to_string(depth));
    say(weft::this_thread::name() + ": holding rlock at depth " + std::to_string(depth));
    if (depth < kDepth) self(self, depth + 1);
    weft::mark("leave-" + std::to_string(depth));
  };
  weft::thread worker1("worker-1", [&descend] { descend(descend, 1); });
  weft::thread worker2("worker-2", [&descend] { descend(descend, 1); });
  worker1.join();
  worker2.join();

  rlock.lock();
  say("main: " + std::to_string(visits) + " visits");
  rlock.unlock();
  return 0;
}

const weft::scenarios::registrar registered{{
    .name = "reentrant-lock",
    .summary = "a recursive lock acquired again by its holder: twice by main, then three deep in a recursion",
    .teaches = "A recursive (reentrant) lock counts how many times its holder has taken it and is free again "
               "only when it has been released as many times. The trace records the depth at every acquire and "
               "release, and shows the second worker waiting until the first's whole recursion is over.",
    .lesson = "Python's RLock lesson: lock.acquire() then lock.acquire(0) on the same RLock both succeed (with a "
              "plain Lock the second fails), and a function that takes the lock can call another that takes it "
              "again. The port uses weft::recursive_mutex named rlock, a try_lock for the second try, and a "
              "recursive function three levels deep run by two workers.",
    .marks = "first-try second-try (enter-1 enter-2 enter-3 leave-3 leave-2 leave-1 ){2}",
    .shows = {"mutex.acquired", "mutex.released"},
    .run = run,
}};

}  // namespace
