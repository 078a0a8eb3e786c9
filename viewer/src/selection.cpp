#include "selection.hpp"

namespace weft::viewer {

bool Selection::select_finding(const Document& doc, std::size_t index) {
  if (index >= doc.report.findings.size()) return false;
  finding_ = index;
  focus_ = focus_of(doc.report.findings[index], doc.trace);
  return true;
}

void Selection::select_event(std::uint64_t index) {
  event_ = index;
  span_.reset();
}

bool Selection::select_span(const Timeline& timeline, SpanRef span) {
  if (span.lane >= timeline.lanes.size() || span.span >= timeline.lanes[span.lane].spans.spans.size()) return false;
  event_ = timeline.lanes[span.lane].spans.spans[span.span].begin_event;
  span_ = span;
  return true;
}

}  // namespace weft::viewer
