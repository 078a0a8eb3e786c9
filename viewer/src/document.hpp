// An open trace and everything the viewer shows of it, computed once on
// opening: the analysis (findings, model, statistics, causal edges, lock
// graph) and the timeline layout. No GL here: tests and the benchmark open
// documents without a window.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "layout.hpp"
#include "lod.hpp"
#include "replay.hpp"
#include "timeline.hpp"
#include "weft/analysis/causality.hpp"
#include "weft/analysis/check.hpp"
#include "weft/analysis/lock_graph.hpp"
#include "weft/analysis/model.hpp"
#include "weft/analysis/stats.hpp"
#include "weft/format/loader.hpp"
#include "weft/format/trace.hpp"

namespace weft::viewer {

struct Document {
  // Unique to this document in this process (from 1): what a view that
  // keeps state between frames (a table's sorted order) keeps it for.
  std::uint64_t serial = 0;
  std::string path;
  format::Trace trace;
  analysis::Model model;  // points into `trace`: a Document does not move
  analysis::Report report;
  analysis::Stats stats;
  analysis::LockGraph lock_graph;
  analysis::CausalEdges edges;  // ordered by `to`
  std::vector<std::uint32_t> edges_by_from;  // positions in `edges`, ordered by `from`: arrows leaving the view
  Timeline timeline;
  Lod lod;                   // the timeline lanes' indexes: what a frame searches (lod.hpp)
  LaneStack lane_stack;      // where each lane sits: a frame finds those on screen (layout.hpp)
  std::size_t lock_lanes = 0;  // how many lanes are locks' (the State tab lists them all only when few)
  ArrowLod arrow_lod;        // the same for the causality arrows
  std::unique_ptr<const ReplayIndex> replay_index;  // what the replay cursor reads besides the model (replay.hpp)

  Document() = default;
  Document(const Document&) = delete;
  Document& operator=(const Document&) = delete;
};

// The parts of opening a trace after reading it, for a progress bar: each
// analysis part (model, findings with the lock graph, statistics, causal
// edges) and each layout part (the events' lanes, the model's lanes, their
// level-of-detail index, the arrows', the replay's index), finishing in
// any order.
enum class OpenStage : std::uint8_t { Reading, Analysing, LayingOut, Done };
const char* open_stage_name(OpenStage s);  // "reading", "analysing", "laying out", "done"
inline constexpr unsigned kAnalysisParts = 4, kLayoutParts = 5;

// How a caller watches and stops an open. `part_done` is called from the
// worker threads (so it must be thread-safe) once per finished part, with
// the stage it belongs to. `cancel`, once true, makes make_document throw
// open_cancelled before its next part (a part under way runs to its end).
struct OpenControl {
  std::function<void(OpenStage)> part_done;
  const std::atomic<bool>* cancel = nullptr;
};
struct open_cancelled : std::runtime_error {
  open_cancelled() : std::runtime_error("cancelled") {}
};

// Everything derived from an already loaded trace.
std::unique_ptr<Document> make_document(format::Trace trace, std::string path, const OpenControl& control = {});
// Reads what open_document opens, without analysing it: one trace
// (symbolize::load_trace) or a run of several (symbolize::load_run).
format::Trace read_trace(const std::vector<std::string>& paths, const format::LoadOptions& options = {});
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
