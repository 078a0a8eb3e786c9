// A semaphore caps how many crawler threads run at once. The URL producer
// (url_producer) acquires the semaphore before it starts each crawler
// (html_spider), and each crawler releases it itself when its page is done:
// out of thirty crawlers, never more than ten run at the same time, and the
// producer waits for a slot whenever ten are busy.
#include <chrono>
#include <cstddef>
#include <random>
#include <string>
#include <vector>

#include <weft/weft.hpp>

#include "catalog.hpp"

namespace {

constexpr int kCrawlers = 30;
constexpr std::ptrdiff_t kSlots = 10;

int run(const weft::scenarios::options& opt) {
  weft::semaphore sem(kSlots, "sem");
  weft::mutex stats_lock("stats_lock");
  int running = 0, most_running = 0;  // guarded by stats_lock: the cap, observed

  std::mt19937_64 rng(opt.seed);
  // Each crawler's page time, drawn before any thread starts. Long beside a
  // thread's start (about 5 ms under ThreadSanitizer on a slow machine), so
  // that the first ten are all still crawling when the producer wants an
  // eleventh slot: it must wait, as the lesson says.
  std::vector<int> crawl_ms;
  for (int i = 0; i < kCrawlers; ++i) crawl_ms.push_back(static_cast<int>(rng() % 50) + 150);

  auto html_spider = [&](int n) {
    {
      weft::lock_guard<weft::mutex> guard(stats_lock);
      if (++running > most_running) most_running = running;
    }
    weft::sleep_for(std::chrono::milliseconds(crawl_ms[static_cast<std::size_t>(n)]));  // fetching the page
    weft::log("got html text success: https://baidu.com/" + std::to_string(n));
    {
      weft::lock_guard<weft::mutex> guard(stats_lock);
      --running;
    }
    sem.release();  // the crawler gives its slot back itself
  };
  auto url_producer = [&] {
    std::vector<weft::thread> spiders;
    spiders.reserve(kCrawlers);
    for (int i = 0; i < kCrawlers; ++i) {
      sem.acquire();  // waits while ten crawlers run
      spiders.emplace_back(weft::thread_options("html_spider-" + std::to_string(i)), html_spider, i);
    }
    for (weft::thread& s : spiders) s.join();
  };

  weft::thread producer("url_producer", url_producer);
  producer.join();
  weft::log("at most " + std::to_string(most_running) + " crawlers ran at once (the semaphore allows " +
            std::to_string(kSlots) + ")");
  return most_running <= kSlots ? 0 : 1;
}

const weft::scenarios::registrar registered{{
    .name = "semaphore-crawlers",
    .summary = "a semaphore of 10 caps how many of 30 crawler threads run at once; each releases its own slot",
    .teaches = "A semaphore as a limit on concurrency: the producer takes a slot before starting a crawler and "
               "waits when all ten are taken; the crawler, another thread, gives the slot back when it is done. "
               "The semaphore's value over time shows the cap.",
    .lesson = "The Python lesson with threading.Semaphore: a UrlProducer thread acquiring before starting each "
              "HtmlSpider thread, which releases when done. The C++ port runs 30 spiders with a semaphore of 10 "
              "(the lesson: 20 and 3), pages take 150-200 ms instead of 2 s, and the producer joins its spiders.",
    .shows = {"sem.acquired", "sem.acquire.begin", "sem.released", "thread.create"},
    .run = run,
}};

}  // namespace
