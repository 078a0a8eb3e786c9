// Two speakers take turns saying the numbers 1 to 6 over one condition:
// A says the odd ones, B the even ones. A speaks, notifies and waits; B
// waits, speaks and notifies. Started A first, A says 1 and notifies while
// B is not waiting yet: the notification is lost (a condition does not
// remember it). A then waits for B's answer, B arrives and waits for A's
// first line, which has already been said: both wait forever.
// (speakers-b-first starts B first, and works.)
#include <chrono>
#include <cstdio>
#include <string>

#include <weft/weft.hpp>

#include "catalog.hpp"

namespace {

using namespace std::chrono_literals;

constexpr int kLast = 6;
constexpr auto kStartGap = 50ms;  // between the first speaker's start and the second's

void say(const std::string& text) {
  weft::log(text);
  std::printf("%s\n", text.c_str());
  std::fflush(stdout);
}

int run(const weft::scenarios::options&) {
  weft::mutex cond_lock("cond_lock");  // the lock inside Python's Condition()
  weft::condition_variable cond("cond");

  // A opens: says, notifies, waits.
  auto speaker_a = [&] {
    weft::unique_lock<weft::mutex> guard(cond_lock);  // with cond:
    for (int n = 1; n < kLast; n += 2) {
      say("A" + std::to_string(n));
      weft::mark("A" + std::to_string(n));
      cond.notify_one();  // the first one: nobody is waiting yet, it is lost
      cond.wait(guard);   // and so this never ends
    }
  };
  // B answers: waits, says, notifies.
  auto speaker_b = [&] {
    weft::unique_lock<weft::mutex> guard(cond_lock);
    for (int n = 2; n <= kLast; n += 2) {
      cond.wait(guard);  // waits for a notification that has already come and gone
      say("B" + std::to_string(n));
      weft::mark("B" + std::to_string(n));
      cond.notify_one();
    }
  };

  weft::thread a("speaker-A", speaker_a);  // A first: it speaks before B listens
  weft::sleep_for(kStartGap);
  weft::thread b("speaker-B", speaker_b);
  a.join();  // never returns
  b.join();
  return 0;
}

const weft::scenarios::registrar registered{{
    .name = "speakers-a-first",
    .summary = "two speakers alternate 1..6 over one condition; the opening one (A) is started first: it hangs",
    .teaches = "A notification sent while nobody is waiting is lost: a condition is not a flag. A says its first "
               "line and notifies before B has started waiting, then waits for an answer; B then waits for a "
               "line that was already said. Both wait forever. Waiting for a state (a turn variable checked in "
               "a predicate) instead of for a signal fixes it whatever the start order.",
    .lesson = "The Python Condition dialogue lesson, started in the wrong order: the thread that speaks first "
              "(`say; cond.notify(); cond.wait()`) is started before the one that answers (`cond.wait(); say; "
              "cond.notify()`), and the program hangs after the first line. The port's speakers say numbers (A "
              "the odd ones, B the even ones), and main pauses 50 ms between the two starts so that the first "
              "notify surely comes before B waits. weft stops the hung program (exit status 86).",
    .always = {{weft::scenarios::finding::lost_wakeup, "cond"}, {weft::scenarios::finding::hang, "cond"}},
    .marks = "A1 ",
    .shows = {"cond.notify_one", "cond.wait.begin", "mark"},
    .hangs = true,
    .run = run,
}};

}  // namespace
