// An open trace and what the user is doing with it: where the timeline
// looks (ViewState), what is selected (Selection) and where the replay
// cursor is (ReplayCursor). No ImGui here: the app draws a Session and
// hands it the user's commands; tests drive it directly.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>

#include "command.hpp"
#include "document.hpp"
#include "replay_cursor.hpp"
#include "selection.hpp"
#include "view_state.hpp"

namespace weft::viewer {

// Always true of a Session, beyond what its parts promise:
//  - without a document there is no cursor and nothing is selected;
//  - with one, the cursor and the selection are of that document;
//  - selecting a finding shows its events: the view is asked to show their
//    time range with some context, and the cursor moves just past the last
//    of them (the state panel then shows who holds what at that moment);
//  - while playing, the view follows the cursor.
class Session {
 public:
  // Starts over on `doc`: the whole trace fitted, the cursor at the end
  // (the state the run left), nothing selected.
  void open(std::unique_ptr<Document> doc);

  const Document* document() const { return doc_.get(); }
  const Selection& selection() const { return selection_; }
  ViewState& view() { return view_; }
  const ViewState& view() const { return view_; }
  // Only with a document.
  ReplayCursor& cursor() { return *cursor_; }
  const ReplayCursor& cursor() const { return *cursor_; }

  // Each returns false, and changes nothing, when there is nothing to
  // select (no document, an index out of range).
  bool select_finding(std::size_t index);
  bool select_event(std::uint64_t index);
  bool select_span(SpanRef span);
  bool apply(const Command& command);

  // Asks the view to show [begin, end] once laid out (--time).
  void show_time(TimeInterval range) { view_.request_show(range); }
  // One frame of playback, when playing.
  void play(double dt_seconds);

 private:
  std::unique_ptr<Document> doc_;
  ViewState view_;
  Selection selection_;
  std::optional<ReplayCursor> cursor_;
};

}  // namespace weft::viewer
