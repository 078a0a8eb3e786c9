#include "weft/analysis/model.hpp"

#include <algorithm>

#include "lock_tracker.hpp"
#include "misuse_watch.hpp"
#include "model_walk.hpp"
#include "series_builder.hpp"
#include "wait_tracker.hpp"
#include "weft/format/packed_store_impl.hpp"

namespace weft::format {
template class PackedStore<analysis::WaitCodec>;
}  // namespace weft::format

namespace weft::analysis {

namespace {

using format::CounterOp;

// The values counted objects hold, by the meaning table's counter roles.
class Counters {
 public:
  Counters(const format::Trace& trace, ObjectState& state, detail::SeriesBuilder& series)
      : trace_(trace), state_(state), series_(series), counted_(trace.objects.size(), 0) {
    for (std::size_t o = 1; o < counted_.size(); ++o) counted_[o] = format::object_meaning(trace.objects[o].kind).counted;
  }

  // Inline, and one byte looked at for an object that counts nothing: the
  // model steps every event, most of them a lock's.
  __attribute__((always_inline)) void step(std::uint64_t index, const format::Event& e) {
    if (e.object < counted_.size() && counted_[e.object]) [[unlikely]]
      count(index, e);
  }

 private:
  void count(std::uint64_t index, const format::Event& e) {
    const format::ObjectInfo& object = trace_.objects[e.object];
    const format::ObjectMeaning om = format::object_meaning(object.kind);
    const SeriesKind kind = series_kind(object.kind);
    const std::int64_t start = om.initial_from_extra ? static_cast<std::int64_t>(object.extra) : 0;
    // Shown from the object's creation when the trace has it.
    if (e.kind == format::EventKind::ObjectCreate) return series_.start(e.object, kind, index, e.time_ns, start);
    const CounterOp op = format::meaning(e.kind).counter;
    if (op == CounterOp::None || (op != CounterOp::Zeroes && e.seq == format::kNoSeq)) return;
    std::int64_t value = series_.value(e.object, kind, start);
    switch (op) {
      case CounterOp::Increments: ++value; break;
      case CounterOp::Decrements:
        if (value > 0)
          --value;
        else
          state_.anomalies.push_back({index, e.object, e.thread, AnomalyKind::GetWithoutPut});
        break;
      case CounterOp::SetsToArg: value = static_cast<std::int64_t>(e.arg); break;
      case CounterOp::SetsToArrivals: value = std::int64_t{format::barrier_index(e.arg)} + 1; break;
      case CounterOp::Zeroes: value = 0; break;
      case CounterOp::None: break;
    }
    series_.set(e.object, kind, index, e.time_ns, value, start);
  }

  static SeriesKind series_kind(format::ObjectKind k) {
    if (k == format::ObjectKind::Queue) return SeriesKind::QueueDepth;
    if (k == format::ObjectKind::Barrier) return SeriesKind::BarrierArrivals;
    return SeriesKind::SemaphoreValue;
  }

  const format::Trace& trace_;
  ObjectState& state_;
  detail::SeriesBuilder& series_;
  std::vector<std::uint8_t> counted_;  // by object: its kind counts (a queue's depth, a semaphore's value)
};

}  // namespace

namespace {
bool stopped(const std::optional<format::EndRecord>& end) {
  return end.has_value() && end->reason == format::EndReason::Watchdog;
}
}  // namespace

bool Model::stopped_as_stuck() const {
  if (stopped(trace->end)) return true;
  for (const format::ProcessInfo& p : trace->processes)
    if (stopped(p.end)) return true;
  return false;
}

bool Model::stopped_as_stuck(std::uint32_t thread) const {
  // A trace built without its processes (tests, older readers) is one process.
  if (trace->processes.size() <= 1 || thread >= trace->threads.size()) return stopped(trace->end);
  const std::uint32_t p = trace->threads[thread].process;
  return p < trace->processes.size() ? stopped(trace->processes[p].end) : stopped(trace->end);
}

namespace {

// The model's walk; `also` steps every event beside it (the misuse watch,
// for check(), or nothing).
template <class Also>
Model walk_model(const format::Trace& trace, ModelDetail how_much, Also&& also) {
  Model m;
  m.trace = &trace;
  m.lives.resize(trace.threads.size());
  m.thread_of_object.assign(trace.objects.size(), ~0u);
  for (const format::ThreadInfo& t : trace.threads) {
    if (t.object < m.thread_of_object.size()) m.thread_of_object[t.object] = t.id;
    m.lives[t.id].daemon = (t.flags & format::kThreadDaemon) != 0;
    m.lives[t.id].main = (t.flags & format::kThreadMain) != 0;
  }
  if (!trace.events.empty()) m.end_ns = trace.events.back().time_ns;

  const bool full = how_much == ModelDetail::Full;
  detail::SeriesBuilder series;
  detail::WaitTracker waits(trace, full ? &m.state.anomalies : nullptr);
  std::optional<detail::LockTracker> locks;
  std::optional<Counters> counters;
  if (full) {
    locks.emplace(trace, m.state, series);
    counters.emplace(trace, m.state, series);
  }
  std::vector<std::uint32_t> lock_waiters(full ? trace.objects.size() : 0, 0);
  // Counted here, in the walk the model makes anyway, so that the
  // statistics need no walk of their own over the events.
  if (full) m.state.takes.assign(trace.objects.size(), {});

  const auto visit = [&](std::uint64_t i, const format::Event& e) __attribute__((always_inline)) {
    const format::Meaning& meaning = format::meaning(e.kind);
    // (The counts are the full model's: a model of the waits alone tests
    // one thing, the same for every event, and not the event's role.)
    if (full && (meaning.hold == format::HoldOp::Takes || meaning.hold == format::HoldOp::TakesShared) &&
        e.seq != format::kNoSeq && e.object < m.state.takes.size()) {
      Takes& t = m.state.takes[e.object];
      ++t.acquisitions;
      if (e.flags & format::kFlagContended) ++t.contended;
    }
    if (e.thread >= trace.threads.size()) return;
    ThreadLife& life = m.lives[e.thread];
    if (!life.first) life.first = i;
    if (meaning.life == format::LifeOp::Starts && !life.start) {
      life.start = i;
      life.start_ns = e.time_ns;
    } else if (meaning.life == format::LifeOp::Ends) {
      life.end = i;
      life.end_ns = e.time_ns;
    }
    waits.step(i, e);
    if (!full) return;
    locks->step(i, e);
    counters->step(i, e);
    // Threads waiting for each lock, from the waits that begin and end here.
    const auto count = [&](const Wait& w, int delta) {
      if (!format::is_lock_wait(w.cause) || w.object >= lock_waiters.size()) return;
      lock_waiters[w.object] += delta;
      series.set(w.object, SeriesKind::LockWaiters, i, e.time_ns, lock_waiters[w.object]);
    };
    if (const Wait* ended = waits.just_ended()) count(*ended, -1);
    if (const Wait* began = waits.just_began()) count(*began, +1);
  };
  trace.events.for_each(0, trace.events.size(), [&](std::uint64_t i, const format::Event& e)
                                                    __attribute__((always_inline)) {
                                                      visit(i, e);
                                                      also(i, e);
                                                    });
  for (ThreadLife& life : m.lives)
    if (!life.end) life.end_ns = m.end_ns;
  m.waits = waits.take_waits();
  if (full) {
    locks->finish(m.end_ns);
    m.state.holds.seal();
    m.state.series = series.finish();
  }
  return m;
}

}  // namespace

Model build_model(const format::Trace& trace, ModelDetail how_much) {
  return walk_model(trace, how_much, [](std::uint64_t, const format::Event&) {});
}

namespace detail {
Model build_model_watching(const format::Trace& trace, ModelDetail how_much, MisuseWatch& misuse) {
  return walk_model(trace, how_much, [&misuse](std::uint64_t i, const format::Event& e)
                                         __attribute__((always_inline)) { misuse.step(i, e); });
}
}  // namespace detail

}  // namespace weft::analysis
