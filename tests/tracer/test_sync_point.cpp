#include <mutex>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "../support/trace_probe.hpp"

using weft::format::EventKind;

namespace {

std::mutex g_seen_mutex;
std::vector<std::pair<EventKind, std::uint32_t>> g_seen;

void record(const weft::detail::sync_event& e) {
  std::lock_guard<std::mutex> lock(g_seen_mutex);
  g_seen.emplace_back(e.kind, e.object);
}

}  // namespace

TEST_CASE("every synchronization event of every primitive passes through the sync point", "[sync_point]") {
  weft::mutex m("hooked_mutex");
  weft::recursive_mutex r("hooked_rmutex");
  weft::condition_variable cv("hooked_cv");
  std::uint32_t thread_object = 0;
  weft::detail::set_sync_hook(record);
  {
    weft::unique_lock<weft::mutex> lock(m);
    cv.wait_for(lock, std::chrono::milliseconds(1));
    cv.notify_one();
  }
  { weft::lock_guard<weft::recursive_mutex> g(r); }
  weft::thread t("hooked_thread", [] {});
  t.join();
  weft::detail::set_sync_hook(nullptr);
  thread_object = weft::test::Probe::take().trace.thread(t.id()).object;

  const auto probe = weft::test::Probe::take();
  std::vector<std::pair<EventKind, std::uint32_t>> expected;
  for (std::uint32_t object : {m.id(), r.id(), cv.id(), thread_object})
    for (const auto& e : probe.on_object(object))
      if (e.kind != EventKind::ObjectCreate) expected.emplace_back(e.kind, e.object);
  std::vector<std::pair<EventKind, std::uint32_t>> seen;
  for (const auto& s : g_seen)
    if (s.second == m.id() || s.second == r.id() || s.second == cv.id() || s.second == thread_object) seen.push_back(s);
  std::sort(expected.begin(), expected.end());
  std::sort(seen.begin(), seen.end());
  CHECK(seen == expected);
  CHECK(seen.size() >= 12);
}
