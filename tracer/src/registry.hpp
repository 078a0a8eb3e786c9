// The runtime's tables of threads, objects and source sites: what the writer
// turns into THRD, OBJT and SITE records. Entries are immutable once
// published, except for the atomics that track live state.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "published_table.hpp"
#include "weft/format/schema.hpp"
#include "weft/site.hpp"

namespace weft::detail {

// Names longer than this are cut: records must fit the writer's chunk buffer.
inline constexpr std::size_t kMaxNameBytes = 1024;

struct ThreadEntry {
  std::uint32_t object = 0;
  std::atomic<std::uint64_t> os_tid{0};  // 0 until the thread runs (it is also in thread.start)
  std::uint32_t parent = 0;       // parent thread id + 1, 0 if none
  std::uint8_t flags = 0;         // format::ThreadFlag
  std::string initial_name;
  std::atomic<std::uint64_t> seq{0};   // order of create, start, end, join on the thread's object
  std::atomic<bool> alive{false};
};

struct ObjectEntry {
  format::ObjectKind kind{};
  std::uint8_t flags = 0;
  std::uint32_t site = 0;
  std::uint32_t creator = 0;
  std::uint64_t extra = 0;
  std::string name;
  std::uint64_t address = 0;  // the program's object (weft record), 0 for weft's own primitives
  std::uint64_t shared_key = 0;  // run-wide identity, for an object other processes know (SKEY); 0 if none
};

struct SiteEntry {
  std::string file;
  std::string function;
  std::uint32_t line = 0;
  std::uint64_t address = 0;  // a return address (weft record): resolved when the trace is read
};

// A module loaded into the program (weft record), so that the reader can
// turn addresses into file:line and symbol names.
struct ModuleEntry {
  std::uint64_t base = 0;
  std::uint64_t low = 0;
  std::uint64_t high = 0;
  std::string path;
  std::string build_id;
};

class Registry {
 public:
  Registry();

  struct NewThread {
    std::uint32_t id;
    std::uint32_t object;
  };
  // Registers a thread and its object. An empty name becomes "thread-<id>".
  NewThread add_thread(std::string_view name, std::uint64_t os_tid, std::uint32_t parent_plus1, std::uint8_t flags);
  // `address`: the program's object, for one recorded unmodified (weft
  // record; its placeholder name "mutex#3" stands until the reader names it
  // after its symbol or the site of its first use); 0 for weft's own.
  std::uint32_t add_object(format::ObjectKind kind, std::string_view name, std::uint32_t site, std::uint32_t creator,
                           std::uint64_t extra, std::uint64_t address = 0, std::uint64_t shared_key = 0);
  std::uint32_t intern_site(const source_site& site);
  // A site of a program recorded unmodified: a return address.
  std::uint32_t intern_address_site(std::uint64_t return_address);
  std::uint32_t add_module(ModuleEntry module);

  PublishedTable<ThreadEntry>& threads() { return threads_; }
  PublishedTable<ObjectEntry>& objects() { return objects_; }
  PublishedTable<SiteEntry>& sites() { return sites_; }
  PublishedTable<ModuleEntry>& modules() { return modules_; }

  // In a followed child of fork(): every lock made anew.
  void reset_locks_in_child() noexcept;

  // Current thread names (renames included), for live_threads() and friends.
  void set_thread_name(std::uint32_t id, std::string_view name);
  std::string thread_name(std::uint32_t id);

 private:
  struct SiteKey {
    const char* file;
    const char* function;
    unsigned line;
    bool operator==(const SiteKey&) const = default;
  };
  struct SiteKeyHash {
    std::size_t operator()(const SiteKey& k) const noexcept {
      return std::hash<const void*>()(k.file) ^ (std::hash<const void*>()(k.function) << 1) ^ (std::size_t(k.line) << 7);
    }
  };

  PublishedTable<ThreadEntry> threads_;
  PublishedTable<ObjectEntry> objects_;   // index 0 unused: object ids start at 1
  PublishedTable<SiteEntry> sites_;       // index 0: the unknown site
  std::mutex site_mutex_;
  std::unordered_map<SiteKey, std::uint32_t, SiteKeyHash> site_ids_;
  std::unordered_map<std::uint64_t, std::uint32_t> address_site_ids_;  // under site_mutex_
  PublishedTable<ModuleEntry> modules_;   // index 0 unused: module ids start at 1
  std::mutex name_mutex_;
  std::vector<std::string> current_names_;
};

std::string clip_name(std::string_view name);

// How messages made while the program runs (the watchdog's, the
// explorer's: object_name()) name an object of a program recorded
// unmodified, which has only a placeholder name ("mutex#3") until the
// trace is read: weft record's preload library sets a namer that reads the
// program's symbols, given the placeholder, the object's address and the
// return address of its first use. "" keeps the placeholder.
using object_namer = std::string (*)(const std::string& placeholder, std::uint64_t address, std::uint64_t first_use);
void set_object_namer(object_namer namer) noexcept;

}  // namespace weft::detail
