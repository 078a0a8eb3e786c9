// Contention statistics as two sortable tables: per lock and per thread
// (the numbers of `weft stats`, computed by analysis::compute_stats).
#include <imgui.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "panels.hpp"
#include "ruler.hpp"

namespace weft::viewer {
namespace {

// `order` (positions in `rows`) sorted by the table's sort column, when
// the column changed or the rows are another document's (`fresh`); kept
// as it is otherwise: re-sorting a copy of two million rows every frame was
// most of that frame.
template <typename Row, typename Key>
void sort_rows(const std::vector<Row>& rows, std::vector<std::uint32_t>& order, bool fresh, Key key) {
  if (fresh || order.size() != rows.size()) {
    order.resize(rows.size());
    for (std::size_t k = 0; k < order.size(); ++k) order[k] = static_cast<std::uint32_t>(k);
    fresh = true;
  }
  ImGuiTableSortSpecs* specs = ImGui::TableGetSortSpecs();
  if (!specs || specs->SpecsCount == 0 || !(fresh || specs->SpecsDirty)) return;
  const ImGuiTableColumnSortSpecs& s = specs->Specs[0];
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    const auto ka = key(rows[a], s.ColumnIndex), kb = key(rows[b], s.ColumnIndex);
    return s.SortDirection == ImGuiSortDirection_Ascending ? ka < kb : kb < ka;
  });
  specs->SpecsDirty = false;
}

// Calls row(k) for the rows of a table of n that are in view.
template <typename Row>
void visible_rows(std::size_t n, Row row) {
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(n));
  while (clipper.Step())
    for (int k = clipper.DisplayStart; k < clipper.DisplayEnd; ++k) row(static_cast<std::size_t>(k));
}

constexpr ImGuiTableFlags kTable = ImGuiTableFlags_Sortable | ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg |
                                   ImGuiTableFlags_Resizable | ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingFixedFit;

}  // namespace

void stats_panel(const Document& doc, StatsOrder& order) {
  const analysis::Stats& st = doc.stats;
  const auto& trace = doc.trace;
  const bool fresh = order.document != doc.serial;
  order.document = doc.serial;
  ImGui::Text("Locks");
  const std::vector<analysis::LockStats>& locks = st.locks;
  if (ImGui::BeginTable("##locks", 7, kTable, ImVec2(0, ImGui::GetContentRegionAvail().y * 0.45f))) {
    ImGui::TableSetupScrollFreeze(0, 1);
    for (const char* c : {"lock", "taken", "contended", "wait total", "wait max", "held total", "max waiters"})
      ImGui::TableSetupColumn(c);
    ImGui::TableHeadersRow();
    sort_rows(locks, order.locks, fresh, [&](const analysis::LockStats& l, int column) -> double {
      switch (column) {
        case 0: return l.object;
        case 1: return static_cast<double>(l.acquisitions);
        case 2: return static_cast<double>(l.contended);
        case 3: return static_cast<double>(l.wait_total_ns);
        case 4: return static_cast<double>(l.wait_max_ns);
        case 5: return static_cast<double>(l.hold_total_ns);
        default: return l.max_waiters;
      }
    });
    visible_rows(order.locks.size(), [&](std::size_t row) {
      const analysis::LockStats& l = locks[order.locks[row]];
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(trace.objects[l.object].name.str().c_str());
      ImGui::TableNextColumn();
      ImGui::Text("%llu", static_cast<unsigned long long>(l.acquisitions));
      ImGui::TableNextColumn();
      ImGui::Text("%llu", static_cast<unsigned long long>(l.contended));
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(format_duration(static_cast<double>(l.wait_total_ns)).c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(format_duration(static_cast<double>(l.wait_max_ns)).c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(format_duration(static_cast<double>(l.hold_total_ns)).c_str());
      ImGui::TableNextColumn();
      ImGui::Text("%u", l.max_waiters);
    });
    ImGui::EndTable();
  }
  ImGui::Text("Threads");
  const std::vector<analysis::ThreadStats>& threads = st.threads;
  const auto blocked = [](const analysis::ThreadStats& t) {
    std::uint64_t sum = 0;
    for (const auto& [cause, ns] : t.blocked_ns) sum += ns;
    return sum;
  };
  if (ImGui::BeginTable("##threads", 5, kTable)) {
    ImGui::TableSetupScrollFreeze(0, 1);
    for (const char* c : {"thread", "lifetime", "running", "blocked", "mostly on"}) ImGui::TableSetupColumn(c);
    ImGui::TableHeadersRow();
    sort_rows(threads, order.threads, fresh, [&](const analysis::ThreadStats& t, int column) -> double {
      switch (column) {
        case 0: return t.thread;
        case 1: return static_cast<double>(t.lifetime_ns);
        case 2: return static_cast<double>(t.running_ns);
        default: return static_cast<double>(blocked(t));
      }
    });
    visible_rows(order.threads.size(), [&](std::size_t row) {
      const analysis::ThreadStats& t = threads[order.threads[row]];
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(thread_label(doc, t.thread).c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(format_duration(static_cast<double>(t.lifetime_ns)).c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(format_duration(static_cast<double>(t.running_ns)).c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(format_duration(static_cast<double>(blocked(t))).c_str());
      ImGui::TableNextColumn();
      const auto most = std::max_element(t.blocked_ns.begin(), t.blocked_ns.end(),
                                         [](const auto& a, const auto& b) { return a.second < b.second; });
      ImGui::TextUnformatted(most == t.blocked_ns.end() || most->second == 0
                                 ? "-"
                                 : std::string(analysis::wait_cause_name(most->first)).c_str());
    });
    ImGui::EndTable();
  }
}

}  // namespace weft::viewer
