#include "document.hpp"

#include <algorithm>
#include <exception>
#include <future>

#if defined(__linux__)
#include <sys/resource.h>
#include <unistd.h>
#endif

#include "edges_by_source.hpp"
#include "weft/format/kept_memory.hpp"
#include "weft/symbolize/symbolize.hpp"

namespace weft::viewer {

const char* open_stage_name(OpenStage s) {
  switch (s) {
    case OpenStage::Reading: return "reading";
    case OpenStage::Analysing: return "analysing";
    case OpenStage::LayingOut: return "laying out";
    case OpenStage::Done: return "done";
  }
  return "?";
}

namespace {

// Runs one part of the open: not at all once cancelled, and says when done.
class Parts {
 public:
  explicit Parts(const OpenControl& c) : c_(c) {}
  template <typename F>
  void run(OpenStage stage, F&& part) const {
    if (c_.cancel && c_.cancel->load(std::memory_order_relaxed)) throw open_cancelled();
    part();
    if (c_.part_done) c_.part_done(stage);
  }

 private:
  const OpenControl& c_;
};

// The open's longest chain is the model, then its lanes (see below); every
// other part has slack. On two cores, six parts sharing them evenly left
// the model a third of a core while the others ran, and alone at the end
// (a 10.6 M-event trace: 200 ms of one idle core, 1.12 s to open). The
// other parts lower their own thread's priority, so the model's chain
// keeps a core and the rest share the other: 1.05 s. Only the calling
// thread's (Linux's nice is per thread; threads it starts inherit it, the
// check's detectors too), and only for the life of that thread, which
// ends with its part. Refused or unsupported, nothing changes but speed.
void yield_to_the_model() {
#if defined(__linux__)
  (void)setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 10);
#endif
}

}  // namespace

std::unique_ptr<Document> make_document(format::Trace trace, std::string path, const OpenControl& control) {
  static std::atomic<std::uint64_t> documents{0};
  auto doc = std::make_unique<Document>();
  doc->serial = ++documents;
  doc->path = std::move(path);
  doc->trace = std::move(trace);
  // Each part reads only the trace (and the model, built first on its own
  // thread) and writes its own member: on threads of their own beside the
  // check (which runs its detectors in parallel too), so opening a large
  // trace takes the longest chain of parts, not the sum. The longest is
  // model -> the model's lanes -> index; what needs no model (the causal
  // edges, the events' part of the layout, the check's trace-only
  // detectors) runs beside the model's build. The check reads the same
  // model, once it is built, rather than building one of its own; the lock
  // graph comes from the check's lock-order walk, not a walk of its own.
  Document& d = *doc;
  const Parts parts(control);
  constexpr OpenStage analysing = OpenStage::Analysing, laying_out = OpenStage::LayingOut;
  // Shared: the edges' thread reads the events' times too (each thread its
  // own copy of the future).
  const std::shared_future<void> events_laid_out = std::async(std::launch::async, [&d, &parts] {
    yield_to_the_model();
    parts.run(laying_out, [&d] { d.timeline = timeline_of_events(d.trace); });
  }).share();
  auto edges = std::async(std::launch::async, [&d, &parts, events_laid_out] {
    yield_to_the_model();
    parts.run(analysing, [&d] {
      d.edges = analysis::causal_edges(d.trace);
      d.edges_by_from = edges_by_source(d.edges);
    });
    // The arrows' index reads only the events' times, which the events'
    // part of the layout (long done by now) keeps: here, beside the model's
    // lanes, not after everything.
    events_laid_out.get();  // rethrows what laying out the events threw
    parts.run(laying_out, [&d] { d.arrow_lod = build_arrow_lod(d.edges, d.edges_by_from, d.timeline.time_prefix_max); });
  });
  std::promise<void> model_built;
  std::shared_future<void> model_ready = model_built.get_future().share();
  auto timeline = std::async(std::launch::async, [&d, &parts, &model_built, events_laid_out] {
    try {
      parts.run(analysing, [&d] { d.model = analysis::build_model(d.trace); });
    } catch (...) {
      model_built.set_exception(std::current_exception());  // the check, waiting for it, throws it too
      throw;
    }
    model_built.set_value();
    events_laid_out.get();  // rethrows what laying out the events threw
    parts.run(laying_out, [&d] { add_model_lanes(d.timeline, d.trace, d.model); });
    parts.run(laying_out, [&d] {
      d.lod = build_lod(d.timeline);
      d.lane_stack = LaneStack(d.timeline);
      d.lock_lanes = static_cast<std::size_t>(std::count_if(d.timeline.lanes.begin(), d.timeline.lanes.end(),
                                                            [](const Lane& l) { return l.kind == LaneKind::Lock; }));
    });
  });
  // The statistics as soon as the model is built, beside the rest of the
  // check (they had waited for all of it); then the replay's index, which
  // the window's thread would otherwise build as the document arrives.
  auto stats = std::async(std::launch::async, [&d, &parts, model_ready] {
    yield_to_the_model();
    model_ready.get();  // rethrows what building the model threw
    parts.run(analysing, [&d] { d.stats = analysis::compute_stats(d.model); });
    parts.run(laying_out, [&d] { d.replay_index = std::make_unique<const ReplayIndex>(d.model); });
  });
  // The check on a thread of its own too, so that yielding to the model
  // lowers no thread that outlives the open (the caller's).
  auto checked = std::async(std::launch::async, [&d, &parts, model_ready] {
    yield_to_the_model();
    const analysis::ModelSource shared_model = [&d, model_ready]() -> const analysis::Model& {
      model_ready.get();
      return d.model;
    };
    parts.run(analysing, [&] { d.report = analysis::check(d.trace, {}, &d.lock_graph, shared_model); });
  });
  // Every thread is waited for whatever happens here: they point into d.
  std::exception_ptr failed;
  for (auto* f : {&checked, &stats, &edges, &timeline}) try {
      f->get();  // rethrows what the thread threw
    } catch (...) {
      if (!failed) failed = std::current_exception();
    }
  // Waited for by the other threads, unless they failed first.
  try {
    events_laid_out.get();
  } catch (...) {
    if (!failed) failed = std::current_exception();
  }
  // The arrays are built: what the loader and the layout freed, kept for
  // the next array, would only sit in the viewer's memory from here on.
  format::give_back_kept_memory();
  if (failed) std::rethrow_exception(failed);
  return doc;
}

format::Trace read_trace(const std::vector<std::string>& paths, const format::LoadOptions& options) {
  if (paths.size() == 1) return symbolize::load_trace(paths.front(), options);
  return symbolize::load_run(paths, options);
}

std::unique_ptr<Document> open_document(const std::string& path) { return make_document(symbolize::load_trace(path), path); }

std::unique_ptr<Document> open_document(const std::vector<std::string>& paths) {
  return make_document(read_trace(paths), paths.at(0));
}

std::string thread_label(const Document& doc, std::uint32_t thread) {
  if (thread >= doc.trace.threads.size()) return "thread " + std::to_string(thread);
  const format::ThreadInfo& info = doc.trace.threads[thread];
  std::string label = info.name.empty() ? "thread " + std::to_string(thread) : info.name;
  // A run of several processes: which process's thread (tooltips, details).
  if (doc.trace.processes.size() > 1 && info.process < doc.trace.processes.size())
    label += " [pid " + std::to_string(doc.trace.processes[info.process].pid) + "]";
  return label;
}

std::string event_summary(const Document& doc, std::uint64_t index) {
  if (index >= doc.trace.events.size()) return "#" + std::to_string(index);
  const format::Event& e = doc.trace.events[index];
  std::string s = "#" + std::to_string(index) + " " + std::string(doc.trace.kind_name(e.kind));
  if (e.object != 0 && e.object < doc.trace.objects.size()) s += " " + doc.trace.object_label(e.object);
  const std::string_view text = doc.trace.text(e);
  if (!text.empty()) s += " \"" + std::string(text) + "\"";
  return s;
}

}  // namespace weft::viewer
