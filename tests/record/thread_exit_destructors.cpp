// Work a thread does as it ends, after its function returned: a
// thread_local cache flushed under a lock, a pthread key's destructor that
// locks (and sets its key again once, so it runs in a second round too),
// libstdc++'s notify_all_at_thread_exit and a promise kept at thread exit.
// All of it is the thread's, before its end: clean, exit 0, nothing dropped
// (weft used to end the thread as its function returned, and the key
// destructors' events were lost as "buffers full": a partial verdict).
#include <pthread.h>

#include <condition_variable>
#include <cstdio>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

namespace {

std::mutex totals_lock;
long total_counted = 0;
long key_rounds = 0;

struct per_thread_count {
  long n = 0;
  ~per_thread_count() {
    std::lock_guard<std::mutex> hold(totals_lock);  // @flush
    total_counted += n;
  }
};
thread_local per_thread_count counted;

pthread_key_t session_key;
void end_session(void* value) {
  std::lock_guard<std::mutex> hold(totals_lock);  // @key_destructor
  ++key_rounds;
  // The first round sets the key again: glibc calls this once more.
  if (value == reinterpret_cast<void*>(1)) pthread_setspecific(session_key, reinterpret_cast<void*>(2));
}

std::mutex ready_lock;
std::condition_variable ready_cv;
bool ready = false;

}  // namespace

int main() {
  pthread_key_create(&session_key, end_session);
  std::vector<std::thread> counters;
  for (int i = 0; i < 3; ++i)
    counters.emplace_back([] {
      for (int k = 0; k < 10; ++k) ++counted.n;
      pthread_setspecific(session_key, reinterpret_cast<void*>(1));
    });
  for (std::thread& t : counters) t.join();

  // The notifier ends; only then is main notified (under ready_lock).
  std::thread notifier([] {
    std::unique_lock<std::mutex> hold(ready_lock);
    ready = true;
    std::notify_all_at_thread_exit(ready_cv, std::move(hold));
  });
  {
    std::unique_lock<std::mutex> hold(ready_lock);
    ready_cv.wait(hold, [] { return ready; });
  }
  notifier.join();

  std::promise<int> answer;
  std::future<int> later = answer.get_future();
  std::thread keeper([&answer] { answer.set_value_at_thread_exit(42); });
  const int got = later.get();
  keeper.join();

  std::printf("counted %ld in %ld key rounds; answer %d\n", total_counted, key_rounds, got);
  return total_counted == 30 && key_rounds == 6 && got == 42 ? 0 : 1;
}
