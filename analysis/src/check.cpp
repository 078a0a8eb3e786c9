#include "weft/analysis/check.hpp"

#include <algorithm>
#include <future>
#include <optional>
#include <set>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "lock_order_edges.hpp"
#include "lock_walk.hpp"
#include "model_walk.hpp"
#include "weft/analysis/detectors.hpp"

namespace weft::analysis {

namespace {

std::string thousands(std::uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// Where events were dropped (a trace.dropped event marks the spot on its
// thread, arg: how many), a finding whose proof ends after the loss could
// be an artefact of it: the release of a lock, an acquisition that ordered
// two accesses, the notify a wait got. It is kept, marked uncertain, with
// what was lost before it; the report counts the loss.
void mark_uncertain(const format::Trace& t, Report& r) {
  // The marker comes when the thread records again; what it lost happened
  // after its previous event. So a loss spans from that event (`from`) on,
  // and any finding whose proof ends after `from` may have needed it.
  struct Loss {
    std::uint64_t from;
    std::uint32_t thread;
    std::uint64_t events;
  };
  std::vector<Loss> losses;
  std::vector<std::uint64_t> previous(t.threads.size(), 0);  // the thread's last event so far
  const bool markers = t.events.may_hold(format::EventKind::TraceDropped);
  for (std::uint64_t i = 0; markers && i < t.events.size(); ++i) {
    const format::Event& e = t.events[i];
    if (e.kind == format::EventKind::TraceDropped) {
      losses.push_back({e.thread < previous.size() ? previous[e.thread] : 0, e.thread, e.arg});
      r.dropped += e.arg;
    }
    if (e.thread < previous.size()) previous[e.thread] = i;
  }
  // The END record counts every loss, also those no marker shows: a thread
  // that lost the rest of its events never recorded again. Those could be
  // anywhere after the start, and so could explain any finding.
  const std::uint64_t marked = r.dropped;
  if (t.end && t.end->dropped > marked) {
    r.dropped = t.end->dropped;
    losses.push_back({0, ~0u, t.end->dropped - marked});
  }
  if (losses.empty()) return;
  for (Finding& f : r.findings) {
    const std::uint64_t last = f.events.empty() ? ~std::uint64_t{0} : f.events.back();
    std::uint64_t lost = 0;
    std::set<std::uint32_t> threads;
    for (const Loss& l : losses)
      if (l.from < last) {
        lost += l.events;
        threads.insert(l.thread);
      }
    if (lost == 0) continue;
    std::string where;
    for (std::uint32_t th : threads)
      if (th < t.threads.size()) where += (where.empty() ? "on " : ", ") + t.threads[th].name;
    if (!where.empty()) where += " before it";
    if (threads.count(~0u) != 0) where += std::string(where.empty() ? "" : ", and ") + "where the trace does not show";
    f.uncertain = thousands(lost) + (lost == 1 ? " event" : " events") + " dropped " + where +
                  " (full buffers): the missing events could explain it";
  }
}

// Below this many events the detectors that could run beside the model
// run on the caller's thread instead (see check).
constexpr std::size_t kSideThreadsFrom = 10'000;

}  // namespace

namespace {

// check(), with misuse found by the model's source when `misuse_found` is
// given (it is filled once model() returns), else on a thread of its own.
Report check_with(const format::Trace& trace, const CheckOptions& options, LockGraph* lock_graph,
                  const ModelSource& model, std::vector<Finding>* misuse_found) {
  // The detectors that need only the trace run on threads of their own
  // while this one gets the model (builds it, or waits for it): races (the
  // heaviest) on one; on another the walk that both the lock-order and the
  // deadlock detector need (who holds what before each event, one walk for
  // both: lock_walk.hpp). This thread runs, with the model, the rest.
  // Misuse rides on the model's walk when the model is built here (one
  // decoding of every event for both: on a contended 10 M-event trace the
  // two were 69 and 68 ms apart, the lock walk 88); with a model from
  // elsewhere (the viewer's) it has a thread of its own. All only read
  // the trace, and the findings are sorted below: the report does not
  // depend on who finishes first. Should anything here throw, the
  // futures' destructors wait for every thread before it leaves.
  //
  // A small trace's detectors run on this thread, one after the other, when
  // their results are asked for: a thread costs about 0.2 ms to start and
  // end on a virtual machine, which is what they save on two cores at about
  // 12,000 events (`weft check` takes as long either way there). `weft
  // explore` checks a trace of a few hundred events after every run.
  const std::launch side = trace.events.size() < kSideThreadsFrom ? std::launch::deferred : std::launch::async;
  std::future<std::vector<Finding>> races = std::async(side, [&trace] { return find_races(trace); });
  struct LockFindings {
    std::vector<Finding> deadlocks, inversions;
  };
  std::future<LockFindings> lock_walk = std::async(side, [&trace, lock_graph] {
    detail::LockWalk walk = detail::walk_locks(trace);
    if (lock_graph) *lock_graph = detail::graph_of(walk.order);
    return LockFindings{std::move(walk.deadlocks), detail::inversions_of(trace, walk.order)};
  });
  std::future<std::vector<Finding>> misuse;
  if (!misuse_found) misuse = std::async(side, [&trace] { return find_misuse(trace); });
  const Model& m = model();
  Report r;
  auto add = [&](std::vector<Finding> found) {
    for (Finding& f : found) r.findings.push_back(std::move(f));
  };
  LockFindings locks = lock_walk.get();
  std::vector<std::uint32_t> deadlocked;
  for (const Finding& f : locks.deadlocks)  // (a self-lock the mutex refused is misuse: its thread went on)
    if (f.kind != FindingKind::Misuse) deadlocked.insert(deadlocked.end(), f.threads.begin(), f.threads.end());
  // In the order they were always added: the sort below is stable.
  add(std::move(locks.deadlocks));
  add(find_hangs(m, deadlocked));
  if (options.marks_pattern) add(find_ordering(m, *options.marks_pattern));
  add(find_crashes(trace));
  add(find_tsan_reports(trace));
  add(std::move(locks.inversions));
  add(misuse_found ? std::move(*misuse_found) : misuse.get());
  add(races.get());

  // A stable order, whatever order the detectors found things in.
  for (Finding& f : r.findings) std::sort(f.events.begin(), f.events.end());
  mark_uncertain(trace, r);
  std::stable_sort(r.findings.begin(), r.findings.end(), [](const Finding& a, const Finding& b) {
    if (a.kind != b.kind) return a.kind < b.kind;
    const std::uint64_t ea = a.events.empty() ? 0 : a.events.front(), eb = b.events.empty() ? 0 : b.events.front();
    if (ea != eb) return ea < eb;
    return a.title < b.title;
  });
  return r;
}

}  // namespace

Report check(const format::Trace& trace, const CheckOptions& options, LockGraph* lock_graph) {
  // The model (only the waits: what the detectors read) is built here, and
  // its walk carries the misuse watch: one decoding of every event for both.
  std::optional<Model> built;
  std::vector<Finding> misuse;
  const auto build = [&]() -> const Model& {
    detail::MisuseWatch watch(trace);
    built.emplace(detail::build_model_watching(trace, ModelDetail::Waits, watch));
    misuse = watch.finish();
    return *built;
  };
  return check_with(trace, options, lock_graph, build, &misuse);
}

Report check(const format::Trace& trace, const CheckOptions& options, LockGraph* lock_graph, const ModelSource& model) {
  return check_with(trace, options, lock_graph, model, nullptr);
}

std::optional<FindingKind> finding_kind_from_name(std::string_view name) {
  for (int k = 0; k <= static_cast<int>(FindingKind::TsanReport); ++k)
    if (finding_kind_name(static_cast<FindingKind>(k)) == name) return static_cast<FindingKind>(k);
  return std::nullopt;
}

Expectations parse_expectations(const std::string& text) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw std::invalid_argument(std::string("not valid JSON: ") + e.what());
  }
  if (!j.is_object()) throw std::invalid_argument("expected a JSON object with \"always\", \"sometimes\", \"marks\"");
  Expectations out;
  auto findings = [&](const char* key, std::vector<ExpectedFinding>& into) {
    if (!j.contains(key)) return;
    if (!j[key].is_array()) throw std::invalid_argument(std::string("\"") + key + "\" must be an array");
    for (const auto& item : j[key]) {
      if (!item.is_object() || !item.contains("kind") || !item["kind"].is_string())
        throw std::invalid_argument(std::string("each entry of \"") + key + "\" needs a \"kind\" string");
      const std::string kind = item["kind"];
      const auto k = finding_kind_from_name(kind);
      if (!k) throw std::invalid_argument("unknown finding kind \"" + kind + "\"");
      std::string about;
      if (item.contains("about")) {
        if (!item["about"].is_string()) throw std::invalid_argument("\"about\" must be a string");
        about = item["about"];
      }
      into.push_back({*k, about});
    }
  };
  findings("always", out.always);
  findings("sometimes", out.sometimes);
  if (j.contains("marks") && !j["marks"].is_null()) {
    if (!j["marks"].is_string()) throw std::invalid_argument("\"marks\" must be a string or null");
    out.marks = j["marks"].get<std::string>();
  }
  return out;
}

Comparison compare(const Report& report, const Expectations& expected) {
  using Key = std::pair<FindingKind, std::string>;
  std::set<Key> found, always, allowed;
  // ThreadSanitizer's reports are a second opinion, held to the verdict by
  // their own test (the `tsan` label), not part of weft's verdict.
  // An uncertain finding (events were dropped before it) may be what was
  // expected, but is never held against the verdict.
  std::set<Key> uncertain;
  for (const Finding& f : report.findings)
    if (f.kind != FindingKind::TsanReport) (f.uncertain.empty() ? found : uncertain).insert({f.kind, f.about});
  for (const ExpectedFinding& e : expected.always) {
    always.insert({e.kind, e.about});
    allowed.insert({e.kind, e.about});
  }
  for (const ExpectedFinding& e : expected.sometimes) allowed.insert({e.kind, e.about});
  Comparison c;
  for (const Key& k : always)
    if (!found.count(k) && !uncertain.count(k)) c.missing.push_back({k.first, k.second});
  for (const Key& k : found)
    if (!allowed.count(k)) c.unexpected.push_back({k.first, k.second});
  return c;
}

}  // namespace weft::analysis
