// Data races on weft::shared variables, by vector clocks (DJIT+ style, with
// FastTrack's epochs for the last write): an access races with an earlier
// conflicting one (at least one a write, other thread) that does not happen
// before it.
#include <algorithm>
#include <map>
#include <optional>
#include <tuple>
#include <vector>

#include "weft/analysis/detectors.hpp"
#include "weft/analysis/happens_before.hpp"
#include "weft/analysis/sync_key.hpp"

namespace weft::analysis {
namespace {

struct Recorded {
  Epoch epoch;
  Access access;
};

// Every epoch a shadow holds is kept in happens-before (keep, forget): its
// thread's clock slot is not given to another thread while it may be asked
// about.
struct Shadow {
  std::optional<Recorded> write;  // the last write
  // The last read of each thread since that write: a handful at most, so a
  // flat list beats a hash map on every access.
  std::vector<Recorded> reads;

  void record_read(HappensBefore& hb, const Recorded& r) {
    hb.keep(r.epoch);
    for (Recorded& mine : reads)
      if (mine.access.thread == r.access.thread) {
        hb.forget(mine.epoch);
        mine = r;
        return;
      }
    reads.push_back(r);
  }
  void record_write(HappensBefore& hb, const Recorded& w) {
    hb.keep(w.epoch);
    for (const Recorded& r : reads) hb.forget(r.epoch);
    reads.clear();
    if (write) hb.forget(write->epoch);
    write = w;
  }
};

// The event whose release the acquire at `index` took, searching back for
// the latest release on the same key (only for the few events a finding
// describes).
std::optional<std::uint64_t> released_by(const format::Trace& t, std::uint64_t index) {
  const std::optional<SyncAction> acquire = sync_action(t.events[index]);
  if (!acquire || acquire->op != format::SyncOp::Acquires) return std::nullopt;
  for (std::uint64_t i = index; i-- > 0;) {
    const std::optional<SyncAction> release = sync_action(t.events[i]);
    if (release && release->op == format::SyncOp::Releases && release->key == acquire->key) return i;
  }
  return std::nullopt;
}

// "mutex.acquired on lock_a at file.cpp:12". An event the runtime records
// without a site (a thread's start) is placed by what it synchronized with:
// "thread.start on worker, after main's thread.create at file.cpp:30".
std::string describe_sync(const format::Trace& t, std::uint64_t index) {
  const format::Event& sync = t.events[index];
  std::string s(t.kind_name(sync.kind));
  if (sync.object) s += " on " + object_name(t, sync.object);
  if (sync.site) return s + " at " + site_text(t, sync.site);
  if (const auto from = released_by(t, index)) {
    const format::Event& r = t.events[*from];
    s += ", after " + thread_name(t, r.thread) + "'s " + std::string(t.kind_name(r.kind));
    if (r.site) s += " at " + site_text(t, r.site);
  }
  return s;
}

std::string describe(const format::Trace& t, const Access& a) {
  std::string s = thread_name(t, a.thread) + (a.write ? " writes" : " reads") + " it at " + site_text(t, a.site);
  if (a.last_sync != ~std::uint64_t{0})
    s += " (its last synchronization before: " + describe_sync(t, a.last_sync) + ")";
  else
    s += " (having synchronized with nobody yet)";
  return s;
}

// Whether the trace may hold a read or write of a shared variable: without
// one there is nothing to race, and the happens-before pass is skipped.
bool may_access(const format::Trace& t) {
  for (unsigned code = 0; code < 256; ++code) {
    const auto kind = static_cast<format::EventKind>(code);
    if (format::meaning(kind).access != format::AccessOp::None && t.events.may_hold(kind)) return true;
  }
  return false;
}

}  // namespace

std::vector<Finding> find_races(const format::Trace& t) {
  if (!may_access(t)) return {};
  HappensBefore hb(t);
  std::vector<Shadow> shadows(t.objects.size());  // by object id
  // One finding per variable and (unordered) pair of sites.
  std::map<std::tuple<std::uint32_t, std::uint32_t, std::uint32_t>, Finding> found;

  auto report = [&](std::uint32_t variable, const Access& earlier, const Access& later) {
    const auto key = std::make_tuple(variable, std::min(earlier.site, later.site), std::max(earlier.site, later.site));
    auto [it, added] = found.try_emplace(key);
    Finding& f = it->second;
    if (!added) {
      ++f.count;
      return;
    }
    const std::string name = object_name(t, variable);
    f.kind = FindingKind::DataRace;
    f.about = name;
    f.title = "data race on " + name + ": " + (earlier.write ? "write" : "read") + " at " + site_text(t, earlier.site) +
              " and " + (later.write ? "write" : "read") + " at " + site_text(t, later.site);
    f.explanation = "Two threads access " + name +
                    ", at least one of them writing, and nothing orders the two accesses: no lock held by both, no "
                    "signal from one to the other. " +
                    describe(t, earlier) + "; " + describe(t, later) +
                    ". The result depends on timing, and updates can be lost even in runs that look right. weft sees "
                    "only the synchronization of its own primitives: if something it does not see orders these "
                    "accesses (a std::atomic with release/acquire, a plain std::mutex), this report is wrong for "
                    "that reason; use weft's primitives for it, and weft will see it.";
    f.accesses = {earlier, later};
    f.threads = {earlier.thread, later.thread};
    f.objects = {variable};
    f.sites = {earlier.site, later.site};
    f.events = {earlier.event, later.event};
  };

  const auto visit = [&](std::uint64_t i, const format::Event& e) __attribute__((always_inline)) {
    hb.step(i, e);
    const format::AccessOp op = format::meaning(e.kind).access;
    if (op == format::AccessOp::None) return;
    const bool write = op == format::AccessOp::Writes;
    const Access access{i, e.thread, e.site, write, hb.last_sync(e.thread)};
    if (e.object >= shadows.size()) shadows.resize(e.object + 1);
    Shadow& s = shadows[e.object];
    if (s.write && s.write->access.thread != e.thread && !hb.ordered_before(s.write->epoch, e.thread))
      report(e.object, s.write->access, access);
    if (write) {
      for (const Recorded& r : s.reads)
        if (r.access.thread != e.thread && !hb.ordered_before(r.epoch, e.thread)) report(e.object, r.access, access);
      s.record_write(hb, Recorded{hb.now(e.thread), access});
    } else {
      s.record_read(hb, Recorded{hb.now(e.thread), access});
    }
  };
  t.events.for_each(0, t.events.size(), visit);

  std::vector<Finding> out;
  for (auto& [key, f] : found) {
    f.title += f.count > 1 ? " (" + std::to_string(f.count) + " times)" : "";
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace weft::analysis
