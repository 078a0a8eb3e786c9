// The hot path: appending one event to the calling thread's buffer.
//
// Each thread owns a ring of fixed-size slots. It writes events and
// publishes them with a release store of `head`; the writer thread reads up
// to `head` and hands the space back with a release store of `tail`. That is
// the whole protocol: no lock, no allocation, no system call per event. Only
// when the ring passes half full does the producer take the slow path, which
// wakes the writer, and when it is full, waits for it (or, if configured,
// counts the event as dropped; the trace then says how many).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "weft/detail/clock.hpp"
#include "weft/detail/tsan_invisible.hpp"
#include "weft/site.hpp"

namespace weft::detail {

// One ring slot, 32 bytes. Text payloads (marks, logs) follow their event
// in the next slots, as raw bytes.
struct RawEvent {
  std::uint64_t ticks;
  std::uint64_t arg;            // for text events: the text's length in bytes
  std::uint64_t seq_kind_flags; // seq (48 bits) | kind << 48 | flags << 56
  std::uint32_t object;
  std::uint32_t site;
};
static_assert(sizeof(RawEvent) == 32);

// Texts longer than this are cut (and flagged TextTruncated).
inline constexpr std::size_t kMaxTextBytes = 4096;
inline constexpr std::uint64_t text_slots(std::size_t bytes) noexcept { return (bytes + sizeof(RawEvent) - 1) / sizeof(RawEvent); }

inline constexpr std::uint64_t kSeqBits = 48;
inline constexpr std::uint64_t kSeqNone = (std::uint64_t{1} << kSeqBits) - 1;  // all ones: no sequence
inline constexpr std::uint64_t pack_seq_kind_flags(std::uint64_t seq, std::uint8_t kind, std::uint8_t flags) noexcept {
  return (seq & kSeqNone) | std::uint64_t(kind) << 48 | std::uint64_t(flags) << 56;
}

struct SiteCacheEntry {
  const char* file = nullptr;
  const char* function = nullptr;
  unsigned line = 0;
  std::uint32_t id = 0;
};
inline constexpr unsigned kSiteCacheSize = 256;

enum class BufferState : std::uint8_t { Active, Finished, Free };

struct ThreadBuffer {
  // --- owned by the producing thread ---
  RawEvent* slots = nullptr;     // nullptr when tracing is off
  std::uint64_t mask = 0;        // capacity - 1
  std::uint64_t limit = 0;       // head may advance to here without looking at tail
  std::atomic<std::uint64_t> head{0};
  std::uint32_t thread_id = 0;   // weft's id of the thread using this buffer now
  std::uint32_t thread_object = 0;
  bool ended = false;            // thread.end recorded
  SiteCacheEntry site_cache[kSiteCacheSize];

  // --- shared with the writer ---
  alignas(64) std::atomic<std::uint64_t> tail{0};
  std::atomic<std::uint64_t> dropped{0};    // events lost and not yet reported
  std::atomic<BufferState> state{BufferState::Active};
  std::atomic<std::uint32_t> owner_id{0};   // thread_id, readable by the writer
  std::atomic<bool> poked{false};           // writer already woken for this fill
  ThreadBuffer* next = nullptr;             // all buffers, append-only list

  // What the thread is blocked on right now, for the watchdog (see
  // blocking.hpp); wait_kind 0 when it is not blocked.
  std::atomic<std::uint8_t> wait_kind{0};
  std::atomic<bool> wait_timed{false};
  // The wait can be ended by another process of the run (a child's exit, a
  // pipe, a process-shared lock): no hang of this process alone.
  std::atomic<bool> wait_external{false};
  std::atomic<std::uint32_t> wait_object{0};
  std::atomic<const std::atomic<std::uint32_t>*> wait_owner{nullptr};  // a mutex's holder (thread id + 1)

  // --- the writer's own notes, under its FlushLock ---
  std::uint64_t writer_head = 0;
  BufferState writer_state = BufferState::Active;
};

// How far ahead of `head` the producer claims its ring's cache lines: 32
// slots, 1 KB, several hundred nanoseconds of events at the fastest.
//
// Why: the writer thread reads every slot the producer wrote, on the other
// core, so a line the producer comes back to a lap later is shared with (or
// owned by) that core, and the producer's store must first take it back. A
// store's miss alone would hide in the store buffer, but the very next lock
// or unlock is an atomic read-modify-write, which waits for every earlier
// store to complete: each event paid the other core's answer in full. On a
// 2-vCPU VM that made a traced uncontended lock/unlock pair cost 66-110 ns
// instead of 25 (bench_tracer; the "slow mode" of issue 16, as wide as the
// distance between the cores the host gave the VM). A write prefetch of a
// line ahead asks for it early and the store finds it owned. A read
// prefetch does not do it: it brings the line shared, and the store still
// waits to own it.
//
// The prefetch is not enough when the line sits in a far core's cache: on
// a 2-vCPU AMD EPYC VM whose two vCPUs the host sometimes placed where a
// line took 200-280 ns to cross (and sometimes 30-60), the pair cost 80-90
// ns in those runs with the prefetch at any distance from 0 to 2048
// slots. So the writer also evicts every line it has read (g_evict_lines,
// TraceWriter::drain): a lap later the producer's prefetch finds the line
// in memory, which it can hide, and no other cache holds a copy to call
// back. With both, the pair stayed at 34-39 ns in every run.
inline constexpr std::uint64_t kClaimAheadSlots = 32;

// Whether this CPU has a write prefetch: on x86, PREFETCHW (CPUID
// 0x80000001, ECX bit 8: every AMD64 CPU and Intel's since 2014; older
// ones are not promised to take it as a no-op); elsewhere always. Set
// once at start-up, before any event, by detect_line_instructions() (a
// plain global, not a dynamic initializer: weft record's preload library
// must have none), read by every event.
extern bool g_claim_lines;
// Whether the writer hands back each line of a ring it has read, with
// CLFLUSHOPT (CPUID 7, EBX bit 23; x86 only), after it read both slots:
// see TraceWriter::drain. Set beside g_claim_lines.
extern bool g_evict_lines;
void detect_line_instructions();

// A ring is aligned to its cache lines, two slots to a line: no event
// straddles two lines, and a line the writer has read both slots of is one
// the producer has finished with until its next lap.
inline constexpr std::size_t kRingLineBytes = 64;
inline constexpr std::uint64_t kSlotsPerLine = kRingLineBytes / sizeof(RawEvent);
static_assert(kRingLineBytes % sizeof(RawEvent) == 0);

__attribute__((always_inline)) inline void claim_for_writing(const void* p) {
  if (__builtin_expect(!g_claim_lines, 0)) return;
#if defined(__x86_64__) || defined(__i386__)
  // Compilers emit prefetchw for __builtin_prefetch(p, 1) only when told
  // the CPU has it (-mprfchw), which a build for any x86-64 cannot be.
  __asm__ volatile("prefetchw %0" ::"m"(*static_cast<const char*>(p)));
#else
  __builtin_prefetch(p, 1, 3);
#endif
}

// The calling thread's buffer; initial-exec TLS keeps the access one load.
extern constinit thread_local ThreadBuffer* t_buffer __attribute__((tls_model("initial-exec")));

ThreadBuffer* attach_current_thread();  // first event of a thread: registers it
// Makes room for `slots` more slots; false if the event must be dropped.
bool reserve_slow(ThreadBuffer* b, std::uint64_t slots);
std::uint32_t intern_site_slow(ThreadBuffer* b, const source_site& site);

inline ThreadBuffer* current_buffer() {
  ThreadBuffer* b = t_buffer;
  if (__builtin_expect(b == nullptr, 0)) b = attach_current_thread();
  return b;
}

inline std::uint32_t current_thread_id() { return current_buffer()->thread_id; }

// Source locations are interned once per thread and site: a small direct-
// mapped cache turns the (file, function, line) triple into an id.
inline std::uint32_t site_id(ThreadBuffer* b, const source_site& site) {
  const auto key = reinterpret_cast<std::uintptr_t>(site.file) ^ (std::uintptr_t(site.line) * 0x9E3779B1u);
  const SiteCacheEntry& c = b->site_cache[(key ^ (key >> 8)) & (kSiteCacheSize - 1)];
  if (__builtin_expect(c.file == site.file && c.line == site.line && c.function == site.function, 1)) return c.id;
  return intern_site_slow(b, site);
}

// Appends one event to `b`, the calling thread's buffer. `seq` is kSeqNone
// (or format::kNoSeq) for events outside any object order.
//
// Under ThreadSanitizer the ring is weft's, not the program's: a ring passes
// from a thread that ended to the next one started, and its slots, limit and
// site cache with it. TSan must see none of it (tsan_invisible.hpp); in
// other builds the scope is empty and compiles away.
//
// `site` is an interned site id: emit() interns a source_site through the
// thread's cache; weft record's wrappers intern return addresses instead.
//
// `stamp` is the event's time: kStampNow reads the clock (every caller but
// one passes it, a constant the inlining folds away); any other value is a
// time this thread read for its event just before, which the event shares
// (see sync_point_stamped). Returns the time written, or kStampNow if the
// event was dropped.
inline constexpr std::uint64_t kStampNow = ~std::uint64_t{0};
__attribute__((always_inline)) inline std::uint64_t emit_stamped(ThreadBuffer* b, std::uint64_t stamp,
                                                                 std::uint8_t kind, std::uint32_t object,
                                                                 std::uint64_t seq, std::uint64_t arg,
                                                                 std::uint32_t site, std::uint8_t flags) {
  const TsanInvisible invisible;
  std::uint64_t h = b->head.load(std::memory_order_relaxed);
  if (__builtin_expect(h >= b->limit, 0)) {
    if (!reserve_slow(b, 1)) return kStampNow;
    h = b->head.load(std::memory_order_relaxed);  // a drop report may have gone first
  }
  RawEvent& e = b->slots[h & b->mask];
  claim_for_writing(&b->slots[(h + kClaimAheadSlots) & b->mask]);
  const std::uint64_t ticks = stamp == kStampNow ? now() : stamp;
  e.ticks = ticks;
  e.arg = arg;
  e.seq_kind_flags = pack_seq_kind_flags(seq, kind, flags);
  e.object = object;
  e.site = site;
  b->head.store(h + 1, std::memory_order_release);
  return ticks;
}

__attribute__((always_inline)) inline void emit_interned(ThreadBuffer* b, std::uint8_t kind, std::uint32_t object,
                                                         std::uint64_t seq, std::uint64_t arg, std::uint32_t site,
                                                         std::uint8_t flags = 0) {
  emit_stamped(b, kStampNow, kind, object, seq, arg, site, flags);
}

__attribute__((always_inline)) inline void emit(ThreadBuffer* b, std::uint8_t kind, std::uint32_t object,
                                                std::uint64_t seq, std::uint64_t arg, const source_site& site,
                                                std::uint8_t flags = 0) {
  emit_interned(b, kind, object, seq, arg, site_id(b, site), flags);
}

__attribute__((always_inline)) inline void emit(std::uint8_t kind, std::uint32_t object, std::uint64_t seq,
                                                std::uint64_t arg, const source_site& site, std::uint8_t flags = 0) {
  emit(current_buffer(), kind, object, seq, arg, site, flags);
}

// An event carrying text (a mark, a log line, a thread's new name).
void emit_text(std::uint8_t kind, std::uint32_t object, std::string_view text, const source_site& site);
void emit_text_interned(std::uint8_t kind, std::uint32_t object, std::string_view text, std::uint32_t site);

}  // namespace weft::detail
