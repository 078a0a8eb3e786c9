// The crawler again, with a bounded queue instead of a list and a flag: the
// producer (get_detail_url) puts detail-page URLs into detail_url_queue
// (maxsize 500), ten consumers (get_detail_html) take them with a blocking
// get(). The queue does all the locking, so nothing races. But the consumers
// loop forever: once the producer has put its last URL and ended, all ten
// block in get() on an empty queue that nobody will ever fill, and main,
// joining them, waits with them. A hang; the runner stops it.
#include <chrono>
#include <random>
#include <string>
#include <vector>

#include <weft/weft.hpp>

#include "catalog.hpp"

namespace {

constexpr int kUrls = 20;
constexpr int kConsumers = 10;
constexpr std::size_t kMaxSize = 500;
constexpr auto kCrawl = std::chrono::milliseconds(20);  // the lesson's time.sleep(2), scaled down

std::string url_of(int n) { return "http://projectsedu.com/" + std::to_string(n); }

int run(const weft::scenarios::options& opt) {
  weft::queue<std::string> detail_url_queue(kMaxSize, "detail_url_queue");

  std::mt19937_64 rng(opt.seed);
  std::vector<int> pauses;  // the producer's think time per URL, drawn before any thread starts
  for (int i = 0; i < kUrls; ++i) pauses.push_back(static_cast<int>(rng() % 5) + 1);

  auto get_detail_url = [&] {
    weft::log("get detail url started");
    for (int i = 0; i < kUrls; ++i) {
      weft::sleep_for(std::chrono::milliseconds(pauses[static_cast<std::size_t>(i)]));
      detail_url_queue.put(url_of(i));
    }
    weft::log("get detail url end");
  };
  auto get_detail_html = [&] {
    for (;;) {  // while True: nothing ever tells a consumer to stop
      const std::string url = detail_url_queue.get();
      weft::log("get detail html started: " + url);
      weft::sleep_for(kCrawl);
    }
  };

  weft::thread producer("get_detail_url", get_detail_url);
  std::vector<weft::thread> consumers;
  consumers.reserve(kConsumers);
  for (int i = 0; i < kConsumers; ++i)
    consumers.emplace_back(weft::thread_options("get_detail_html-" + std::to_string(i + 1)), get_detail_html);
  producer.join();
  for (weft::thread& c : consumers) c.join();  // never returns: the consumers wait for more URLs forever
  return 0;
}

const weft::scenarios::registrar registered{{
    .name = "crawler-bounded-queue",
    .summary = "a crawler over a bounded queue: ten consumers block in get() forever once the producer is done",
    .teaches = "A queue makes the producer/consumer hand-off safe without a lock of your own, but a consumer "
               "looping on a blocking get() needs to be told when the work is over (a sentinel, a daemon thread "
               "and queue.join()); otherwise it waits forever once the queue is empty for good.",
    .lesson = "The Python crawler lesson with queue.Queue(maxsize=...): get_detail_url putting URLs, ten "
              "get_detail_html threads doing a blocking get() in while True. The C++ port produces 20 URLs once "
              "(the lesson's producer loops with long sleeps), crawls take 20 ms instead of seconds, and main joins "
              "the consumers where the Python interpreter waits for its non-daemon threads at exit. The runner stops "
              "it after 3 s.",
    .always = {{weft::scenarios::finding::hang, "detail_url_queue"}},
    .shows = {"queue.put", "queue.get", "queue.get.begin", "thread.join.begin"},
    .hangs = true,
    .run = run,
}};

}  // namespace
