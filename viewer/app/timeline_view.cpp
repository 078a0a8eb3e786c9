// The timeline window: the ruler, one lane per thread and per sync object,
// causality arrows, the replay cursor, the selected finding's highlights;
// zoom (wheel, around the cursor), pan (drag), range selection (right drag
// zooms to it), hover tooltips and click-to-select.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "app.hpp"
#include "palette.hpp"
#include "ruler.hpp"
#include "weft/format/schema.hpp"

namespace weft::viewer {
namespace {

ImVec2 v2(double x, double y) { return ImVec2(static_cast<float>(x), static_cast<float>(y)); }

void arrow(ImDrawList* dl, ImVec2 a, ImVec2 b, ImU32 color, float thickness) {
  dl->AddLine(a, b, color, thickness);
  const float dx = b.x - a.x, dy = b.y - a.y;
  const float len = std::sqrt(dx * dx + dy * dy);
  if (len < 4) return;
  const float ux = dx / len, uy = dy / len, size = 4 + thickness * 2;
  dl->AddTriangleFilled(b, ImVec2(b.x - ux * size - uy * size * 0.5f, b.y - uy * size + ux * size * 0.5f),
                        ImVec2(b.x - ux * size + uy * size * 0.5f, b.y - uy * size - ux * size * 0.5f), color);
}

// Text with a dark shadow: readable on every lane color.
void label(ImDrawList* dl, ImVec2 at, ImU32 color, const std::string& text) {
  dl->AddText(ImVec2(at.x + 1, at.y + 1), IM_COL32(0, 0, 0, 200), text.c_str());
  dl->AddText(at, color, text.c_str());
}

float text_width(const std::string& s) { return ImGui::CalcTextSize(s.c_str()).x; }

}  // namespace

void App::timeline(const ScreenLayout& l) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(v2(l.timeline.x, l.timeline.y), v2(l.timeline.right(), l.timeline.bottom()), colors::background);
  if (!doc_) {
    label(dl, v2(l.lanes.x + 20, l.lanes.y + 20), colors::dim_text, error_.empty() ? "no trace open" : error_);
    return;
  }
  const Timeline& tl = doc_->timeline;
  const format::Trace& trace = doc_->trace;
  view_.x0 = l.lanes.x;
  view_.width = l.lanes.w;
  if (fit_pending_) {
    view_.fit(static_cast<double>(tl.begin_ns), static_cast<double>(std::max(tl.end_ns, tl.begin_ns + 1)));
    fit_pending_ = false;
  }
  if (show_pending_) {
    view_.fit(show_pending_->first, show_pending_->second, 0);
    show_pending_.reset();
  }

  // Interaction, on one invisible button over the ruler and the lanes.
  ImGuiIO& io = ImGui::GetIO();
  ImGui::SetCursorScreenPos(v2(l.ruler.x, l.ruler.y));
  ImGui::InvisibleButton("##canvas", v2(l.ruler.w, l.ruler.h + l.lanes.h),
                         ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight);
  const bool hovered = ImGui::IsItemHovered();
  const bool over_labels = ImGui::IsWindowHovered() && l.labels.contains(io.MousePos.x, io.MousePos.y);
  if (hovered && io.MouseWheel != 0 && !io.KeyShift) view_.zoom_around(io.MousePos.x, std::pow(1.25, io.MouseWheel));
  if ((hovered && io.KeyShift) || over_labels) scroll_ -= io.MouseWheel * 3 * kThreadLaneHeight;
  if (hovered && io.MouseWheelH != 0) view_.pan_px(io.MouseWheelH * 40);
  bool dragged = false;
  if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Left, 2)) {
    view_.pan_px(io.MouseDelta.x);
    scroll_ -= io.MouseDelta.y;
    dragged = true;
  }
  if (hovered && ImGui::IsMouseClicked(ImGuiMouseButton_Right)) select_from_ = view_.t_of(io.MousePos.x);
  if (select_from_) {
    const double t = view_.t_of(io.MousePos.x);
    selection_ = std::minmax(*select_from_, t);
    if (!ImGui::IsMouseDown(ImGuiMouseButton_Right)) {
      // Released: zoom to the range if it is one (not a stray click).
      if ((selection_->second - selection_->first) / view_.ns_per_px >= 4)
        view_.fit(selection_->first, selection_->second, 0);
      selection_.reset();
      select_from_.reset();
    }
  }
  if (ImGui::IsWindowHovered() && !io.WantTextInput && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Home)))
    fit_pending_ = true;
  const float total = lanes_height(tl);
  scroll_ = std::clamp(scroll_, 0.0f, std::max(0.0f, total - l.lanes.h));

  const std::vector<LaneRow> rows = lane_rows(tl, l.lanes, scroll_);
  build_frame(tl, view_, frame_draw_);

  // Ruler.
  dl->AddRectFilled(v2(l.ruler.x, l.ruler.y), v2(l.ruler.right(), l.ruler.bottom()), colors::lane_background);
  dl->PushClipRect(v2(l.ruler.x, l.ruler.y), v2(l.ruler.right(), l.lanes.bottom()), true);
  for (const RulerTick& t : ruler_ticks(view_)) {
    const float x = static_cast<float>(t.x);
    if (t.major) {
      dl->AddLine(ImVec2(x, l.ruler.y + 8), ImVec2(x, l.ruler.bottom()), colors::text);
      dl->AddLine(ImVec2(x, l.lanes.y), ImVec2(x, l.lanes.bottom()), IM_COL32(255, 255, 255, 18));
      dl->AddText(ImVec2(x + 3, l.ruler.y + 2), colors::text, t.label.c_str());
    } else {
      dl->AddLine(ImVec2(x, l.ruler.bottom() - 6), ImVec2(x, l.ruler.bottom()), colors::dim_text);
    }
  }
  dl->PopClipRect();

  // Lanes.
  const float font = ImGui::GetFontSize();
  std::optional<analysis::CausalEdge> unblocked_by;  // of the hovered wait, drawn bright
  dl->PushClipRect(v2(l.lanes.x, l.lanes.y), v2(l.lanes.right(), l.lanes.bottom()), true);
  const auto lane_x = [&](std::uint64_t t) { return static_cast<float>(std::clamp(view_.x_of(static_cast<double>(t)), view_.x0 - 2, view_.x0 + view_.width + 2)); };
  for (const LaneRow& row : rows) {
    if (row.y1 < l.lanes.y || row.y0 > l.lanes.bottom()) continue;
    const Lane& lane = tl.lanes[row.lane];
    const LaneDraw& d = frame_draw_[row.lane];
    const float y0 = row.y0, y1 = row.y1;
    dl->AddRectFilled(ImVec2(l.lanes.x, y0), ImVec2(l.lanes.right(), y1), colors::lane_background);
    if (lane.kind == LaneKind::Thread) {
      if (lane.end_ns >= lane.begin_ns && !(lane.begin_ns == 0 && lane.end_ns == 0 && lane.spans.spans.empty() && lane.ticks.empty())) {
        const float xa = lane_x(lane.begin_ns), xb = std::max(lane_x(lane.end_ns), xa + 1);
        dl->AddRectFilled(ImVec2(xa, y0), ImVec2(xb, y1), colors::running);
      }
      for (const SpanRect& r : d.spans) {
        const Span& s = lane.spans.spans[r.first];
        const ImU32 c = r.coverage >= 1 ? state_color(s.state) : mix(colors::running, state_color(s.state), r.coverage);
        dl->AddRectFilled(ImVec2(r.x0, y0), ImVec2(std::max(r.x1, r.x0 + 1), y1), c);
        if (r.count == 1 && s.object != 0 && r.x1 - r.x0 > 40) {
          const std::string name = trace.objects[s.object].name;
          // Not over a mark's label: marks sit at the edges of waits.
          const double text_end = view_.t_of(std::max(r.x0, static_cast<float>(l.lanes.x)) + text_width(name) + 12);
          const auto from = static_cast<std::uint64_t>(std::max(0.0, view_.t_of(r.x0 - 24)));
          const auto tick = std::lower_bound(lane.ticks.begin(), lane.ticks.end(), from,
                                             [](const Tick& k, std::uint64_t v) { return k.time_ns < v; });
          bool clear = tick == lane.ticks.end() || static_cast<double>(tick->time_ns) > text_end;
          if (clear && tick != lane.ticks.begin()) {  // nor under a long label that starts before
            const Tick& prev = *(tick - 1);
            const float prev_end = static_cast<float>(view_.x_of(static_cast<double>(prev.time_ns))) + 8 +
                                   text_width(std::string(trace.text(trace.events[prev.event])));
            clear = prev_end < std::max(r.x0, static_cast<float>(l.lanes.x)) + 4;
          }
          if (clear && text_width(name) + 8 < r.x1 - r.x0)
            label(dl, ImVec2(std::max(r.x0, l.lanes.x) + 4, y0 + (y1 - y0 - font) / 2), colors::text, name);
        }
      }
      for (std::size_t k = 0; k < d.ticks.size(); ++k) {
        const TickMark& m = d.ticks[k];
        const Tick& t = lane.ticks[m.first];
        const ImU32 c = t.log ? colors::log : colors::mark;
        dl->AddLine(ImVec2(m.x, y0), ImVec2(m.x, y1), c, 2);
        dl->AddTriangleFilled(ImVec2(m.x - 4, y0), ImVec2(m.x + 4, y0), ImVec2(m.x, y0 + 5), c);
        if (m.count == 1) {
          const std::string text(trace.text(trace.events[t.event]));
          const float room = (k + 1 < d.ticks.size() ? d.ticks[k + 1].x : l.lanes.right()) - m.x;
          if (!text.empty() && text_width(text) + 8 < room) label(dl, ImVec2(m.x + 4, y0 + (y1 - y0 - font) / 2), c, text);
        }
      }
    } else {
      for (const SpanRect& r : d.spans) {  // lock holds
        const Span& s = lane.spans.spans[r.first];
        const ImU32 c = r.coverage >= 1 ? colors::held : mix(colors::lane_background, colors::held, r.coverage);
        dl->AddRectFilled(ImVec2(r.x0, y0), ImVec2(std::max(r.x1, r.x0 + 1), y1), c);
        if (r.count == 1 && r.x1 - r.x0 > 40) {
          const std::string who = thread_label(*doc_, s.who);
          if (text_width(who) + 8 < r.x1 - r.x0)
            dl->AddText(ImVec2(std::max(r.x0, l.lanes.x) + 4, y0 + (y1 - y0 - font) / 2), IM_COL32(20, 20, 20, 255),
                        who.c_str());
        }
      }
      const float peak = static_cast<float>(std::max<std::int64_t>(lane.series.peak, 1));
      for (const SeriesBar& b : d.bars) {
        if (b.value <= 0) continue;
        if (lane.kind == LaneKind::Lock) {
          // Waiters queued on the lock: a red band under the holder.
          dl->AddRectFilled(ImVec2(b.x0, y1 - 6), ImVec2(std::max(b.x1, b.x0 + 1), y1), colors::lock_wait);
        } else {
          const float h = (y1 - y0 - 2) * std::min(1.0f, static_cast<float>(b.value) / peak);
          dl->AddRectFilled(ImVec2(b.x0, y1 - h), ImVec2(std::max(b.x1, b.x0 + 1), y1), colors::series);
          const std::string v = std::to_string(b.value);
          if (b.x1 - b.x0 > text_width(v) + 6)
            dl->AddText(ImVec2(std::max(b.x0, l.lanes.x) + 3, y0 + (y1 - y0 - font) / 2), IM_COL32(10, 10, 10, 255), v.c_str());
        }
      }
    }
    const bool focused = lane.kind == LaneKind::Thread ? focus_.threads.count(lane.id) > 0 : focus_.objects.count(lane.id) > 0;
    if (focused) dl->AddRect(ImVec2(l.lanes.x + 1, y0 - 1), ImVec2(l.lanes.right() - 1, y1 + 1), colors::highlight, 0, 0, 2);
  }

  // Hover and click.
  hovered_span_.reset();
  const float mx = io.MousePos.x, my = io.MousePos.y;
  if (hovered && l.lanes.contains(mx, my) && !select_from_) {
    if (const auto r = row_at(rows, my)) {
      const Lane& lane = tl.lanes[rows[*r].lane];
      const double t = view_.t_of(mx), tol = 3 * view_.ns_per_px;
      const bool click = ImGui::IsMouseReleased(ImGuiMouseButton_Left) && !dragged &&
                         ImGui::GetMouseDragDelta(ImGuiMouseButton_Left).x == 0;
      ImGui::BeginTooltip();
      if (lane.kind == LaneKind::Thread) {
        const auto tick = tick_at(lane.ticks, t, tol);
        const auto span = tick ? std::nullopt : span_at(lane.spans, t, tol);
        if (tick) {
          const Tick& k = lane.ticks[*tick];
          const format::Event& e = trace.events[k.event];
          ImGui::Text("%s \"%s\"", k.log ? "log" : "mark", std::string(trace.text(e)).c_str());
          ImGui::Text("%s at %s", lane.label.c_str(), format_duration(static_cast<double>(e.time_ns)).c_str());
          ImGui::TextDisabled("%s", trace.site_label(e.site).c_str());
          if (click) select_event(k.event);
        } else if (span) {
          const Span& s = lane.spans.spans[*span];
          hovered_span_ = SpanRef{rows[*r].lane, *span};
          ImGui::Text("%s: %s%s%s", lane.label.c_str(), state_name(s.state), s.object ? " " : "",
                      s.object ? trace.object_label(s.object).c_str() : "");
          ImGui::Text("from %s for %s", format_duration(static_cast<double>(s.begin_ns)).c_str(),
                      format_duration(static_cast<double>(s.end_ns - s.begin_ns)).c_str());
          ImGui::TextDisabled("%s", trace.site_label(trace.events[s.begin_event].site).c_str());
          if (s.end_event == kNoEvent) {
            ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "still waiting when the trace ends");
          } else if (const auto by = analysis::unblocker(doc_->edges, s.end_event)) {
            unblocked_by = by;
            const format::Event& from = trace.events[by->from];
            ImGui::Separator();
            ImGui::Text("unblocked by %s (%s) at %s", thread_label(*doc_, from.thread).c_str(),
                        std::string(analysis::causal_kind_name(by->kind)).c_str(),
                        format_duration(static_cast<double>(from.time_ns)).c_str());
            ImGui::TextDisabled("%s at %s", event_summary(*doc_, by->from).c_str(), trace.site_label(from.site).c_str());
          } else {
            ImGui::TextDisabled("ended by %s", event_summary(*doc_, s.end_event).c_str());
          }
          if (click) {
            selected_span_ = hovered_span_;
            select_event(s.begin_event);
          }
        } else if (t >= static_cast<double>(lane.begin_ns) && t <= static_cast<double>(lane.end_ns)) {
          ImGui::Text("%s: running", lane.label.c_str());
        } else {
          ImGui::TextDisabled("%s: not alive", lane.label.c_str());
        }
      } else {
        ImGui::Text("%s", lane.label.c_str());
        if (lane.kind == LaneKind::Lock)
          if (const auto span = span_at(lane.spans, t, tol)) {
            const Span& s = lane.spans.spans[*span];
            ImGui::Text("held by %s from %s for %s", thread_label(*doc_, s.who).c_str(),
                        format_duration(static_cast<double>(s.begin_ns)).c_str(),
                        format_duration(static_cast<double>(s.end_ns - s.begin_ns)).c_str());
            if (click) select_event(s.begin_event);
          }
        const std::size_t k = lane.series.at(static_cast<std::uint64_t>(std::max(0.0, t)));
        if (k < lane.series.steps.size()) {
          const char* what = lane.kind == LaneKind::Lock        ? "threads waiting"
                             : lane.kind == LaneKind::Queue     ? "items in the queue"
                             : lane.kind == LaneKind::Semaphore ? "semaphore value"
                                                                : "arrived at the barrier";
          ImGui::Text("%s: %lld", what, static_cast<long long>(lane.series.steps[k].value));
          if (click && lane.kind != LaneKind::Lock) select_event(lane.series.steps[k].event);
        }
      }
      ImGui::EndTooltip();
    }
  }

  // Causality arrows among the visible events. Where there are more than
  // a few thousand they are sampled evenly: past that, a frame shows a
  // texture, not arrows.
  const auto point = [&](std::uint64_t index) -> std::optional<ImVec2> {
    const format::Event& e = trace.events[index];
    if (e.thread >= rows.size() || tl.lanes[e.thread].kind != LaneKind::Thread) return std::nullopt;
    const LaneRow& row = rows[e.thread];
    return v2(std::clamp(view_.x_of(static_cast<double>(e.time_ns)), view_.x0 - 50, view_.x0 + view_.width + 50),
              (row.y0 + row.y1) / 2);
  };
  if (arrows_) {
    const std::uint64_t e0 = tl.first_event_at(static_cast<std::uint64_t>(std::max(0.0, view_.t0_ns)));
    const std::uint64_t e1 = tl.first_event_at(static_cast<std::uint64_t>(std::max(0.0, view_.t1_ns())) + 1);
    const auto by_to = [](const analysis::CausalEdge& e, std::uint64_t v) { return e.to < v; };
    const auto by_from = [](const analysis::CausalEdge& e, std::uint64_t v) { return e.from < v; };
    const auto& edges = doc_->edges;
    const auto& from_edges = doc_->edges_by_from;
    const auto a = std::lower_bound(edges.begin(), edges.end(), e0, by_to);
    const auto b = std::lower_bound(edges.begin(), edges.end(), e1, by_to);
    const auto c = std::lower_bound(from_edges.begin(), from_edges.end(), e0, by_from);
    const auto d = std::lower_bound(from_edges.begin(), from_edges.end(), e1, by_from);
    constexpr std::ptrdiff_t kMaxArrows = 4000;
    const auto draw_range = [&](auto first, auto last, bool leaving) {
      const std::ptrdiff_t n = last - first;
      const std::ptrdiff_t stride = std::max<std::ptrdiff_t>(1, n / kMaxArrows);
      for (std::ptrdiff_t k = 0; k < n; k += stride) {
        const analysis::CausalEdge& e = first[k];
        if (leaving && e.to >= e0 && e.to < e1) continue;  // drawn with the ones arriving
        const auto p = point(e.from), q = point(e.to);
        if (p && q) arrow(dl, *p, *q, e.unblocked ? colors::arrow : IM_COL32(236, 239, 241, 70), 1);
      }
    };
    draw_range(a, b, false);
    draw_range(c, d, true);
  }
  if (unblocked_by)
    if (const auto p = point(unblocked_by->from), q = point(unblocked_by->to); p && q) arrow(dl, *p, *q, colors::cursor, 3);

  // The selected finding: its events marked, its cycle or racing pair linked.
  for (const auto& [from, to] : focus_.links)
    if (const auto p = point(from), q = point(to); p && q) arrow(dl, *p, *q, colors::cycle, 3);
  for (std::uint64_t e : focus_.events)
    if (const auto p = point(e)) {
      dl->AddCircleFilled(*p, 6, colors::cycle);
      dl->AddCircle(*p, 6, IM_COL32(255, 255, 255, 255), 0, 1.5f);
    }

  // Replay cursor and range selection.
  const float cx = static_cast<float>(view_.x_of(cursor_time()));
  if (cx >= l.lanes.x && cx <= l.lanes.right()) dl->AddLine(ImVec2(cx, l.lanes.y), ImVec2(cx, l.lanes.bottom()), colors::cursor, 2);
  if (selection_) {
    const float sa = static_cast<float>(view_.x_of(selection_->first)), sb = static_cast<float>(view_.x_of(selection_->second));
    dl->AddRectFilled(ImVec2(sa, l.lanes.y), ImVec2(sb, l.lanes.bottom()), colors::selection);
    label(dl, ImVec2(sa + 4, l.lanes.y + 4), colors::text, format_duration(selection_->second - selection_->first));
  }
  dl->PopClipRect();
  if (cx >= l.ruler.x && cx <= l.ruler.right())
    dl->AddTriangleFilled(ImVec2(cx - 6, l.ruler.y), ImVec2(cx + 6, l.ruler.y), ImVec2(cx, l.ruler.y + 8), colors::cursor);

  // Lane names.
  dl->PushClipRect(v2(l.labels.x, l.labels.y), v2(l.labels.right() - 4, l.labels.bottom()), true);
  for (const LaneRow& row : rows) {
    if (row.y1 < l.labels.y || row.y0 > l.labels.bottom()) continue;
    const Lane& lane = tl.lanes[row.lane];
    const bool focused = lane.kind == LaneKind::Thread ? focus_.threads.count(lane.id) > 0 : focus_.objects.count(lane.id) > 0;
    dl->AddText(ImVec2(l.labels.x + 6, (row.y0 + row.y1 - font) / 2), focused ? colors::highlight : lane.kind == LaneKind::Thread ? colors::text : colors::dim_text,
                lane.label.c_str());
  }
  dl->PopClipRect();
}

}  // namespace weft::viewer
