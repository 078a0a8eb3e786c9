// The Perfetto writer: the Chrome export's tracks, slices, flows, instants
// and counters (tracks.hpp, slices.hpp, counters.hpp, labels.hpp), as
// TrackDescriptor and TrackEvent packets on one sequence
// (perfetto_packets.hpp): one per thread track, whose events need not name
// their track, and one for the rest (descriptors, counters, findings).
// Packets go out in time order, because the sequences' clocks count
// increments: the slices' begins (already by time),
// their ends (a heap of the open ones) and the timeline's instants and
// counters (sorted by time once) are merged.
#include "weft/export/perfetto_trace.hpp"

#include <algorithm>
#include <limits>
#include <memory>
#include <queue>
#include <string>
#include <unordered_map>
#include <vector>

#include "counters.hpp"
#include "labels.hpp"
#include "perfetto_fields.hpp"
#include "perfetto_packets.hpp"
#include "slices.hpp"
#include "tracks.hpp"
#include "weft/analysis/causality.hpp"
#include "weft/analysis/check.hpp"
#include "weft/analysis/model.hpp"
#include "weft/format/describe.hpp"
#include "weft/format/meaning.hpp"

namespace weft::exporter {

namespace {

namespace te = perfetto::track_event;
namespace da = perfetto::debug_annotation;
namespace desc = perfetto::descriptor;
using protobuf::Writer;

constexpr std::uint64_t kProcessUuid = 1;  // track uuids: the process, then 1 + each Chrome tid, then counters
constexpr std::uint32_t kGlobalSequence = 1;  // thread tracks' sequences: their uuid (> 1)
constexpr std::uint64_t kNever = std::numeric_limits<std::uint64_t>::max();

// Something the timeline shows beside the slices, in the Chrome export's
// order (by event, then instant, counters, anomalies, findings).
struct Item {
  enum Kind : std::uint8_t { Instant, Counter, Anomaly, Finding };
  std::uint64_t ts = 0;
  std::uint64_t index = 0;  // the event, counter sample, anomaly or finding
  Kind kind{};
};

// A slice begun and not yet ended: the soonest end first; of two ending
// together the later begun (the inner one) first.
struct Open {
  std::uint64_t end_ns = 0;
  std::size_t slice = 0;
  bool operator<(const Open& o) const { return end_ns != o.end_ns ? end_ns > o.end_ns : slice < o.slice; }
};

class PerfettoWriter {
 public:
  PerfettoWriter(const format::Trace& trace, std::ostream& out, const PerfettoOptions& options)
      : trace_(trace),
        model_(analysis::build_model(trace)),
        edges_(analysis::causal_edges(trace)),
        slices_(build_slices(trace, model_, edges_)),
        tracks_(trace, slices_.lanes),
        counters_(counter_samples(model_)),
        sink_(out),
        global_(sink_, kGlobalSequence) {
    if (options.findings) findings_ = analysis::check(trace).findings;
    by_from_.resize(edges_.size());
    for (std::size_t k = 0; k < by_from_.size(); ++k) by_from_[k] = k;
    std::stable_sort(by_from_.begin(), by_from_.end(),
                     [&](std::size_t a, std::size_t b) { return edges_[a].from < edges_[b].from; });
  }

  PerfettoSummary run() {
    write_tracks();
    write_events();
    sink_.flush();
    summary_.packets = sink_.packets();
    summary_.bytes = sink_.bytes();
    return summary_;
  }

 private:
  std::uint64_t thread_track(std::uint32_t thread, std::uint32_t lane) const {
    return kProcessUuid + tracks_.tid(thread, lane);
  }

  // The sequence whose default track `track` is, or the global one.
  perfetto::PacketSequence& on(std::uint64_t track) {
    return track < by_track_.size() && by_track_[track] ? *by_track_[track] : global_;
  }

  // The process, its threads (and their extra lanes, as threads of their
  // own, like the Chrome export's), and a counter track per series.
  void write_tracks() {
    const auto pid = static_cast<std::int64_t>(static_cast<std::int32_t>(tracks_.pid()));
    Writer& w = global_.begin_descriptor();
    w.varint(desc::kUuid, kProcessUuid);
    const std::size_t process = w.begin_nested(desc::kProcess);
    w.int64(desc::kPid, pid);
    w.bytes(desc::kProcessName, trace_.info.program.empty() ? "weft trace" : trace_.info.program);
    w.end_nested(process);
    end_track();
    std::uint64_t next_uuid = kProcessUuid + 1;
    for (const Track& t : tracks_.all()) {
      Writer& tw = global_.begin_descriptor();
      tw.varint(desc::kUuid, kProcessUuid + t.tid);
      tw.varint(desc::kParentUuid, kProcessUuid);
      const std::size_t thread = tw.begin_nested(desc::kThread);
      tw.int64(desc::kPid, pid);
      tw.int64(desc::kTid, static_cast<std::int64_t>(t.tid));
      tw.int64(desc::kLegacySortIndex, static_cast<std::int32_t>(t.sort_index));
      tw.bytes(desc::kThreadName, t.name);
      tw.end_nested(thread);
      end_track();
      next_uuid = std::max(next_uuid, kProcessUuid + t.tid + 1);
    }
    // A sequence per thread track, after the descriptors it points to.
    by_track_.resize(next_uuid);
    for (const Track& t : tracks_.all()) {
      const std::uint64_t uuid = kProcessUuid + t.tid;
      by_track_[uuid] = std::make_unique<perfetto::PacketSequence>(sink_, static_cast<std::uint32_t>(uuid), uuid);
    }
    for (const CounterSample& c : counters_) {
      const auto [it, added] = counter_tracks_.try_emplace(counter_key(c), next_uuid);
      if (!added) continue;
      ++next_uuid;
      Writer& cw = global_.begin_descriptor();
      cw.varint(desc::kUuid, it->second);
      cw.varint(desc::kParentUuid, kProcessUuid);
      // What Perfetto calls the Chrome export's counter: "<name> <series>".
      cw.bytes(desc::kName, counter_name(trace_, c.object) + " " + std::string(analysis::series_name(c.kind)));
      cw.end_nested(cw.begin_nested(desc::kCounter));
      end_track();
    }
  }

  void end_track() {
    global_.end_packet();
    ++summary_.tracks;
  }

  static std::uint64_t counter_key(const CounterSample& c) {
    return (std::uint64_t{c.object} << 8) | static_cast<std::uint8_t>(c.kind);
  }

  // The slices' begins and ends, and the timeline, merged in time order.
  // At one nanosecond: the slices ending, the timeline, then the slices
  // beginning, as the lanes were assigned (a slice ending at t is a
  // sibling of one beginning at t, not its parent).
  void write_events() {
    const std::vector<Item> items = timeline();
    const std::vector<Slice>& slices = slices_.slices;
    std::priority_queue<Open> open;
    std::size_t s = 0, k = 0;
    for (;;) {
      const std::uint64_t begin = s < slices.size() ? slices[s].begin_ns : kNever;
      const std::uint64_t item = k < items.size() ? items[k].ts : kNever;
      const std::uint64_t next = std::min(begin, item);
      if (!open.empty() && open.top().end_ns <= next) {
        end_slice(slices[open.top().slice], open.top().end_ns);
        open.pop();
      } else if (next == kNever) {
        break;
      } else if (item <= begin) {
        write_item(items[k++]);
      } else {
        const Slice& slice = slices[s];
        begin_slice(slice);
        // Zero-length slices end at once (a later one at that time is their sibling).
        if (slice.end_ns > slice.begin_ns)
          open.push({slice.end_ns, s});
        else
          end_slice(slice, slice.begin_ns);
        ++s;
      }
    }
  }

  std::vector<Item> timeline() const {
    const auto findings = finding_anchors(findings_, trace_.events.size());
    const std::vector<analysis::Anomaly>& anomalies = model_.state.anomalies;
    std::vector<Item> items;
    std::size_t next_finding = 0, next_counter = 0, next_anomaly = 0;
    for (std::uint64_t i = 0; i < trace_.events.size(); ++i) {
      const format::Event& e = trace_.events[i];
      if (!format::point_category(e).empty()) items.push_back({e.time_ns, i, Item::Instant});
      for (; next_counter < counters_.size() && counters_[next_counter].event == i; ++next_counter)
        items.push_back({counters_[next_counter].time_ns, next_counter, Item::Counter});
      for (; next_anomaly < anomalies.size() && anomalies[next_anomaly].event == i; ++next_anomaly)
        items.push_back({e.time_ns, next_anomaly, Item::Anomaly});
      for (; next_finding < findings.size() && findings[next_finding].first == i; ++next_finding)
        items.push_back({e.time_ns, findings[next_finding].second, Item::Finding});
    }
    for (; next_finding < findings.size(); ++next_finding)
      items.push_back({model_.end_ns, findings[next_finding].second, Item::Finding});
    std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.ts < b.ts; });
    return items;
  }

  void write_item(const Item& item) {
    switch (item.kind) {
      case Item::Instant: return write_instant(trace_.events[item.index]);
      case Item::Counter: return write_counter(counters_[item.index]);
      case Item::Anomaly: return write_anomaly(model_.state.anomalies[item.index], item.ts);
      case Item::Finding: return write_finding(findings_[item.index], item.ts);
    }
  }

  // --- slices

  void begin_slice(const Slice& s) {
    static constexpr std::string_view kCategory[] = {"wait", "hold", "causal"};
    const std::uint64_t track = thread_track(s.thread, s.lane);
    perfetto::PacketSequence& seq = on(track);
    Writer& w = seq.begin_event(s.begin_ns, track);
    w.varint(te::kType, te::kSliceBegin);
    w.varint(te::kNameIid, slice_name_iid(seq, s));
    w.varint(te::kCategoryIids, seq.category(kCategory[static_cast<int>(s.type)]));
    site(seq, w, trace_.events[s.first].site);
    switch (s.type) {
      case SliceType::Wait: wait_annotations(seq, w, s); break;
      case SliceType::Hold: hold_annotations(seq, w, s); break;
      case SliceType::Tick:
        annotate_uint(seq, w, "event", s.first);
        tick_flows(w, s.first);
        break;
    }
    seq.end_packet();
    ++summary_.slices;
  }

  void end_slice(const Slice& s, std::uint64_t end_ns) {
    const std::uint64_t track = thread_track(s.thread, s.lane);
    perfetto::PacketSequence& seq = on(track);
    seq.begin_event(end_ns, track).varint(te::kType, te::kSliceEnd);
    seq.end_packet();
  }

  // Names are made once per (type, cause or kind, object) and sequence:
  // millions of holds share a handful of names.
  std::uint64_t slice_name_iid(perfetto::PacketSequence& seq, const Slice& s) {
    std::uint64_t detail = 0;
    if (s.type == SliceType::Wait) detail = static_cast<std::uint64_t>(s.cause);
    if (s.type == SliceType::Hold) detail = s.shared;
    if (s.type == SliceType::Tick) detail = static_cast<std::uint64_t>(trace_.events[s.first].kind);
    const std::uint32_t object = s.type == SliceType::Tick ? trace_.events[s.first].object : s.object;
    const std::uint64_t key = (static_cast<std::uint64_t>(s.type) << 56) | (detail << 32) | object;
    auto& names = slice_names_[&seq];
    const auto it = names.find(key);
    if (it != names.end()) return it->second;
    const std::uint64_t iid = seq.name(slice_name(trace_, s));
    names.emplace(key, iid);
    return iid;
  }

  // A tick is where arrows start (flow_ids) and end (terminating_flow_ids).
  void tick_flows(Writer& w, std::uint64_t event) {
    auto from = std::lower_bound(by_from_.begin(), by_from_.end(), event,
                                 [&](std::size_t e, std::uint64_t i) { return edges_[e].from < i; });
    for (; from != by_from_.end() && edges_[*from].from == event; ++from) w.fixed64(te::kFlowIds, *from + 1);
    auto to = std::lower_bound(edges_.begin(), edges_.end(), event,
                               [](const analysis::CausalEdge& e, std::uint64_t i) { return e.to < i; });
    for (; to != edges_.end() && to->to == event; ++to) {
      w.fixed64(te::kTerminatingFlowIds, static_cast<std::uint64_t>(to - edges_.begin()) + 1);
      ++summary_.flows;
    }
  }

  void wait_annotations(perfetto::PacketSequence& seq, Writer& w, const Slice& s) {
    annotate_uint(seq, w, "event", s.first);
    if (s.object && s.object < trace_.objects.size()) annotate(seq, w, "object", trace_.object_label(s.object));
    if (s.timed) annotate_bool(seq, w, "timed", true);
    if (s.last == kNoEvent) {
      annotate_bool(seq, w, "still waiting when the trace ended", true);
      return;
    }
    const format::Event& end = trace_.events[s.last];
    annotate(seq, w, "ended by", trace_.kind_name(end.kind));
    if (s.cause == analysis::WaitCause::Condition) annotate(seq, w, "wake", format::wake_reason_name(end.arg));
    if (const auto u = analysis::unblocker(edges_, s.last)) annotate(seq, w, "unblocked by", unblocker_text(trace_, *u));
  }

  // Only what is unusual: the common hold is its name and site alone.
  void hold_annotations(perfetto::PacketSequence& seq, Writer& w, const Slice& s) {
    if (s.last == kNoEvent) {
      annotate_bool(seq, w, "still held when the trace ended", true);
    } else if (s.hold_end == analysis::HoldEnd::Lost) {
      annotate(seq, w, "release",
               "lost: taken again by " + thread_name(trace_, trace_.events[s.last].thread) +
                   " with no release recorded (events dropped?)");
    } else if (trace_.events[s.last].thread != s.thread) {
      annotate(seq, w, "released by", thread_name(trace_, trace_.events[s.last].thread));
    }
  }

  // --- the timeline

  void write_instant(const format::Event& e) {
    const std::uint64_t track = thread_track(e.thread, 0);
    perfetto::PacketSequence& seq = on(track);
    Writer& w = seq.begin_event(e.time_ns, track);
    w.varint(te::kType, te::kInstant);
    w.varint(te::kNameIid, seq.name(format::point_label(trace_, e)));
    w.varint(te::kCategoryIids, seq.category(format::point_category(e)));
    site(seq, w, e.site);
    if (format::meaning(e.kind).point == format::PointKind::Notify) annotate_uint(seq, w, "waiters", e.arg);
    seq.end_packet();
    ++summary_.instants;
  }

  void write_counter(const CounterSample& c) {
    Writer& w = global_.begin_event(c.time_ns, counter_tracks_.at(counter_key(c)));
    w.varint(te::kType, te::kCounter);
    w.int64(te::kCounterValue, std::max<std::int64_t>(c.value, 0));  // as the Chrome export clamps it
    global_.end_packet();
    ++summary_.counters;
  }

  void write_anomaly(const analysis::Anomaly& a, std::uint64_t ts) {
    const std::string what = a.object ? trace_.object_label(a.object) + ": " : std::string();
    const std::uint64_t track = thread_track(trace_.events[a.event].thread, 0);
    perfetto::PacketSequence& seq = on(track);
    Writer& w = seq.begin_event(ts, track);
    w.varint(te::kType, te::kInstant);
    w.varint(te::kNameIid, seq.name("anomaly: " + what + std::string(analysis::anomaly_text(a.kind))));
    w.varint(te::kCategoryIids, seq.category("anomaly"));
    annotate_uint(seq, w, "event", a.event);
    seq.end_packet();
    ++summary_.instants;
  }

  // On the process's own track: a finding is the run's, not one thread's.
  void write_finding(const analysis::Finding& f, std::uint64_t ts) {
    perfetto::PacketSequence& seq = global_;
    Writer& w = seq.begin_event(ts, kProcessUuid);
    w.varint(te::kType, te::kInstant);
    w.varint(te::kNameIid, seq.name(f.title));
    w.varint(te::kCategoryIids, seq.category("finding"));
    annotate(seq, w, "kind", analysis::finding_kind_name(f.kind));
    annotate(seq, w, "severity", f.severity == analysis::Severity::Error ? "error" : "warning");
    annotate(seq, w, "explanation", f.explanation);
    std::string threads, events;
    for (const std::uint32_t t : f.threads) threads += (threads.empty() ? "" : ", ") + thread_name(trace_, t);
    for (const std::uint64_t ev : f.events) events += (events.empty() ? "" : " ") + std::to_string(ev);
    annotate(seq, w, "threads", threads);
    annotate(seq, w, "events", events);
    if (f.count > 1) annotate_uint(seq, w, "occurrences", f.count);
    seq.end_packet();
    ++summary_.findings;
  }

  // --- details

  // A source site, where the trace knows it (thread starts and the
  // runtime's own events have none). An unsymbolized address is its label.
  void site(perfetto::PacketSequence& seq, Writer& w, std::uint32_t id) {
    if (!id || id >= trace_.sites.size()) return;
    const format::SiteInfo& s = trace_.sites[id];
    const bool known = !s.file.empty() || !s.function.empty();
    const std::string label = known ? std::string() : trace_.site_label(id);
    w.varint(te::kSourceLocationIid,
             seq.source_location(id, s.file, known ? std::string_view(s.function) : label, s.line));
  }

  void annotate(perfetto::PacketSequence& seq, Writer& w, std::string_view name, std::string_view value) {
    const std::size_t a = w.begin_nested(te::kDebugAnnotations);
    w.varint(da::kNameIid, seq.annotation_name(name));
    w.bytes(da::kStringValue, value);
    w.end_nested(a);
  }
  void annotate_uint(perfetto::PacketSequence& seq, Writer& w, std::string_view name, std::uint64_t value) {
    const std::size_t a = w.begin_nested(te::kDebugAnnotations);
    w.varint(da::kNameIid, seq.annotation_name(name));
    w.varint(da::kUintValue, value);
    w.end_nested(a);
  }
  void annotate_bool(perfetto::PacketSequence& seq, Writer& w, std::string_view name, bool value) {
    const std::size_t a = w.begin_nested(te::kDebugAnnotations);
    w.varint(da::kNameIid, seq.annotation_name(name));
    w.varint(da::kBoolValue, value);
    w.end_nested(a);
  }

  const format::Trace& trace_;
  const analysis::Model model_;
  const analysis::CausalEdges edges_;  // by `to`
  const Slices slices_;
  const Tracks tracks_;
  const std::vector<CounterSample> counters_;
  std::vector<analysis::Finding> findings_;
  std::vector<std::size_t> by_from_;  // edge positions, by `from`
  std::unordered_map<std::uint64_t, std::uint64_t> counter_tracks_;  // counter_key -> uuid
  // slice_name_iid's key -> iid, per sequence
  std::unordered_map<const perfetto::PacketSequence*, std::unordered_map<std::uint64_t, std::uint64_t>> slice_names_;
  perfetto::PacketSink sink_;
  perfetto::PacketSequence global_;  // descriptors, counters, findings
  std::vector<std::unique_ptr<perfetto::PacketSequence>> by_track_;  // by track uuid: thread tracks' own
  PerfettoSummary summary_;
};

}  // namespace

PerfettoSummary write_perfetto_trace(const format::Trace& trace, std::ostream& out, const PerfettoOptions& options) {
  return PerfettoWriter(trace, out, options).run();
}

}  // namespace weft::exporter
