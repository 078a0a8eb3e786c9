// Reading a run (several processes' traces) as one trace: finding the member
// files, and merging their tables and events into one Trace.
#include "weft/format/run.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

#include "weft/format/bytes.hpp"
#include "weft/format/loader.hpp"
#include "weft/format/order.hpp"

namespace weft::format {
namespace {

namespace fs = std::filesystem;
constexpr std::uint32_t kDropped = ~std::uint32_t{0};
// As the loader words it (loader.cpp), after the count.
constexpr const char* kFallbackWarning =
    " events had no consistent place in the object order (lost events?); placed by time";

bool has_text(const Trace& t, const Event& e) {
  const auto code = static_cast<std::uint8_t>(e.kind);
  const std::uint8_t layout = code < t.kinds.size() ? t.kinds[code].layout : builtin_kind(code).layout;
  return (layout & kLayoutText) != 0;
}

// Kinds whose arg is an id the merge renumbers (event_kinds.def).
bool arg_is_thread(EventKind k) { return k == EventKind::ThreadCreate || k == EventKind::ThreadJoinBegin; }
bool arg_is_object(EventKind k) { return k == EventKind::CondWaitBegin || k == EventKind::PoolSubmit; }

std::string describe_process(const ProcessInfo& p) {
  return "process " + p.name + " (pid " + std::to_string(p.pid) + ")";
}

// Times: every member's events are in ns since that member's own start. Two
// processes of one run on one machine read the same clock (an invariant TSC
// is shared by all cores and processes; "steady" is CLOCK_MONOTONIC, which
// is system-wide), so the difference of the start readings, at the first
// member's rate, is exact. The first member's rate is used for everyone: it
// is measured from its CLCK pairs over the longest span (a short-lived
// child may have too few pairs to measure its own). Members whose clock
// differs (another host, another clock, the virtual clock of weft explore)
// fall back to the wall-clock difference of the starts: good to the wall
// clock's precision, and never used for order, only for display.
struct TimeShift {
  double scale = 1.0;   // member ns -> first member ns
  double offset = 0.0;  // ns, may be negative
  std::uint64_t operator()(std::uint64_t ns) const {
    const double t = double(ns) * scale + offset;
    if (!(t > 0)) return 0;
    if (!(t < 18446744073709551616.0)) return UINT64_MAX;
    return static_cast<std::uint64_t>(t + 0.5);
  }
};

TimeShift time_shift(const TraceInfo& first, const TraceInfo& member) {
  TimeShift s;
  const bool same_clock = first.clock_name == member.clock_name && first.clock_name != "virtual" &&
                          first.hostname == member.hostname && first.ticks_per_second > 0 &&
                          member.ticks_per_second > 0;
  if (same_clock) {
    const double first_ns_per_tick = 1e9 / first.ticks_per_second;
    const double member_ns_per_tick = 1e9 / member.ticks_per_second;
    s.scale = first_ns_per_tick / member_ns_per_tick;
    const double ticks = member.start_ticks >= first.start_ticks ? double(member.start_ticks - first.start_ticks)
                                                                 : -double(first.start_ticks - member.start_ticks);
    s.offset = ticks * first_ns_per_tick;
  } else {
    s.offset = member.start_wall_ns >= first.start_wall_ns ? double(member.start_wall_ns - first.start_wall_ns)
                                                           : -double(first.start_wall_ns - member.start_wall_ns);
  }
  return s;
}

// The merged tables, and how each member's ids map into them.
class Merger {
 public:
  explicit Merger(Trace& out) : out_(out) {
    out_.objects.assign(1, ObjectInfo{});
    out_.sites.assign(1, SiteInfo{});
    out_.modules.clear();
    out_.texts.clear();
    out_.threads.clear();
  }

  void add(std::size_t index, Trace& m, std::vector<std::vector<Event>>& per_thread) {
    const bool first = index == 0;
    // Threads: the first member owns its whole table; a child's table also
    // lists the threads it inherited, so it keeps those with events here.
    std::vector<bool> keep(m.threads.size(), first);
    for (const Event& e : m.events)
      if (e.thread < keep.size()) keep[e.thread] = true;
    std::vector<std::uint32_t> thread_map(m.threads.size(), kDropped);
    for (std::size_t t = 0; t < m.threads.size(); ++t) {
      if (!keep[t]) continue;
      thread_map[t] = static_cast<std::uint32_t>(out_.threads.size());
      out_.threads.push_back(m.threads[t]);
      out_.threads.back().id = thread_map[t];
      out_.threads.back().process = static_cast<std::uint32_t>(index);
    }
    if (first) first_threads_ = thread_map;
    // A thread that did nothing here (an inherited creator, a parent
    // thread) is named by the first process's thread of that id.
    auto thread_id = [&](std::uint32_t t) {
      if (t < thread_map.size() && thread_map[t] != kDropped) return thread_map[t];
      if (t < first_threads_.size() && first_threads_[t] != kDropped) return first_threads_[t];
      return std::uint32_t{0};
    };

    std::vector<std::uint32_t> site_map(m.sites.size(), 0);
    for (std::size_t s = 1; s < m.sites.size(); ++s) site_map[s] = site(m.sites[s]);

    // Objects: the first member's all; a child's those its kept threads and
    // events use (its table repeats every object inherited at the fork).
    std::vector<bool> used(m.objects.size(), first);
    for (const Event& e : m.events) {
      if (e.object < used.size()) used[e.object] = true;
      if (arg_is_object(e.kind) && e.arg < used.size()) used[e.arg] = true;
    }
    for (std::size_t t = 0; t < m.threads.size(); ++t)
      if (keep[t] && m.threads[t].object < used.size()) used[m.threads[t].object] = true;
    for (const ProcessInfo& p : m.processes)
      if (p.object < used.size()) used[p.object] = true;
    std::vector<std::uint32_t> object_map(m.objects.size(), 0);
    for (std::size_t o = 1; o < m.objects.size(); ++o) {
      if (!used[o]) continue;
      const ObjectInfo& info = m.objects[o];
      if (info.shared_key != 0) {
        if (auto it = by_key_.find(info.shared_key); it != by_key_.end()) {
          object_map[o] = it->second;
          continue;
        }
      }
      object_map[o] = static_cast<std::uint32_t>(out_.objects.size());
      ObjectInfo& copy = out_.objects.emplace_back(info);
      copy.id = object_map[o];
      copy.name = out_.names->keep_from(info.name);  // the member's store dies with the member
      copy.site = info.site < site_map.size() ? site_map[info.site] : 0;
      copy.creator = thread_id(info.creator);
      if (info.shared_key != 0) by_key_.emplace(info.shared_key, copy.id);
    }
    for (std::size_t t = 0; t < m.threads.size(); ++t) {
      if (thread_map[t] == kDropped) continue;
      ThreadInfo& th = out_.threads[thread_map[t]];
      th.object = th.object < object_map.size() ? object_map[th.object] : 0;
      if (th.parent) th.parent = *th.parent < thread_map.size() && thread_map[*th.parent] != kDropped
                                     ? std::optional<std::uint32_t>(thread_map[*th.parent])
                                     : std::nullopt;
    }

    // Modules: each member's own (they symbolized its sites already).
    for (std::size_t k = 1; k < m.modules.size(); ++k) {
      if (out_.modules.empty()) out_.modules.emplace_back();  // [0] unused, as in a single trace
      ModuleInfo& mod = out_.modules.emplace_back(m.modules[k]);
      mod.id = static_cast<std::uint32_t>(out_.modules.size() - 1);
    }

    ProcessInfo process = m.processes.empty() ? ProcessInfo{} : m.processes.front();
    process.object = process.object < object_map.size() ? object_map[process.object] : 0;
    out_.processes.push_back(process);

    const TimeShift shift = time_shift(out_.info, m.info);
    per_thread.resize(out_.threads.size());
    for (const Event& e : m.events) {
      if (e.thread >= thread_map.size() || thread_map[e.thread] == kDropped) continue;
      Event c = e;
      c.thread = thread_map[e.thread];
      c.object = e.object < object_map.size() ? object_map[e.object] : 0;
      c.site = e.site < site_map.size() ? site_map[e.site] : 0;
      // A text index the member did not define stays undefined (text() gives "").
      if (has_text(m, e)) c.arg = e.arg < m.texts.size() ? text(m.texts[e.arg]) : UINT64_MAX;
      else if (arg_is_thread(e.kind) && e.arg < thread_map.size()) c.arg = thread_id(static_cast<std::uint32_t>(e.arg));
      else if (arg_is_object(e.kind) && e.arg < object_map.size()) c.arg = object_map[e.arg];
      if (!first) c.time_ns = shift(e.time_ns);
      per_thread[c.thread].push_back(c);
    }
  }

 private:
  std::uint32_t site(const SiteInfo& s) {
    const auto key = std::make_tuple(s.file, s.line, s.function, s.address);
    if (auto it = sites_.find(key); it != sites_.end()) return it->second;
    const auto id = static_cast<std::uint32_t>(out_.sites.size());
    out_.sites.push_back(s);
    out_.sites.back().id = id;
    sites_.emplace(key, id);
    return id;
  }
  std::uint64_t text(const std::string& s) {
    if (auto it = texts_.find(s); it != texts_.end()) return it->second;
    texts_.emplace(s, out_.texts.size());
    out_.texts.push_back(s);
    return out_.texts.size() - 1;
  }

  Trace& out_;
  std::vector<std::uint32_t> first_threads_;
  std::unordered_map<std::uint64_t, std::uint32_t> by_key_;
  std::map<std::tuple<std::string, std::uint32_t, std::string, std::uint64_t>, std::uint32_t> sites_;
  std::unordered_map<std::string, std::uint64_t> texts_;
};

}  // namespace

namespace {
// "x.weft" -> "x": what a run's member files are named after.
std::string trace_stem(std::string path) {
  if (path.size() > 5 && path.compare(path.size() - 5, 5, ".weft") == 0) path.resize(path.size() - 5);
  return path;
}
}  // namespace

std::string member_trace_path(const std::string& root, std::uint64_t pid) {
  return trace_stem(root) + "." + std::to_string(pid) + ".weft";
}

std::map<std::uint64_t, std::string> member_trace_files(const std::string& root) {
  std::map<std::uint64_t, std::string> out;
  const fs::path dir = fs::path(root).parent_path().empty() ? fs::path(".") : fs::path(root).parent_path();
  const std::string prefix = trace_stem(fs::path(root).filename().string()) + ".";
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.size() <= prefix.size() + 5 || name.compare(0, prefix.size(), prefix) != 0 ||
        name.compare(name.size() - 5, 5, ".weft") != 0)
      continue;
    const std::string pid = name.substr(prefix.size(), name.size() - prefix.size() - 5);
    if (pid.size() > 19 || !std::all_of(pid.begin(), pid.end(), [](char c) { return c >= '0' && c <= '9'; })) continue;
    out[std::stoull(pid)] = (fs::path(root).parent_path() / name).string();
  }
  return out;
}

std::string process_ending(const ProcessInfo& p) {
  if (p.truncated) return "truncated";
  if (!p.end) return "did not finish";
  std::string text(end_reason_name(p.end->reason));
  if (p.end->reason == EndReason::Exit || p.end->reason == EndReason::Signal) text += " " + std::to_string(p.end->status);
  return text;
}

Trace merge_run(std::vector<Trace> members) {
  if (members.empty()) throw format_error("a run with no traces");
  if (members.size() == 1) return std::move(members.front());

  Trace out;
  out.info = members.front().info;
  out.kinds = members.front().kinds;  // one build wrote them all
  out.schedule = members.front().schedule;
  out.end = members.front().end;
  for (const Trace& m : members) out.truncated = out.truncated || m.truncated;

  std::vector<std::vector<Event>> per_thread;
  Merger merger(out);
  for (std::size_t i = 0; i < members.size(); ++i) {
    Trace& m = members[i];
    merger.add(i, m, per_thread);
    const std::string who = describe_process(out.processes.back());
    // A member alone misses the sequence numbers other processes took on a
    // shared object, so its own order fell back to time there: the run's
    // order (below) is the one that counts, and says so if it must.
    const std::string own_fallbacks = std::to_string(m.order.fallbacks) + kFallbackWarning;
    for (const std::string& w : m.warnings)
      if (m.order.fallbacks == 0 || w != own_fallbacks) out.warnings.push_back(who + ": " + w);
    m.events.clear();  // gives its memory back
  }
  out.events = merge_in_order(per_thread, out.objects.size(), out.order);
  if (out.order.fallbacks) out.warnings.push_back(std::to_string(out.order.fallbacks) + kFallbackWarning);
  return out;
}

namespace {

bool is_trace_file(const fs::path& p) {
  std::error_code ec;
  return p.extension() == ".weft" && fs::is_regular_file(p, ec);
}

// A child file, found from its parent's process.spawn events.
struct Expected {
  std::string path;
  std::uint64_t pid = 0;
  std::string name;  // the parent's name for it (its process object), may be empty
};

void expect_children(const Trace& t, const std::string& root, std::vector<Expected>& out) {
  // Every load of a file passes here before anything else can read the
  // trace: no pass over the events of one that spawned nothing.
  if (!t.events.may_hold(EventKind::ProcessSpawn)) return;
  for (const Event& e : t.events) {
    if (e.kind != EventKind::ProcessSpawn || e.arg == 0) continue;
    const std::string name = e.object != 0 && e.object < t.objects.size() ? t.objects[e.object].name.str() : "";
    out.push_back({member_trace_path(root, e.arg), e.arg, name});
  }
}

// The first trace's name, as the children's files are named from it: the
// file given when it is the run's first process, else (a child named
// directly) the run root's file name beside it.
std::string root_of(const Trace& t, const std::string& path) {
  if (t.info.parent_pid == 0 || t.info.run_root.empty()) return path;
  return (fs::path(path).parent_path() / fs::path(t.info.run_root).filename()).string();
}

Trace follow(const std::string& path, const MemberLoader& load) {
  std::vector<Trace> members;
  members.push_back(load(path));
  // A stream (standard input, a FIFO) has no files beside it.
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return std::move(members.front());
  const std::string root = root_of(members.front(), path);
  std::vector<Expected> pending;
  expect_children(members.front(), root, pending);
  if (pending.empty()) return std::move(members.front());
  std::vector<std::string> warnings;
  std::set<std::string> seen{path};
  for (std::size_t i = 0; i < pending.size(); ++i) {
    const Expected ex = pending[i];
    if (!seen.insert(ex.path).second) continue;
    const std::string who = "run member " + fs::path(ex.path).filename().string() + " (process " +
                            (ex.name.empty() ? std::string("?") : ex.name) + ", pid " + std::to_string(ex.pid) + ")";
    if (!fs::exists(ex.path, ec)) {
      warnings.push_back(who + " is missing: no file " + ex.path + "; the run is loaded without it");
      continue;
    }
    try {
      Trace child = load(ex.path);
      expect_children(child, root, pending);
      members.push_back(std::move(child));
    } catch (const load_cancelled&) {
      throw;  // the whole load stops, not this member
    } catch (const std::exception& e) {
      warnings.push_back(who + " could not be read, skipped: " + e.what());
    }
  }
  Trace out = merge_run(std::move(members));
  out.warnings.insert(out.warnings.end(), warnings.begin(), warnings.end());
  return out;
}

// The first process first, then by start time (pid to break ties).
void order_members(std::vector<Trace>& members) {
  std::stable_sort(members.begin(), members.end(), [](const Trace& a, const Trace& b) {
    const bool a_first = a.info.parent_pid == 0, b_first = b.info.parent_pid == 0;
    if (a_first != b_first) return a_first;
    return std::tie(a.info.start_wall_ns, a.info.pid) < std::tie(b.info.start_wall_ns, b.info.pid);
  });
}

std::string runs_named(const std::map<std::uint64_t, std::vector<std::string>>& runs) {
  std::string list;
  for (const auto& [id, files] : runs) {
    if (!list.empty()) list += ", ";
    list += "run " + std::to_string(id) + " (" + std::to_string(files.size()) + (files.size() == 1 ? " file" : " files") +
            ", e.g. " + files.front() + ")";
  }
  return list;
}

Trace load_directory(const std::string& dir, const MemberLoader& load) {
  std::vector<std::string> files;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (is_trace_file(it->path())) files.push_back(it->path().string());
  if (ec) throw format_error(dir + ": cannot list the directory: " + ec.message());
  if (files.empty()) throw format_error(dir + ": no .weft trace in this directory");
  std::sort(files.begin(), files.end());
  std::vector<Trace> members;
  std::vector<std::string> warnings;
  std::map<std::uint64_t, std::vector<std::string>> runs;
  for (const std::string& f : files) {
    try {
      members.push_back(load(f));
      runs[members.back().info.run_id].push_back(fs::path(f).filename().string());
    } catch (const load_cancelled&) {
      throw;  // the whole load stops, not this member
    } catch (const std::exception& e) {
      warnings.push_back("run member " + fs::path(f).filename().string() + " could not be read, skipped: " + e.what());
    }
  }
  if (members.empty()) throw format_error(dir + ": no readable trace in this directory (" + warnings.front() + ")");
  // Traces without a run id are each their own run.
  if (runs.size() > 1 || (runs.count(0) && members.size() > 1))
    throw format_error(dir + ": holds several runs, name one trace: " + runs_named(runs));
  order_members(members);
  Trace out = merge_run(std::move(members));
  out.warnings.insert(out.warnings.end(), warnings.begin(), warnings.end());
  return out;
}

Trace load_files(const std::vector<std::string>& given, const MemberLoader& load) {
  std::vector<std::string> paths;  // each file once, however often named
  for (const std::string& p : given) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) throw format_error(p + ": a directory; name either one directory or trace files");
    const bool again = std::any_of(paths.begin(), paths.end(), [&](const std::string& q) {
      std::error_code e2;
      return q == p || fs::equivalent(q, p, e2);
    });
    if (!again) paths.push_back(p);
  }
  std::vector<Trace> members;
  for (const std::string& p : paths) members.push_back(load(p));
  if (members.size() == 1) return std::move(members.front());
  std::map<std::uint64_t, std::vector<std::string>> runs;
  // One process started once: a copy of a file, not a program exec'd in
  // its place (the same pid, started later, a trace of its own).
  std::map<std::pair<std::uint64_t, std::uint64_t>, std::string> started;
  for (std::size_t i = 0; i < members.size(); ++i) {
    runs[members[i].info.run_id].push_back(paths[i]);
    const auto [it, fresh] = started.emplace(std::pair{members[i].info.pid, members[i].info.start_wall_ns}, paths[i]);
    if (!fresh)
      throw format_error(paths[i] + " and " + it->second + " are both process " + std::to_string(it->first.first) +
                         " from its start: name each process's trace once");
  }
  if (runs.size() > 1 || runs.count(0))
    throw format_error("these traces are not of one run: " + runs_named(runs));
  order_members(members);
  return merge_run(std::move(members));
}

}  // namespace

Trace load_run(const std::vector<std::string>& paths, const MemberLoader& load) {
  if (paths.empty()) throw format_error("no trace named");
  if (paths.size() > 1) return load_files(paths, load);
  std::error_code ec;
  if (paths.front() != "-" && fs::is_directory(paths.front(), ec)) return load_directory(paths.front(), load);
  return follow(paths.front(), load);
}

}  // namespace weft::format
