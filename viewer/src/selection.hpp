// What the user has picked to look at: a finding (and what it involves, its
// Focus), an event (the details panel shows it) and perhaps the wait that
// event begins.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "document.hpp"
#include "focus.hpp"
#include "timeline.hpp"

namespace weft::viewer {

// A span of the timeline: spans[span] of lanes[lane].
struct SpanRef {
  std::size_t lane = 0;
  std::size_t span = 0;
  bool operator==(const SpanRef&) const = default;
};

// Always true of a Selection:
//  - focus() is focus_of(the selected finding) while a finding is selected,
//    and empty otherwise;
//  - a selected span exists in the timeline it was selected in, and its
//    begin event is the selected event: selecting any other event drops it.
// The finding and the event are independent: a finding's events are
// clicked one by one without leaving the finding.
class Selection {
 public:
  std::optional<std::size_t> finding() const { return finding_; }
  const Focus& focus() const { return focus_; }
  std::optional<std::uint64_t> event() const { return event_; }
  std::optional<SpanRef> span() const { return span_; }

  // Finding `index` of the document's report; false, and nothing changes,
  // if there is no such finding.
  bool select_finding(const Document& doc, std::size_t index);
  void select_event(std::uint64_t index);
  // A span and its begin event; false, and nothing changes, if the timeline
  // has no such span.
  bool select_span(const Timeline& timeline, SpanRef span);

 private:
  std::optional<std::size_t> finding_;
  Focus focus_;
  std::optional<std::uint64_t> event_;
  std::optional<SpanRef> span_;
};

}  // namespace weft::viewer
