// The Details tab: the selected event (kind, thread, object, site, time,
// sequence, text or argument, what unblocked it) with a button to move the
// replay cursor there; for a selected wait, how long it lasted and the
// event that ended it.
#include <imgui.h>

#include <string>
#include <string_view>

#include "imgui_color.hpp"
#include "panels.hpp"
#include "ruler.hpp"
#include "weft/format/schema.hpp"

namespace weft::viewer {
namespace {

void event_details(const Document& doc, const char* title, std::uint64_t index, const Dispatch& dispatch) {
  const auto& trace = doc.trace;
  if (index >= trace.events.size()) return;
  const format::Event& e = trace.events[index];
  ImGui::TextColored(rgba_f(colors::cursor), "%s", title);
  ImGui::Text("event #%llu: %s", static_cast<unsigned long long>(index), std::string(trace.kind_name(e.kind)).c_str());
  ImGui::Text("thread: %s", thread_label(doc, e.thread).c_str());
  if (e.object) ImGui::Text("object: %s", trace.object_label(e.object).c_str());
  ImGui::Text("site: %s", trace.site_label(e.site).c_str());
  ImGui::Text("time: %s (%llu ns)", format_duration(static_cast<double>(e.time_ns)).c_str(),
              static_cast<unsigned long long>(e.time_ns));
  if (e.seq != format::kNoSeq) ImGui::Text("sequence on its object: %llu", static_cast<unsigned long long>(e.seq));
  const std::string_view text = trace.text(e);
  if (!text.empty())
    ImGui::TextWrapped("text: %.*s", static_cast<int>(text.size()), text.data());
  else
    ImGui::Text("arg: %llu", static_cast<unsigned long long>(e.arg));
  if (e.flags) ImGui::Text("flags: 0x%02x", e.flags);
  if (const auto by = analysis::unblocker(doc.edges, index)) {
    const format::Event& from = trace.events[by->from];
    ImGui::Text("unblocked by %s (%s) at %s", thread_label(doc, from.thread).c_str(),
                std::string(analysis::causal_kind_name(by->kind)).c_str(),
                format_duration(static_cast<double>(from.time_ns)).c_str());
  }
  ImGui::PushID(static_cast<int>(index));
  if (ImGui::SmallButton("move the replay cursor here")) dispatch(SeekCursor{index + 1});
  ImGui::PopID();
  ImGui::Separator();
}

}  // namespace

void details_panel(const Document& doc, const Selection& selection, const Dispatch& dispatch) {
  const std::optional<std::uint64_t> event = selection.event();
  if (!event) {
    ImGui::TextWrapped("Click a span, a mark or a step on the timeline, or an event of a finding, to see it here.");
    return;
  }
  event_details(doc, "Selected", *event, dispatch);
  // The selection keeps a span only while its begin event is the one shown.
  if (const std::optional<SpanRef> ref = selection.span()) {
    const Span& s = doc.timeline.lanes[ref->lane].spans.spans[ref->span];
    ImGui::Text("%s for %s", state_name(s.state), format_duration(static_cast<double>(s.end_ns - s.begin_ns)).c_str());
    if (s.end_event != kNoEvent) event_details(doc, "Ended by", s.end_event, dispatch);
  }
}

}  // namespace weft::viewer
