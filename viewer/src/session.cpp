#include "session.hpp"

#include <algorithm>

namespace weft::viewer {

void Session::open(std::unique_ptr<Document> doc) {
  // The cursor points into the old document: gone before it is.
  cursor_.reset();
  doc_ = std::move(doc);
  selection_ = Selection{};
  // The canvas's geometry stays (it is the window's); the rest starts over.
  view_.scroll_to(0);
  view_.request_fit();
  if (!doc_) return;
  // The index, when the open built it, keeps this thread (the window's)
  // from building one now: on a large trace, a stalled frame.
  if (doc_->replay_index)
    cursor_.emplace(doc_->model, doc_->timeline, *doc_->replay_index);
  else
    cursor_.emplace(doc_->model, doc_->timeline);
}

bool Session::select_finding(std::size_t index) {
  if (!doc_ || !selection_.select_finding(*doc_, index)) return false;
  const Focus& focus = selection_.focus();
  if (focus.events.empty()) return true;
  // Some context around the proof: a quarter of its length each side, at
  // least a few microseconds.
  const double length = static_cast<double>(focus.end_ns - focus.begin_ns);
  const double pad = std::max(length * 0.25, 5000.0);
  view_.request_show(
      {std::max(0.0, static_cast<double>(focus.begin_ns) - pad), static_cast<double>(focus.end_ns) + pad});
  cursor_->seek(focus.events.back() + 1);
  return true;
}

bool Session::select_event(std::uint64_t index) {
  if (!doc_) return false;
  selection_.select_event(index);
  return true;
}

bool Session::select_span(SpanRef span) { return doc_ && selection_.select_span(doc_->timeline, span); }

bool Session::apply(const Command& command) {
  struct Apply {
    Session& s;
    bool operator()(const SelectFinding& c) const { return s.select_finding(c.index); }
    bool operator()(const SelectEvent& c) const { return s.select_event(c.index); }
    bool operator()(const SelectSpan& c) const { return s.select_span(c.span); }
    bool operator()(const SeekCursor& c) const {
      if (!s.doc_) return false;
      s.cursor_->seek(c.position);
      return true;
    }
  };
  return std::visit(Apply{*this}, command);
}

void Session::play(double dt_seconds) {
  if (!cursor_ || !cursor_->playing()) return;
  const Viewport& v = view_.viewport();
  cursor_->advance(dt_seconds, v.width * v.ns_per_px);
  view_.follow(cursor_->time_ns());
}

}  // namespace weft::viewer
