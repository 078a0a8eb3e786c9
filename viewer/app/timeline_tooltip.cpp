// The tooltip of what is under the pointer: a mark or log; a wait, how long
// it lasted and what ended it ("who unblocked me"); a thread running or
// not alive; a lock's holder; a queue's, semaphore's or barrier's value; on
// a condition's or event's lane, a notification and whether anyone heard
// it, or a wait and what ended it.
#include <algorithm>
#include <string>

#include "ruler.hpp"
#include "signal_lanes.hpp"
#include "timeline_draw.hpp"
#include "weft/format/schema.hpp"

namespace weft::viewer {
namespace {

// Who ended the wait that `end_event` closes ("who unblocked me"), when
// and from where; the edge, which the view draws between the threads.
std::optional<analysis::CausalEdge> ended_by(const Document& doc, std::uint64_t end_event, const char* verb) {
  const auto by = analysis::unblocker(doc.edges, end_event);
  if (!by) {
    ImGui::TextDisabled("ended by %s", event_summary(doc, end_event).c_str());
    return std::nullopt;
  }
  const format::Event& from = doc.trace.events[by->from];
  ImGui::Separator();
  ImGui::Text("%s %s (%s) at %s", verb, thread_label(doc, from.thread).c_str(),
              std::string(analysis::causal_kind_name(by->kind)).c_str(),
              format_duration(static_cast<double>(from.time_ns)).c_str());
  ImGui::TextDisabled("%s at %s", event_summary(doc, by->from).c_str(), doc.trace.site_label(from.site).c_str());
  return by;
}

std::optional<analysis::CausalEdge> thread_tooltip(const Document& doc, const Lane& lane, const Hover& hover) {
  const format::Trace& trace = doc.trace;
  if (hover.tick) {
    const Tick& k = lane.ticks[*hover.tick];
    const format::Event& e = trace.events[k.event];
    ImGui::Text("%s \"%s\"", k.log ? "log" : "mark", std::string(trace.text(e)).c_str());
    ImGui::Text("%s at %s", lane.label.c_str(), format_duration(static_cast<double>(e.time_ns)).c_str());
    ImGui::TextDisabled("%s", trace.site_label(e.site).c_str());
    return std::nullopt;
  }
  if (!hover.span) {
    if (hover.alive)
      ImGui::Text("%s: running", lane.label.c_str());
    else
      ImGui::TextDisabled("%s: not alive", lane.label.c_str());
    return std::nullopt;
  }
  const Span& s = lane.spans.spans[*hover.span];
  ImGui::Text("%s: %s%s%s", lane.label.c_str(), state_name(s.state), s.object ? " " : "",
              s.object ? trace.object_label(s.object).c_str() : "");
  ImGui::Text("from %s for %s", format_duration(static_cast<double>(s.begin_ns)).c_str(),
              format_duration(static_cast<double>(s.end_ns - s.begin_ns)).c_str());
  ImGui::TextDisabled("%s", trace.site_label(trace.events[s.begin_event].site).c_str());
  if (s.end_event == kNoEvent) {
    ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "still waiting when the trace ends");
    return std::nullopt;
  }
  return ended_by(doc, s.end_event, "unblocked by");
}

void object_tooltip(const Document& doc, const Lane& lane, const Hover& hover) {
  ImGui::Text("%s", lane.label.c_str());
  if (lane.kind == LaneKind::Lock && hover.span) {
    const Span& s = lane.spans.spans[*hover.span];
    ImGui::Text("held by %s from %s for %s", thread_label(doc, s.who).c_str(),
                format_duration(static_cast<double>(s.begin_ns)).c_str(),
                format_duration(static_cast<double>(s.end_ns - s.begin_ns)).c_str());
  }
  if (hover.step) {
    const char* what = lane.kind == LaneKind::Lock        ? "threads waiting"
                       : lane.kind == LaneKind::Queue     ? "items in the queue"
                       : lane.kind == LaneKind::Semaphore ? "semaphore value"
                                                          : "arrived at the barrier";
    ImGui::Text("%s: %lld", what, static_cast<long long>(lane.series.steps[*hover.step].value));
  }
}

const char* notice_meaning(Hover::Notice which, format::ObjectKind kind) {
  switch (which) {
    case Hover::Notice::Heard:
      return kind == format::ObjectKind::Event        ? "woke the threads waiting on it"
             : kind == format::ObjectKind::AtomicWord ? "woke a thread waiting on the word"
                                                      : "a thread was waiting: it was heard";
    case Hover::Notice::Unheard:
      return "nobody was waiting: nobody heard it (the seed of a lost wake-up)";
    case Hover::Notice::Latched:
      return kind == format::ObjectKind::AtomicWord
                 ? "nobody was sleeping on the word: no harm, a wait checks the word's value before it sleeps"
                 : "nobody was waiting: the event stays set, and the next wait passes at once";
  }
  return "";
}

std::optional<analysis::CausalEdge> signal_tooltip(const Document& doc, const Lane& lane, const Hover& hover) {
  const format::Trace& trace = doc.trace;
  const SignalLane& s = *lane.signal;
  ImGui::Text("%s", lane.label.c_str());
  if (hover.notice) {
    const auto& [which, k] = *hover.notice;
    const std::uint64_t index = notice_ticks(s, which)[k].event;
    const format::Event& e = trace.events[index];
    ImGui::Text("%s by %s at %s", event_summary(doc, index).c_str(), thread_label(doc, e.thread).c_str(),
                format_duration(static_cast<double>(e.time_ns)).c_str());
    if (which == Hover::Notice::Heard)
      ImGui::Text("%s", notice_meaning(which, s.kind));
    else
      ImGui::TextColored(ImVec4(1, 0.6f, 0.3f, 1), "%s", notice_meaning(which, s.kind));
    ImGui::TextDisabled("%s", trace.site_label(e.site).c_str());
    return std::nullopt;
  }
  if (hover.signal_row && hover.span) {
    const SignalRow& row = s.rows[*hover.signal_row];
    const Span& w = row.spans.spans[*hover.span];
    ImGui::Text("%s waited from %s for %s", thread_label(doc, w.who).c_str(),
                format_duration(static_cast<double>(w.begin_ns)).c_str(),
                format_duration(static_cast<double>(w.end_ns - w.begin_ns)).c_str());
    ImGui::TextDisabled("%s", trace.site_label(trace.events[w.begin_event].site).c_str());
    switch (row.outcomes[*hover.span]) {
      case WaitOutcome::Open:
        ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "still waiting when the trace ends");
        return std::nullopt;
      case WaitOutcome::TimedOut:
        ImGui::Text("timed out: nothing woke it");
        return std::nullopt;
      case WaitOutcome::Spurious:
        ImGui::Text("returned with no notification (a spurious wake-up)");
        return std::nullopt;
      case WaitOutcome::Woken:
        break;
    }
    if (s.kind == format::ObjectKind::AtomicWord) {
      // No arrow to draw: the kernel does not say which wake ended it.
      const bool changed = trace.events[w.end_event].arg == std::uint64_t(format::AtomicWaitResult::Changed);
      ImGui::Text("%s", changed ? "the word had already changed: it did not sleep"
                                : "woken by a wake on the word (which one, the kernel does not say)");
      return std::nullopt;
    }
    return ended_by(doc, w.end_event, "woken by");
  }
  // Between waits: how many waited here in all, and at this moment when
  // the rows cannot show every one.
  if (!s.waiter_steps.empty()) {
    const std::size_t k = s.waiters.at(static_cast<std::uint64_t>(std::max(0.0, hover.t_ns)));
    if (k < s.waiters.steps.size())
      ImGui::Text("threads waiting: %lld", static_cast<long long>(s.waiters.steps[k].value));
  }
  ImGui::TextDisabled("%zu waits, %zu notifications heard, %zu unheard, %zu sets that woke nobody", s.waits,
                      s.heard.size(), s.unheard.size(), s.latched.size());
  return std::nullopt;
}

}  // namespace

std::optional<analysis::CausalEdge> draw_hover_tooltip(const Document& doc, const Hover& hover) {
  const Lane& lane = doc.timeline.lanes[hover.lane];
  std::optional<analysis::CausalEdge> unblocked_by;
  ImGui::BeginTooltip();
  if (lane.kind == LaneKind::Thread)
    unblocked_by = thread_tooltip(doc, lane, hover);
  else if (lane.kind == LaneKind::Signal && lane.signal)
    unblocked_by = signal_tooltip(doc, lane, hover);
  else
    object_tooltip(doc, lane, hover);
  ImGui::EndTooltip();
  return unblocked_by;
}

}  // namespace weft::viewer
