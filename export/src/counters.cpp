#include "counters.hpp"

namespace weft::exporter {

using format::EventKind;

namespace {
bool counted(format::ObjectKind kind) {
  return kind == format::ObjectKind::Queue || kind == format::ObjectKind::Semaphore ||
         kind == format::ObjectKind::BoundedSemaphore;
}
}  // namespace

CounterStep Counters::step(const format::Event& e) {
  CounterStep out;
  // The starting value is shown from the object's creation when the trace
  // has it, else just before the object's first counted event.
  if (e.kind == EventKind::ObjectCreate && e.object < trace_.objects.size() && counted(trace_.objects[e.object].kind)) {
    if (const auto [it, fresh] = value_.try_emplace(e.object, start_value(e.object)); fresh)
      out.samples[out.count++] = {e.object, it->second};
    return out;
  }
  // Refused operations (a rejected over-release, a failed put) carry no
  // sequence number and changed nothing.
  if (e.seq == format::kNoSeq) return out;
  const bool queue = e.kind == EventKind::QueuePut || e.kind == EventKind::QueueGet;
  const bool semaphore = e.kind == EventKind::SemAcquired || e.kind == EventKind::SemReleased;
  if (!queue && !semaphore) return out;

  auto [it, fresh] = value_.try_emplace(e.object, start_value(e.object));
  if (fresh) out.samples[out.count++] = {e.object, it->second};
  if (semaphore)
    it->second = e.arg;
  else if (e.kind == EventKind::QueuePut)
    ++it->second;
  else if (it->second > 0)  // a get whose put was lost (dropped events) cannot go below empty
    --it->second;
  out.samples[out.count++] = {e.object, it->second};
  return out;
}

// A semaphore starts at its initial value (the object's `extra`), a queue empty.
std::uint64_t Counters::start_value(std::uint32_t object) const {
  if (object >= trace_.objects.size() || trace_.objects[object].kind == format::ObjectKind::Queue) return 0;
  return trace_.objects[object].extra;
}

}  // namespace weft::exporter
