// Builds a format::Trace in memory, event by event in the global order, for
// the detectors' unit tests: each test states exactly the events it means.
// Sequence numbers are assigned per object for the kinds that carry one,
// unless an event says it has none.
#pragma once

#include <map>
#include <string>

#include "weft/analysis/check.hpp"
#include "weft/format/trace.hpp"

namespace weft::test {

using format::EventKind;
using format::ObjectKind;

class TraceMaker {
 public:
  TraceMaker() {
    t.objects.emplace_back();  // id 0: none
    t.sites.emplace_back();    // id 0: unknown
    for (unsigned code = 0; code <= format::kMaxKindCode; ++code)
      t.kinds.push_back(format::builtin_kind(static_cast<std::uint8_t>(code)));
    t.info.program = "hand-built";
  }

  std::uint32_t thread(const std::string& name, std::uint8_t flags = 0) {
    const auto object = this->object(ObjectKind::Thread, name);
    format::ThreadInfo info;
    info.id = static_cast<std::uint32_t>(t.threads.size());
    info.name = name;
    info.object = object;
    info.flags = flags;
    t.threads.push_back(info);
    return info.id;
  }
  std::uint32_t object(ObjectKind kind, const std::string& name) {
    format::ObjectInfo o;
    o.id = static_cast<std::uint32_t>(t.objects.size());
    o.kind = kind;
    o.name = t.names->keep(name);
    t.objects.push_back(o);
    return o.id;
  }
  std::uint32_t site(const std::string& file, std::uint32_t line) {
    format::SiteInfo s;
    s.id = static_cast<std::uint32_t>(t.sites.size());
    s.file = file;
    s.line = line;
    s.function = "f";
    t.sites.push_back(s);
    return s.id;
  }
  std::uint32_t thread_object(std::uint32_t thread) const { return t.threads[thread].object; }

  struct Ev {
    std::uint32_t thread = 0;
    EventKind kind{};
    std::uint32_t object = 0;
    std::uint64_t arg = 0;
    std::uint8_t flags = 0;
    std::uint32_t site = 0;
    bool no_seq = false;
  };
  // Appends an event; returns its index.
  std::uint64_t add(const Ev& e) {
    format::Event ev;
    ev.thread = e.thread;
    ev.kind = e.kind;
    ev.object = e.object;
    ev.arg = e.arg;
    ev.flags = e.flags;
    ev.site = e.site;
    ev.time_ns = (t.events.size() + 1) * 1000;
    if ((format::kind_layout(static_cast<std::uint8_t>(e.kind)) & format::kLayoutSeq) && !e.no_seq)
      ev.seq = seq_[e.object]++;
    t.events.push_back(ev);
    return t.events.size() - 1;
  }
  std::uint64_t add(std::uint32_t thread, EventKind kind, std::uint32_t object = 0, std::uint64_t arg = 0,
                    std::uint32_t site = 0, std::uint8_t flags = 0) {
    return add(Ev{thread, kind, object, arg, flags, site, false});
  }

  // Common shapes.
  void start(std::uint32_t thread) { add(thread, EventKind::ThreadStart, thread_object(thread), 0); }
  void spawn(std::uint32_t parent, std::uint32_t child) {
    add(parent, EventKind::ThreadCreate, thread_object(child), child);
    start(child);
  }
  void lock(std::uint32_t thread, std::uint32_t m, std::uint32_t site = 0) {
    add(thread, EventKind::MutexAcquired, m, 1, site);
  }
  void unlock(std::uint32_t thread, std::uint32_t m, std::uint32_t site = 0) {
    add(thread, EventKind::MutexReleased, m, 0, site);
  }
  // Takes `first` then `second`, then releases both (the shape of every
  // lock-order test).
  void nested(std::uint32_t thread, std::uint32_t first, std::uint32_t second) {
    lock(thread, first);
    lock(thread, second);
    unlock(thread, second);
    unlock(thread, first);
  }
  void read(std::uint32_t thread, std::uint32_t var, std::uint32_t site) { add(thread, EventKind::SharedRead, var, 0, site); }
  void write(std::uint32_t thread, std::uint32_t var, std::uint32_t site) { add(thread, EventKind::SharedWrite, var, 0, site); }
  void end(format::EndReason reason) {
    format::EndRecord r;
    r.reason = reason;
    t.end = r;
  }

  analysis::Report check(const analysis::CheckOptions& options = {}) const { return analysis::check(t, options); }

  format::Trace t;

 private:
  std::map<std::uint32_t, std::uint64_t> seq_;
};

// The (kind, about) pairs of a report, for comparing with what a test expects.
inline std::vector<std::pair<analysis::FindingKind, std::string>> summary(const analysis::Report& r) {
  std::vector<std::pair<analysis::FindingKind, std::string>> out;
  for (const auto& f : r.findings) out.emplace_back(f.kind, f.about);
  return out;
}

}  // namespace weft::test
