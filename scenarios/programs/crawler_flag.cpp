// A crawler with a global list and a global flag, and no lock at all: the
// producer (get_detail_url) appends detail-page URLs to detail_url_list and,
// when it has no more, sets is_finished; three consumers (get_detail_html)
// pop URLs from the list until they see is_finished. Every access to the
// list and to the flag races; URLs can be crawled twice or lost, and the
// consumers quit as soon as the flag is set, even with URLs still waiting.
//
// The model of the list. A Python list is an item array plus a length; here
// detail_url_list is one weft::shared<url_list>: fixed storage for every URL
// the producer will ever append (URL numbers, not strings) and the length,
// no pointers. Append writes items[len] then len + 1; pop (from the end, as
// Python's list.pop()) reads items[len - 1] then writes len - 1, and returns
// nothing when the length it read was 0 (Python raises IndexError). Racing
// appends and pops can lose or repeat URLs, but every length ever written is
// between 0 and the number of appends, so every index stays inside the
// storage: the races are real (weft and ThreadSanitizer see them) and cannot
// crash.
#include <array>
#include <chrono>
#include <cstddef>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <weft/weft.hpp>

#include "catalog.hpp"

namespace {

constexpr int kUrls = 20;       // the lesson's 20 detail pages
constexpr int kConsumers = 3;
constexpr auto kPoll = std::chrono::milliseconds(1);
constexpr auto kCrawl = std::chrono::milliseconds(15);  // the lesson's time.sleep(2), scaled down

struct url_list {
  std::array<int, kUrls> items{};
  std::size_t len = 0;
  void append(int url) {
    if (len < items.size()) items[len++] = url;
  }
  std::optional<int> pop() {
    if (len == 0) return std::nullopt;
    return items[--len];
  }
};

std::string url_of(int n) { return "http://projectsedu.com/" + std::to_string(n); }

int run(const weft::scenarios::options& opt) {
  weft::shared<url_list> detail_url_list(url_list{}, "detail_url_list");
  weft::shared<bool> is_finished(false, "is_finished");
  std::array<int, kConsumers> crawled{};  // one slot per consumer, read by main after the joins

  std::mt19937_64 rng(opt.seed);
  std::vector<int> pauses;  // the producer's think time per URL, drawn before any thread starts
  for (int i = 0; i < kUrls; ++i) pauses.push_back(static_cast<int>(rng() % 8) + 2);

  auto get_detail_url = [&] {
    for (int i = 0; i < kUrls; ++i) {
      weft::sleep_for(std::chrono::milliseconds(pauses[static_cast<std::size_t>(i)]));
      detail_url_list.modify([&](url_list& l) { l.append(i); });
    }
    is_finished = true;  // unsynchronized: the consumers may see it late, or before the last URLs
  };
  auto get_detail_html = [&](int me) {
    while (!is_finished.get()) {
      if (detail_url_list.get().len > 0) {
        const std::optional<int> url = detail_url_list.modify([](url_list& l) { return l.pop(); });
        if (!url) continue;  // another consumer emptied it between our check and our pop
        weft::log("get detail html started: " + url_of(*url));
        weft::sleep_for(kCrawl);
        ++crawled[static_cast<std::size_t>(me)];
      } else {
        weft::sleep_for(kPoll);
      }
    }
  };

  weft::thread producer("get_detail_url", get_detail_url);
  std::vector<weft::thread> consumers;
  consumers.reserve(kConsumers);
  for (int i = 0; i < kConsumers; ++i)
    consumers.emplace_back(weft::thread_options("get_detail_html-" + std::to_string(i + 1)), get_detail_html, i);
  producer.join();
  for (weft::thread& c : consumers) c.join();

  int total = 0;
  for (int n : crawled) total += n;
  weft::log(std::to_string(kUrls) + " URLs produced, " + std::to_string(total) + " crawled, " +
            std::to_string(detail_url_list.get().len) + " left in the list when the consumers quit");
  return 0;
}

const weft::scenarios::registrar registered{{
    .name = "crawler-flag",
    .summary = "a crawler: one producer, three consumers, a global URL list and an is_finished flag, no lock",
    .teaches = "A plain list and a plain flag shared by threads without a lock race on every access: URLs can be "
               "crawled twice or lost, and consumers that stop on the flag leave the last URLs behind. A queue "
               "(see crawler-bounded-queue, crawler-daemon-join) is the fix.",
    .lesson = "The Python crawler lesson with a global list and a global is_finished flag (get_detail_url "
              "producing, get_detail_html consuming). The C++ port has 3 consumers and 20 URLs, crawls take 15 ms "
              "instead of seconds, consumers poll every 1 ms when the list is empty, and the list is a weft::shared "
              "fixed-size list (items and length in one value, no pointers; pop returns nothing where Python "
              "raises IndexError) so the races cannot crash.",
    .always = {{weft::scenarios::finding::data_race, "detail_url_list"},
               {weft::scenarios::finding::data_race, "is_finished"}},
    .shows = {"shared.read", "shared.write", "thread.start", "thread.end"},
    .run = run,
}};

}  // namespace
