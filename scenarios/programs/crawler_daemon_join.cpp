// The crawler over a queue, fixed: the consumers (get_detail_html) are daemon
// threads and call task_done() for every URL they finish; main waits for the
// producer (get_detail_url) to put every URL, then for the queue's join(),
// which returns once every URL put has been marked done. Then main ends, and
// the daemon consumers, still blocked in get() on the empty queue, do not
// keep the program alive: exactly what Python does with daemon threads.
//
// The queue outlives run(): the daemon consumers are still blocked on it when
// run() returns and when the process exits, and destroying a queue (its
// condition variables) with threads waiting on it is undefined behaviour (with
// glibc, the destructor waits for the waiters: forever). So it is allocated
// once and never destroyed, reachable from a static pointer; the consumers
// capture nothing else from run().
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
// The lesson's time.sleep(2), scaled down, but long beside a thread's start
// (about 5 ms under ThreadSanitizer on a slow machine): main reaches the
// queue's join() after starting ten consumers, and the last URLs must still
// be crawling then, or join() returns at once and the lesson does not show.
constexpr auto kCrawl = std::chrono::milliseconds(150);

std::string url_of(int n) { return "http://projectsedu.com/" + std::to_string(n); }

weft::queue<std::string>* detail_url_queue_storage = nullptr;  // never freed: see above

int run(const weft::scenarios::options& opt) {
  detail_url_queue_storage = new weft::queue<std::string>(kMaxSize, "detail_url_queue");
  weft::queue<std::string>* const detail_url_queue = detail_url_queue_storage;

  std::mt19937_64 rng(opt.seed);
  std::vector<int> pauses;  // the producer's think time per URL, drawn before any thread starts
  for (int i = 0; i < kUrls; ++i) pauses.push_back(static_cast<int>(rng() % 5) + 1);

  auto get_detail_url = [detail_url_queue, &pauses] {
    weft::log("get detail url started");
    for (int i = 0; i < kUrls; ++i) {
      weft::sleep_for(std::chrono::milliseconds(pauses[static_cast<std::size_t>(i)]));
      detail_url_queue->put(url_of(i));
    }
    weft::log("get detail url end");
  };
  auto get_detail_html = [detail_url_queue] {
    for (;;) {
      const std::string url = detail_url_queue->get();
      weft::log("get detail html started: " + url);
      weft::sleep_for(kCrawl);
      detail_url_queue->task_done();
    }
  };

  const auto start = std::chrono::steady_clock::now();
  weft::thread producer("get_detail_url", get_detail_url);
  std::vector<weft::thread> consumers;
  consumers.reserve(kConsumers);
  for (int i = 0; i < kConsumers; ++i)
    consumers.emplace_back(weft::thread_options("get_detail_html-" + std::to_string(i + 1), /*daemon=*/true),
                           get_detail_html);
  producer.join();          // every URL is in the queue (a join() before this could return on an empty queue)
  detail_url_queue->join();  // and every URL has been crawled
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  weft::log("all " + std::to_string(kUrls) + " URLs crawled in " + std::to_string(ms) +
            " ms; the daemon consumers are left blocked in get() and do not hold the program");
  return 0;  // the consumers' handles are daemon threads: destroying them detaches, as Python leaves them
}

const weft::scenarios::registrar registered{{
    .name = "crawler-daemon-join",
    .summary = "the crawler fixed: daemon consumers, task_done() per URL and queue.join() in main",
    .teaches = "queue.join() waits until every item put has been marked task_done(), so main knows when the work is "
               "over; daemon consumers, still blocked in get(), do not keep the program alive. Join the producer "
               "first: a queue.join() on a queue nothing has been put into yet returns at once.",
    .lesson = "The Python crawler lesson's fix: consumer threads made daemons (setDaemon(True)), "
              "detail_url_queue.task_done() after each URL and detail_url_queue.join() in main. The C++ port "
              "produces 20 URLs once, crawls take 150 ms instead of seconds, main joins the producer before the "
              "queue, and the queue is never destroyed because daemon threads still wait on it when the process "
              "exits.",
    .shows = {"queue.put", "queue.get", "queue.task_done", "queue.join.begin", "queue.join.end", "thread.detach"},
    .run = run,
}};

}  // namespace
