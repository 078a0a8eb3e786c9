// The State tab: the replay state at the cursor: each thread running,
// waiting (on what) or ended; who holds each lock (or its readers) and who
// waits for it;
// queue depths, semaphore values, barrier arrivals; other waits.
#include <imgui.h>

#include <map>
#include <set>
#include <string>

#include "imgui_color.hpp"
#include "panels.hpp"
#include "ruler.hpp"

namespace weft::viewer {
namespace {

std::string waiter_names(const Document& doc, const ReplayState& s, std::uint32_t object) {
  std::string names;
  for (std::uint32_t t : s.waiters_of(object)) names += (names.empty() ? "" : ", ") + thread_label(doc, t);
  return names;
}

void threads(const Document& doc, const ReplayState& s) {
  if (!ImGui::CollapsingHeader("Threads", ImGuiTreeNodeFlags_DefaultOpen)) return;
  const auto& trace = doc.trace;
  // One line a thread, and only the lines in view are laid out: a program
  // that starts a thread a task has as many threads as tasks.
  ImGuiListClipper lines;
  lines.Begin(static_cast<int>(trace.threads.size()));
  while (lines.Step())
    for (int k = lines.DisplayStart; k < lines.DisplayEnd; ++k) {
      const format::ThreadInfo& info = trace.threads[static_cast<std::size_t>(k)];
      const std::string name = thread_label(doc, info.id);
      if (s.ended.count(info.id)) {
        ImGui::TextDisabled("%s: ended", name.c_str());
      } else if (const auto w = s.waiting.find(info.id); w != s.waiting.end()) {
        ImGui::TextColored(rgba_f(state_color(w->second.state)), "%s: %s %s", name.c_str(), state_name(w->second.state),
                           w->second.object ? trace.object_label(w->second.object).c_str() : "");
      } else if (s.alive.count(info.id)) {
        ImGui::TextColored(rgba_f(colors::running), "%s: running", name.c_str());
      } else {
        ImGui::TextDisabled("%s: not started", name.c_str());
      }
    }
}

// What the cursor says of one lock: who holds it (or reads it), or free;
// who waits for it.
void lock_line(const Document& doc, const ReplayState& s, const Lane& lane) {
  const auto h = s.holders.find(lane.id);
  const auto r = s.readers.find(lane.id);
  const std::string waiters = waiter_names(doc, s, lane.id);
  if (r != s.readers.end()) {
    std::string readers;
    for (const LockHolder& reader : r->second) readers += (readers.empty() ? "" : ", ") + thread_label(doc, reader.thread);
    ImGui::TextColored(rgba_f(colors::held), "%s: held shared by %s", lane.label.c_str(), readers.c_str());
  } else if (h == s.holders.end()) {
    ImGui::Text("%s: free", lane.label.c_str());
  } else
    ImGui::TextColored(rgba_f(colors::held), "%s: held by %s%s", lane.label.c_str(),
                       thread_label(doc, h->second.thread).c_str(),
                       h->second.depth > 1 ? (" (depth " + std::to_string(h->second.depth) + ")").c_str() : "");
  if (!waiters.empty()) ImGui::TextColored(rgba_f(colors::lock_wait), "    waiting: %s", waiters.c_str());
}

// Past this many locks, only those held or waited for at the cursor are
// listed, and the free ones counted: a trace of two million locks listed
// every one of them every frame.
constexpr std::size_t kLocksListed = 64;

void locks(const Document& doc, const ReplayState& s) {
  if (!ImGui::CollapsingHeader("Locks", ImGuiTreeNodeFlags_DefaultOpen)) return;
  const Timeline& tl = doc.timeline;
  if (doc.lock_lanes == 0) {
    ImGui::TextDisabled("no locks");
    return;
  }
  if (doc.lock_lanes <= kLocksListed) {
    for (const Lane& lane : tl.lanes)
      if (lane.kind == LaneKind::Lock) lock_line(doc, s, lane);
    return;
  }
  std::set<std::uint32_t> busy;
  for (const auto& [lock, holder] : s.holders) busy.insert(lock);
  for (const auto& [lock, readers] : s.readers) busy.insert(lock);
  for (const auto& [thread, w] : s.waiting)
    if (w.state == State::Lock) busy.insert(w.object);
  std::size_t listed = 0;
  for (const std::uint32_t lock : busy)
    if (const std::size_t n = tl.lane_of_object(lock); n < tl.lanes.size() && tl.lanes[n].kind == LaneKind::Lock) {
      lock_line(doc, s, tl.lanes[n]);
      ++listed;
    }
  ImGui::TextDisabled("%zu %slocks free", doc.lock_lanes - listed, listed == 0 ? "" : "other ");
}

// One line per counted object (queue, semaphore, barrier) at the cursor.
// Past kValuesListed of them, the replay gives only those a
// thread waits on, and the others are counted.
template <class Value, class Line>
void values(const ReplayState& s, const char* title, const std::map<std::uint32_t, Value>& m, std::size_t total,
            const char* plural, Line&& line) {
  if (total == 0 || (m.empty() && !s.values_partial())) return;
  if (!ImGui::CollapsingHeader(title, ImGuiTreeNodeFlags_DefaultOpen)) return;
  for (const auto& [object, v] : m) line(object, v);
  if (s.values_partial())
    ImGui::TextDisabled("%zu %s%s not waited on", total - m.size(), m.empty() ? "" : "other ", plural);
}

void counted(const Document& doc, const ReplayState& s) {
  auto with_waiters = [&](const char* what) {
    return [&doc, &s, what](std::uint32_t object, std::int64_t v) {
      const std::string waiters = waiter_names(doc, s, object);
      ImGui::Text("%s: %s %lld%s%s", doc.trace.object_label(object).c_str(), what, static_cast<long long>(v),
                  waiters.empty() ? "" : "; waiting: ", waiters.c_str());
    };
  };
  values(s, "Queues", s.queue_depth, s.queues, "queues", with_waiters("depth"));
  values(s, "Semaphores", s.semaphore_value, s.semaphores, "semaphores", with_waiters("value"));
  values(s, "Barriers", s.barrier_arrived, s.barriers, "barriers", [&doc](std::uint32_t object, std::uint32_t n) {
    ImGui::Text("%s: %u arrived", doc.trace.object_label(object).c_str(), n);
  });
}

// Threads waiting on objects without a section of their own (conditions,
// events, joins).
void other_waits(const Document& doc, const ReplayState& s) {
  std::string others;
  for (const auto& [thread, w] : s.waiting)
    if (w.object != 0 && !s.holders.count(w.object) && !s.queue_depth.count(w.object) &&
        !s.semaphore_value.count(w.object) && w.state != State::Lock)
      others += (others.empty() ? "" : "\n") + thread_label(doc, thread) + " waits on " +
                doc.trace.object_label(w.object);
  if (!others.empty() && ImGui::CollapsingHeader("Other waits", ImGuiTreeNodeFlags_DefaultOpen))
    ImGui::TextUnformatted(others.c_str());
}

}  // namespace

void state_panel(const Document& doc, const ReplayCursor& cursor) {
  const ReplayState& s = cursor.state();
  ImGui::Text("after %llu of %zu events, at %s", static_cast<unsigned long long>(s.applied), doc.trace.events.size(),
              format_duration(cursor.time_ns()).c_str());
  threads(doc, s);
  locks(doc, s);
  counted(doc, s);
  other_waits(doc, s);
}

}  // namespace weft::viewer
