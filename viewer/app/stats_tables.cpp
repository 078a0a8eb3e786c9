// Contention statistics as two sortable tables: per lock and per thread
// (the numbers of `weft stats`, computed by analysis::compute_stats).
#include <imgui.h>

#include <algorithm>
#include <string>
#include <vector>

#include "panels.hpp"
#include "ruler.hpp"

namespace weft::viewer {
namespace {

// Sorts rows by the table's current sort column, when it changed.
template <typename Row, typename Key>
void sort_rows(std::vector<Row>& rows, Key key) {
  ImGuiTableSortSpecs* specs = ImGui::TableGetSortSpecs();
  if (!specs || specs->SpecsCount == 0) return;
  const ImGuiTableColumnSortSpecs& s = specs->Specs[0];
  std::stable_sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) {
    const auto ka = key(a, s.ColumnIndex), kb = key(b, s.ColumnIndex);
    return s.SortDirection == ImGuiSortDirection_Ascending ? ka < kb : kb < ka;
  });
}

constexpr ImGuiTableFlags kTable = ImGuiTableFlags_Sortable | ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg |
                                   ImGuiTableFlags_Resizable | ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingFixedFit;

}  // namespace

void stats_panel(const Document& doc) {
  const analysis::Stats& st = doc.stats;
  const auto& trace = doc.trace;
  ImGui::Text("Locks");
  std::vector<analysis::LockStats> locks = st.locks;
  if (ImGui::BeginTable("##locks", 7, kTable, ImVec2(0, ImGui::GetContentRegionAvail().y * 0.45f))) {
    ImGui::TableSetupScrollFreeze(0, 1);
    for (const char* c : {"lock", "taken", "contended", "wait total", "wait max", "held total", "max waiters"})
      ImGui::TableSetupColumn(c);
    ImGui::TableHeadersRow();
    sort_rows(locks, [&](const analysis::LockStats& l, int column) -> double {
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
    for (const analysis::LockStats& l : locks) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(trace.objects[l.object].name.c_str());
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
    }
    ImGui::EndTable();
  }
  ImGui::Text("Threads");
  std::vector<analysis::ThreadStats> threads = st.threads;
  const auto blocked = [](const analysis::ThreadStats& t) {
    std::uint64_t sum = 0;
    for (const auto& [cause, ns] : t.blocked_ns) sum += ns;
    return sum;
  };
  if (ImGui::BeginTable("##threads", 5, kTable)) {
    ImGui::TableSetupScrollFreeze(0, 1);
    for (const char* c : {"thread", "lifetime", "running", "blocked", "mostly on"}) ImGui::TableSetupColumn(c);
    ImGui::TableHeadersRow();
    sort_rows(threads, [&](const analysis::ThreadStats& t, int column) -> double {
      switch (column) {
        case 0: return t.thread;
        case 1: return static_cast<double>(t.lifetime_ns);
        case 2: return static_cast<double>(t.running_ns);
        default: return static_cast<double>(blocked(t));
      }
    });
    for (const analysis::ThreadStats& t : threads) {
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
    }
    ImGui::EndTable();
  }
}

}  // namespace weft::viewer
