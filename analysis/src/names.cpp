#include <algorithm>

#include "weft/analysis/detectors.hpp"
#include "weft/format/standard_library.hpp"

namespace weft::analysis {

std::string object_name(const format::Trace& t, std::uint32_t object) {
  return object < t.objects.size() && object ? t.objects[object].name.str() : "?";
}

// In a run of several processes every process has its "main": a thread is
// named with its process there ("main (process worker-1, pid 124)"; under
// weft record -f every process has the program's name, so the pid too).
std::string thread_name(const format::Trace& t, std::uint32_t thread) {
  if (thread >= t.threads.size()) return "thread " + std::to_string(thread);
  const format::ThreadInfo& info = t.threads[thread];
  if (t.processes.size() <= 1 || info.process >= t.processes.size()) return info.name;
  const format::ProcessInfo& p = t.processes[info.process];
  return info.name + " (process " + p.name + ", pid " + std::to_string(p.pid) + ")";
}

std::string site_text(const format::Trace& t, std::uint32_t site) {
  if (site == 0 || site >= t.sites.size()) return "an unknown place";
  std::string_view file = t.sites[site].file;
  if (const auto slash = file.rfind('/'); slash != std::string_view::npos) file.remove_prefix(slash + 1);
  return std::string(file) + ":" + std::to_string(t.sites[site].line);
}

bool in_standard_library(const format::Trace& t, std::uint32_t site) {
  if (site == 0 || site >= t.sites.size()) return false;
  return format::is_standard_library_file(t.sites[site].file);
}

std::string standard_library_note(const format::Trace& t, const std::vector<std::uint32_t>& sites) {
  for (const std::uint32_t site : sites)
    if (in_standard_library(t, site))
      return " Some of these places are inside the C++ standard library: std::scoped_lock, std::lock and the std "
             "lock guards call lock() there, so that is the line weft records. weft::scoped_lock, weft::lock_guard "
             "and weft::unique_lock record your own lines.";
  return {};
}

std::string join_sorted(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace weft::analysis
