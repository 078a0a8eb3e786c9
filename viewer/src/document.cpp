#include "document.hpp"

#include <algorithm>
#include <future>
#include <tuple>

#include "weft/symbolize/symbolize.hpp"

namespace weft::viewer {

std::unique_ptr<Document> make_document(format::Trace trace, std::string path) {
  auto doc = std::make_unique<Document>();
  doc->path = std::move(path);
  doc->trace = std::move(trace);
  // Each part reads only the trace (and the model, built first on its own
  // thread) and writes its own member: on threads of their own beside the
  // check (which runs its detectors in parallel too), so opening a large
  // trace takes the longest part, not the sum.
  Document& d = *doc;
  auto edges = std::async(std::launch::async, [&d] {
    d.lock_graph = analysis::lock_graph(d.trace);
    d.edges = analysis::causal_edges(d.trace);
    d.edges_by_from = d.edges;
    std::sort(d.edges_by_from.begin(), d.edges_by_from.end(),
              [](const auto& a, const auto& b) { return std::tie(a.from, a.to) < std::tie(b.from, b.to); });
  });
  auto timeline = std::async(std::launch::async, [&d] {
    d.model = analysis::build_model(d.trace);
    d.stats = analysis::compute_stats(d.model);
    d.timeline = build_timeline(d.trace, d.model);
  });
  d.report = analysis::check(d.trace);
  edges.get();  // rethrows what the thread threw
  timeline.get();
  return doc;
}

std::unique_ptr<Document> open_document(const std::string& path) { return make_document(symbolize::load_trace(path), path); }

std::unique_ptr<Document> open_document(const std::vector<std::string>& paths) {
  if (paths.size() == 1) return open_document(paths.front());
  return make_document(symbolize::load_run(paths), paths.at(0));
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
