// An open trace and everything the viewer shows of it, computed once on
// opening: the analysis (findings, model, statistics, causal edges, lock
// graph) and the timeline layout. No GL here: tests and the benchmark open
// documents without a window.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "timeline.hpp"
#include "weft/analysis/causality.hpp"
#include "weft/analysis/check.hpp"
#include "weft/analysis/lock_graph.hpp"
#include "weft/analysis/model.hpp"
#include "weft/analysis/stats.hpp"
#include "weft/format/trace.hpp"

namespace weft::viewer {

struct Document {
  std::string path;
  format::Trace trace;
  analysis::Model model;  // points into `trace`: a Document does not move
  analysis::Report report;
  analysis::Stats stats;
  analysis::LockGraph lock_graph;
  std::vector<analysis::CausalEdge> edges;  // ordered by `to`
  std::vector<analysis::CausalEdge> edges_by_from;  // the same, ordered by `from`: arrows leaving the view
  Timeline timeline;

  Document() = default;
  Document(const Document&) = delete;
  Document& operator=(const Document&) = delete;
};

// Everything derived from an already loaded trace.
std::unique_ptr<Document> make_document(format::Trace trace, std::string path);
// Loads and analyses a file. Throws format::format_error (one line) on a
// file that is not a trace; a truncated one loads with trace.truncated set.
std::unique_ptr<Document> open_document(const std::string& path);
// A run named by several trace files (symbolize::load_run), `paths[0]`
// naming the document.
std::unique_ptr<Document> open_document(const std::vector<std::string>& paths);

// Labels for the panels.
std::string event_summary(const Document& doc, std::uint64_t index);  // "#12 mutex.acquired mutex lock_a"
std::string thread_label(const Document& doc, std::uint32_t thread);

}  // namespace weft::viewer
