#include "document.hpp"

#include <algorithm>
#include <tuple>

#include "weft/format/loader.hpp"

namespace weft::viewer {

std::unique_ptr<Document> make_document(format::Trace trace, std::string path) {
  auto doc = std::make_unique<Document>();
  doc->path = std::move(path);
  doc->trace = std::move(trace);
  doc->model = analysis::build_model(doc->trace);
  doc->report = analysis::check(doc->trace);
  doc->stats = analysis::compute_stats(doc->model);
  doc->lock_graph = analysis::lock_graph(doc->trace);
  doc->edges = analysis::causal_edges(doc->trace);
  doc->edges_by_from = doc->edges;
  std::sort(doc->edges_by_from.begin(), doc->edges_by_from.end(),
            [](const auto& a, const auto& b) { return std::tie(a.from, a.to) < std::tie(b.from, b.to); });
  doc->timeline = build_timeline(doc->trace, doc->model);
  return doc;
}

std::unique_ptr<Document> open_document(const std::string& path) { return make_document(format::load_trace(path), path); }

std::string thread_label(const Document& doc, std::uint32_t thread) {
  if (thread >= doc.trace.threads.size()) return "thread " + std::to_string(thread);
  const std::string& name = doc.trace.threads[thread].name;
  return name.empty() ? "thread " + std::to_string(thread) : name;
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
