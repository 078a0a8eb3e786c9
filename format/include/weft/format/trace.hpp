// A trace as the reader hands it to analysis, the CLI and the viewer: the
// metadata tables, and every event in one global order.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "weft/format/event_store.hpp"
#include "weft/format/object_name.hpp"
#include "weft/format/records.hpp"
#include "weft/format/schedule.hpp"
#include "weft/format/schema.hpp"

namespace weft::format {

struct TraceInfo {
  std::string program;
  std::vector<std::string> command_line;
  std::uint64_t pid = 0;
  std::uint64_t start_wall_ns = 0;  // since the Unix epoch
  std::string clock_name;
  double ticks_per_second = 0;      // as used to convert times (refined by CLCK chunks)
  std::uint64_t start_ticks = 0;
  std::string weft_version;
  std::string hostname;
  // A run that spans processes (MetaKey::RunId...); 0 / empty for a trace
  // that never started another process and was not started by one.
  std::uint64_t run_id = 0;
  std::uint64_t parent_pid = 0;
  std::string process_name;
  std::string run_root;
};

// One process of a run. A trace read from one file has exactly one.
struct ProcessInfo {
  std::uint64_t pid = 0;
  std::uint64_t parent_pid = 0;     // 0: the first process of the run
  std::string name;                 // the name the program gave it, else the program's
  std::string path;                 // the trace file it came from
  std::uint32_t object = 0;         // its weft::process object, 0 for the first process
  std::optional<EndRecord> end;     // absent: it did not finish writing (killed, exec'd, still running)
  bool truncated = false;
};

struct ThreadInfo {
  std::uint32_t id = 0;
  std::uint64_t os_tid = 0;
  std::optional<std::uint32_t> parent;
  std::uint32_t object = 0;
  std::uint8_t flags = 0;  // ThreadFlag
  std::string name;        // the latest name (thread.rename events applied)
  std::uint32_t process = 0;  // index into Trace::processes
};

struct ObjectInfo {
  std::uint32_t id = 0;
  ObjectKind kind{};
  std::uint8_t flags = 0;
  std::uint32_t site = 0;
  std::uint32_t creator = 0;
  std::uint64_t extra = 0;
  ObjectName name;  // its stem kept by the trace's `names` (object_name.hpp)
  std::uint64_t address = 0;  // where it lives in the program (weft record), 0 if not known
  std::uint64_t shared_key = 0;  // run-wide identity of an object other processes know (SKEY), 0 if none
};

struct SiteInfo {
  std::uint32_t id = 0;
  std::uint32_t line = 0;
  std::string file;
  std::string function;
  // A return address (weft record), 0 for sites captured at compile time.
  // Until symbolized, file and function are empty.
  std::uint64_t address = 0;
};

struct ModuleInfo {
  std::uint32_t id = 0;
  std::uint64_t base = 0;
  std::uint64_t low = 0;
  std::uint64_t high = 0;
  std::string path;
  std::string build_id;  // raw bytes
  bool contains(std::uint64_t address) const { return address >= low && address < high; }
};

// How the global order was put together. Events of one object are ordered by
// their sequence numbers and events of one thread by program order; when the
// two disagree or a sequence number is missing (dropped events, a truncated
// tail) the merge falls back to timestamps and counts it here.
struct OrderStats {
  std::uint64_t fallbacks = 0;
};

struct Trace {
  TraceInfo info;
  std::vector<ThreadInfo> threads;  // index = thread id
  std::vector<ObjectInfo> objects;  // index = object id; [0] stands for "none"
  // What the objects' names point into: shared by the trace's copies.
  std::shared_ptr<NameStore> names = std::make_shared<NameStore>();
  std::vector<SiteInfo> sites;      // index = site id; [0] stands for "unknown"
  std::vector<std::string> texts;   // marks and logs, deduplicated
  std::vector<ModuleInfo> modules;  // index = module id; [0] unused (empty unless weft record)
  EventStore events;                // global order, packed (event_store.hpp)
  std::vector<ProcessInfo> processes;  // a run's processes, the first first; one for a single trace
  std::vector<KindInfo> kinds;      // the file's own kind table, index = code
  std::optional<Schedule> schedule; // a run made by the controlled scheduler (weft explore)
  std::optional<EndRecord> end;     // absent: the program did not finish writing
  bool truncated = false;           // the file ends inside a chunk
  std::vector<std::string> warnings;
  OrderStats order;

  std::string_view kind_name(EventKind k) const;
  std::string_view text(const Event& e) const;  // "" unless the kind has text
  const ThreadInfo& thread(std::uint32_t id) const { return threads.at(id); }
  const ObjectInfo& object(std::uint32_t id) const { return objects.at(id); }
  // Gives object `id` (< objects.size()) the name `name`, kept in `names`.
  void name_object(std::uint32_t id, std::string_view name) { objects.at(id).name = names->keep(name); }
  const SiteInfo& site(std::uint32_t id) const { return sites.at(id); }
  std::string object_label(std::uint32_t id) const;  // "mutex lock_X"
  std::string site_label(std::uint32_t id) const;    // "file.cpp:42 (func)"
  // How many of its objects are locks (their kind takes holds): what a
  // table of one entry per lock is sized to, once.
  std::size_t lock_count() const;
  double seconds(std::uint64_t ns) const { return double(ns) / 1e9; }
};

}  // namespace weft::format
