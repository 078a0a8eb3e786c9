// Tasks that submit tasks to their own pool. main submits one crawl_site task
// per site; each crawl_site fans out by submitting one fetch_page task per
// page to the same pool, and returns the pages' futures without waiting for
// them. main then gathers: for each site, it waits for the site's task, then
// for each of its pages. Only once every result is in does it shut the pool
// down: a shutdown while crawl_site tasks were still submitting would make
// their submit() fail (Python: "cannot schedule new futures after shutdown").
//
// Why crawl_site does not wait for its own pages: a task that blocks on tasks
// queued behind it in the same pool holds a worker while it waits; with as
// many such tasks as workers, nothing is left to run the pages (a pool
// deadlock). Returning the futures and gathering outside the pool avoids it.
#include <chrono>
#include <string>
#include <vector>

#include <weft/weft.hpp>

#include "catalog.hpp"

namespace {

constexpr int kSites = 3;
constexpr int kPagesPerSite = 3;
constexpr auto kUnit = std::chrono::milliseconds(10);

int fetch_page(int site, int page) {
  weft::sleep_for((page + 1) * kUnit);
  return site * 100 + page;  // "the page's content"
}

int run(const weft::scenarios::options&) {
  weft::thread_pool executor(4, "executor");

  auto crawl_site = [&executor](int site) {
    std::vector<weft::future<int>> pages;
    for (int page = 0; page < kPagesPerSite; ++page)
      pages.push_back(executor.submit([site, page] { return fetch_page(site, page); }));  // fan-out
    weft::log("site " + std::to_string(site) + ": " + std::to_string(kPagesPerSite) + " pages submitted");
    return pages;
  };

  std::vector<weft::future<std::vector<weft::future<int>>>> sites;
  for (int site = 0; site < kSites; ++site) sites.push_back(executor.submit([crawl_site, site] { return crawl_site(site); }));

  int fetched = 0;
  for (std::size_t site = 0; site < sites.size(); ++site) {  // gather, in main, before the pool shuts down
    for (weft::future<int>& page : sites[site].result()) {
      const int content = page.result();
      if (content / 100 == static_cast<int>(site)) ++fetched;
    }
    weft::mark("site-" + std::to_string(site) + "-gathered");
  }
  weft::mark(std::to_string(fetched) + "-pages");

  executor.shutdown();
  return fetched == kSites * kPagesPerSite ? 0 : 1;
}

const weft::scenarios::registrar registered{{
    .name = "thread-pool-nested",
    .summary = "tasks submit more tasks to their own pool (fan-out), main gathers every result before shutdown",
    .teaches = "A task can submit more work to the pool it runs on. Gather the results before shutting the pool "
               "down (a shut-down pool refuses new tasks), and do not make a task wait for tasks queued behind it "
               "in the same pool: with every worker waiting, nobody runs them.",
    .lesson = "The Python concurrent.futures lesson on submitting from inside a task (fan-out, then gather) and "
              "on shutting the executor down too early. The C++ port has 3 sites of 3 pages, pages take 10-30 ms, "
              "and the site tasks return their pages' futures for main to gather.",
    .marks = "site-0-gathered site-1-gathered site-2-gathered 9-pages ",
    .shows = {"pool.submit", "task.start", "task.end", "future.wait.begin", "future.wait.end", "pool.shutdown.end"},
    .run = run,
}};

}  // namespace
