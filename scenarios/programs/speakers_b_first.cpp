// Two speakers take turns saying the numbers 1 to 6 over one condition:
// A says the odd ones, B the even ones. A speaks, notifies and waits; B
// waits, speaks and notifies. Each notification wakes the other, which has
// to be waiting already: a condition does not remember a notification that
// came when nobody waited. Started B first, B is waiting when A says its
// first number, and the dialogue runs to the end: A1 B2 A3 B4 A5 B6.
// (speakers-a-first starts them the other way round, and hangs.)
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

  // A opens: says, notifies, waits. Its last wait is ended by B's last notify.
  auto speaker_a = [&] {
    weft::unique_lock<weft::mutex> guard(cond_lock);  // with cond:
    for (int n = 1; n < kLast; n += 2) {
      say("A" + std::to_string(n));
      weft::mark("A" + std::to_string(n));
      cond.notify_one();
      cond.wait(guard);
    }
  };
  // B answers: waits, says, notifies.
  auto speaker_b = [&] {
    weft::unique_lock<weft::mutex> guard(cond_lock);
    for (int n = 2; n <= kLast; n += 2) {
      cond.wait(guard);
      say("B" + std::to_string(n));
      weft::mark("B" + std::to_string(n));
      cond.notify_one();
    }
  };

  weft::thread b("speaker-B", speaker_b);  // B first: it is waiting before A speaks
  weft::sleep_for(kStartGap);
  weft::thread a("speaker-A", speaker_a);
  b.join();
  a.join();
  return 0;
}

const weft::scenarios::registrar registered{{
    .name = "speakers-b-first",
    .summary = "two speakers alternate 1..6 over one condition; the answering one (B) is started first: it works",
    .teaches = "Turn-taking with bare notify/wait works only if the thread to be woken is already waiting when "
               "the notification comes. B, which begins by waiting, is started first, so A's first notify finds "
               "it waiting, and every later notify does too, because each speaker notifies and only then waits. "
               "Start them the other way round and the first notify is lost (speakers-a-first).",
    .lesson = "The Python Condition dialogue lesson: two threads share one threading.Condition; the one that "
              "speaks first does `say; cond.notify(); cond.wait()`, the one that answers `cond.wait(); say; "
              "cond.notify()`, inside `with cond:`, and the answering thread must be started first. The port's "
              "speakers say numbers (A the odd ones, B the even ones) instead of lines of dialogue, and main "
              "pauses 50 ms between the two starts so that B is surely waiting before A speaks (the lesson "
              "relies on the start order alone, which usually but not always wins that race).",
    .marks = "A1 B2 A3 B4 A5 B6 ",
    .shows = {"cond.wait.begin", "cond.wait.end", "cond.notify_one", "mark"},
    .run = run,
}};

}  // namespace
