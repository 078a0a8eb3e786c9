#include "weft/export/chrome_trace.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "counters.hpp"
#include "event_stream.hpp"
#include "labels.hpp"
#include "slices.hpp"
#include "tracks.hpp"
#include "weft/analysis/causality.hpp"
#include "weft/analysis/check.hpp"
#include "weft/analysis/model.hpp"
#include "weft/export/json_writer.hpp"
#include "weft/format/describe.hpp"
#include "weft/format/meaning.hpp"

namespace weft::exporter {

namespace {

class ChromeWriter {
 public:
  ChromeWriter(const format::Trace& trace, std::ostream& out, const ChromeOptions& options)
      : trace_(trace),
        model_(analysis::build_model(trace)),
        edges_(analysis::causal_edges(trace)),
        slices_(build_slices(trace, model_, edges_)),
        tracks_(trace, slices_.lanes),
        json_(out),
        stream_(json_, tracks_.pid()),
        counters_(counter_samples(model_)) {
    if (options.findings) findings_ = analysis::check(trace).findings;
    // Labels are written for every slice: made once per site and object.
    for (std::uint32_t i = 0; i < trace.sites.size(); ++i) site_labels_.push_back(trace.site_label(i));
    for (std::uint32_t i = 0; i < trace.objects.size(); ++i) object_labels_.push_back(trace.object_label(i));
  }

  ChromeSummary run() {
    json_.raw("{\"traceEvents\":[");
    write_metadata();
    for (const Slice& s : slices_.slices) write_slice(s);
    write_timeline();
    json_.raw("\n],\n\"displayTimeUnit\":\"ns\",\n\"otherData\":{\"source\":\"weft\",\"program\":");
    json_.string(trace_.info.program);
    json_.raw(",\"weft_version\":");
    json_.string(trace_.info.weft_version);
    json_.raw(",\"events\":");
    json_.uint(trace_.events.size());
    json_.raw(",\"complete\":");
    json_.raw(trace_.end && !trace_.truncated ? "true" : "false");
    json_.raw("}}\n");
    json_.flush();
    summary_.trace_events = stream_.count();
    return summary_;
  }

 private:
  void write_metadata() {
    stream_.begin_metadata("process_name", 0);
    stream_.args_begin();
    stream_.arg("name", trace_.info.program.empty() ? "weft trace" : trace_.info.program);
    stream_.args_end();
    stream_.end();
    ++summary_.metadata;
    for (const Track& t : tracks_.all()) {
      stream_.begin_metadata("thread_name", t.tid);
      stream_.args_begin();
      stream_.arg("name", t.name);
      stream_.args_end();
      stream_.end();
      stream_.begin_metadata("thread_sort_index", t.tid);
      stream_.args_begin();
      stream_.arg_uint("sort_index", t.sort_index);
      stream_.args_end();
      stream_.end();
      summary_.metadata += 2;
    }
  }

  std::string thread_name(std::uint32_t thread) const { return exporter::thread_name(trace_, thread); }

  void write_slice(const Slice& s) {
    static constexpr std::string_view kCategory[] = {"wait", "hold", "causal"};
    const format::Event& first = trace_.events[s.first];
    stream_.begin('X', slice_name(trace_, s), kCategory[static_cast<int>(s.type)], s.begin_ns,
                  tracks_.tid(s.thread, s.lane));
    stream_.field_micros("dur", s.end_ns - s.begin_ns);
    stream_.args_begin();
    stream_.arg_uint("event", s.first);
    if (s.type != SliceType::Tick && s.object && s.object < object_labels_.size())
      stream_.arg("object", object_labels_[s.object]);
    if (s.type == SliceType::Wait) write_wait_args(s);
    if (s.type == SliceType::Hold) write_hold_args(s);
    if (s.type == SliceType::Tick) site_arg("site", first.site);
    stream_.args_end();
    stream_.end();
    ++summary_.slices;
  }

  // Source sites, where the trace knows them (thread starts and the
  // runtime's own events have none).
  void site_arg(std::string_view key, std::uint32_t site) {
    if (site) stream_.arg(key, site < site_labels_.size() ? site_labels_[site] : trace_.site_label(site));
  }

  void write_wait_args(const Slice& s) {
    site_arg("site", trace_.events[s.first].site);
    if (s.timed) stream_.arg_bool("timed", true);
    if (s.last == kNoEvent) {
      stream_.arg_bool("still waiting when the trace ended", true);
      return;
    }
    const format::Event& end = trace_.events[s.last];
    stream_.arg("ended by", trace_.kind_name(end.kind));
    if (s.cause == analysis::WaitCause::Condition) stream_.arg("wake", format::wake_reason_name(end.arg));
    if (const auto u = analysis::unblocker(edges_, s.last))
      stream_.arg("unblocked by", unblocker_text(trace_, *u));
  }

  void write_hold_args(const Slice& s) {
    site_arg("acquired at", trace_.events[s.first].site);
    if (s.last == kNoEvent) {
      stream_.arg_bool("still held when the trace ended", true);
      return;
    }
    if (s.hold_end == analysis::HoldEnd::Lost) {
      stream_.arg("release", "lost: taken again by " + thread_name(trace_.events[s.last].thread) +
                                 " with no release recorded (events dropped?)");
      return;
    }
    const format::Event& release = trace_.events[s.last];
    site_arg("released at", release.site);
    if (release.thread != s.thread) stream_.arg("released by", thread_name(release.thread));
  }

  // Everything tied to one event, in trace order: flows, instants,
  // counters, and the findings whose proof the event completes.
  void write_timeline() {
    std::vector<std::size_t> by_from(edges_.size());
    for (std::size_t k = 0; k < by_from.size(); ++k) by_from[k] = k;
    std::stable_sort(by_from.begin(), by_from.end(),
                     [&](std::size_t a, std::size_t b) { return edges_[a].from < edges_[b].from; });
    const auto findings = finding_anchors(findings_, trace_.events.size());  // (anchor event, finding)

    const std::vector<analysis::Anomaly>& anomalies = model_.state.anomalies;
    std::size_t next_from = 0, next_to = 0, next_finding = 0, next_counter = 0, next_anomaly = 0;
    for (std::uint64_t i = 0; i < trace_.events.size(); ++i) {
      const format::Event& e = trace_.events[i];
      for (; next_from < by_from.size() && edges_[by_from[next_from]].from == i; ++next_from)
        write_flow('s', by_from[next_from], e, i);
      for (; next_to < edges_.size() && edges_[next_to].to == i; ++next_to) {
        write_flow('f', next_to, e, i);
        ++summary_.flows;
      }
      write_instant(e);
      for (; next_counter < counters_.size() && counters_[next_counter].event == i; ++next_counter)
        write_counter(counters_[next_counter], e);
      for (; next_anomaly < anomalies.size() && anomalies[next_anomaly].event == i; ++next_anomaly)
        write_anomaly(anomalies[next_anomaly], e);
      for (; next_finding < findings.size() && findings[next_finding].first == i; ++next_finding)
        write_finding(findings_[findings[next_finding].second], e.time_ns, e.thread);
    }
    const std::uint64_t end_ns = model_.end_ns;
    for (; next_finding < findings.size(); ++next_finding)
      write_finding(findings_[findings[next_finding].second], end_ns, 0);
  }

  // A flow's two ends share an id (the edge's position + 1) and a name; the
  // end binds to the slice enclosing it ("bp":"e": the tick), not the next.
  void write_flow(char ph, std::size_t edge, const format::Event& e, std::uint64_t index) {
    stream_.begin(ph, analysis::causal_kind_name(edges_[edge].kind), "flow", e.time_ns,
                  tracks_.tid(e.thread, slices_.tick_lane(index)));
    stream_.field_uint("id", edge + 1);
    if (ph == 'f') stream_.field("bp", "e");
    stream_.end();
  }

  void write_instant(const format::Event& e) {
    const std::string_view category = format::point_category(e);
    if (category.empty()) return;
    stream_.begin('i', format::point_label(trace_, e), category, e.time_ns, tracks_.tid(e.thread, 0));
    stream_.field("s", "t");
    stream_.args_begin();
    site_arg("site", e.site);
    if (format::meaning(e.kind).point == format::PointKind::Notify) stream_.arg_uint("waiters", e.arg);
    stream_.args_end();
    stream_.end();
    ++summary_.instants;
  }

  // A counter track per object, one series per value it counts: "queue
  // urls" {"depth": 2}, "mutex lock_X" {"waiters": 1}.
  void write_counter(const CounterSample& c, const format::Event& e) {
    stream_.begin('C', counter_name(trace_, c.object), "counter", c.time_ns, tracks_.tid(e.thread, 0));
    stream_.args_begin();
    stream_.arg_uint(analysis::series_name(c.kind), static_cast<std::uint64_t>(std::max<std::int64_t>(c.value, 0)));
    stream_.args_end();
    stream_.end();
    ++summary_.counters;
  }

  // What the trace got wrong (analysis/object_state.hpp), where it shows.
  void write_anomaly(const analysis::Anomaly& a, const format::Event& e) {
    const std::string what = a.object ? object_labels_[a.object] + ": " : std::string();
    stream_.begin('i', "anomaly: " + what + std::string(analysis::anomaly_text(a.kind)), "anomaly", e.time_ns,
                  tracks_.tid(e.thread, 0));
    stream_.field("s", "t");
    stream_.args_begin();
    stream_.arg_uint("event", a.event);
    stream_.args_end();
    stream_.end();
    ++summary_.instants;
  }

  void write_finding(const analysis::Finding& f, std::uint64_t ts, std::uint32_t thread) {
    stream_.begin('i', f.title, "finding", ts, tracks_.tid(thread, 0));
    stream_.field("s", "p");
    stream_.args_begin();
    stream_.arg("kind", analysis::finding_kind_name(f.kind));
    stream_.arg("severity", f.severity == analysis::Severity::Error ? "error" : "warning");
    stream_.arg("explanation", f.explanation);
    std::string threads, events;
    for (const std::uint32_t t : f.threads) threads += (threads.empty() ? "" : ", ") + thread_name(t);
    for (const std::uint64_t ev : f.events) events += (events.empty() ? "" : " ") + std::to_string(ev);
    stream_.arg("threads", threads);
    stream_.arg("events", events);
    if (f.count > 1) stream_.arg_uint("occurrences", f.count);
    stream_.args_end();
    stream_.end();
    ++summary_.findings;
  }

  const format::Trace& trace_;
  const analysis::Model model_;
  const analysis::CausalEdges edges_;
  const Slices slices_;
  const Tracks tracks_;
  std::vector<analysis::Finding> findings_;
  std::vector<std::string> site_labels_, object_labels_;  // by id
  JsonWriter json_;
  EventStream stream_;
  const std::vector<CounterSample> counters_;
  ChromeSummary summary_;
};

}  // namespace

ChromeSummary write_chrome_trace(const format::Trace& trace, std::ostream& out, const ChromeOptions& options) {
  return ChromeWriter(trace, out, options).run();
}

}  // namespace weft::exporter
