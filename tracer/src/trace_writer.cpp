#include "trace_writer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <type_traits>

#include "clock.hpp"
#include "explore/scheduler.hpp"
#include "registry.hpp"
#include "trace_file.hpp"
#include "weft/format/chunk_encoder.hpp"
#include "weft/version.hpp"

namespace weft::detail {
namespace {

// Big enough for tens of thousands of events per chunk, small enough that a
// torn last chunk costs little.
constexpr std::size_t kChunkBytes = 1u << 20;

// Writes `line` back to memory and drops it from every cache (CLFLUSHOPT;
// only where g_evict_lines says the CPU has it). Spelled as CLFLUSH with
// its 0x66 prefix, which every assembler takes whatever CPU it builds for.
// Coherent whatever the producer does meanwhile: a line it wrote again is
// written back, not lost.
inline void evict_line(const void* line) noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __asm__ volatile(".byte 0x66; clflush %0" ::"m"(*static_cast<const char*>(line)));
#else
  (void)line;
#endif
}

bool write_all(int fd, const unsigned char* p, std::size_t n) noexcept {
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

// stderr without stdio: usable from crash handlers.
void say(const char* a, const char* b = "", const char* c = "", const char* d = "") noexcept {
  for (const char* s : {a, b, c, d}) (void)!::write(2, s, std::strlen(s));
}

}  // namespace

// A copy would share the chunk buffer (and free it twice) and the file.
static_assert(!std::is_copy_constructible_v<TraceWriter> && !std::is_copy_assignable_v<TraceWriter>);

std::atomic<std::uint64_t> TraceWriter::dropped_after_exit{0};

TraceWriter::TraceWriter(std::string path, const std::vector<std::string>& command_line, const std::string& program,
                         const StartInfo& start, Registry& registry, std::atomic<ThreadBuffer*>& buffers)
    : path_(std::move(path)),
      command_line_(command_line),
      program_(program),
      start_(start),
      registry_(registry),
      buffers_(buffers),
      // Not zeroed: every chunk is encoded before it is written.
      chunk_(std::make_unique_for_overwrite<unsigned char[]>(kChunkBytes)) {
  index_.reserve(1024);
}

TraceWriter::~TraceWriter() = default;

void TraceWriter::report(const char* what, int err) {
  say("weft: ", what, path_.c_str(), ": ");
  say(std::strerror(err), "; events from here on are not saved\n");
}

bool TraceWriter::ensure_open(bool crashing) {
  if (fd_ >= 0) return true;
  if (failed_ || finalized_) return false;
  // Creating and publishing the file are plain system calls (trace_file.hpp),
  // safe in a crash handler; only following a symbolic link and the
  // fallback name allocate.
  // A trace is a file: a device (/dev/full) or a FIFO at the path is said
  // so, never replaced.
  struct stat st {};
  if (::stat(path_.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    failed_ = true;
    say("weft: cannot write the trace to ", path_.c_str(),
        ": not a regular file (a directory, a device or a FIFO); events from here on are not saved\n");
    return false;
  }
  // A trace written through a symbolic link goes where the link points.
  if (!crashing && ::lstat(path_.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
    if (char* target = ::realpath(path_.c_str(), nullptr)) {
      path_ = target;
      std::free(target);
    }
  }
  UnpublishedFile file = create_unpublished(path_.c_str());
  if (file.fd < 0 && errno == EACCES) {
    // A directory this process may not add to, with a file at the path it
    // may write (made for it beforehand): written where it is.
    if (const int fd = open_in_place(path_.c_str()); fd >= 0) {
      fd_ = fd;
      write_preamble();
      return !failed_;
    }
    if (errno == ENOENT) errno = EACCES;  // no such file: the directory's refusal is the reason
  }
  if (file.fd < 0) {
    failed_ = true;
    report("cannot write the trace to ", errno);
    return false;
  }
  fd_ = file.fd;
  write_preamble();  // says so itself when it fails
  Published published = failed_ ? Published::failed : publish(file, path_.c_str());
  if (published == Published::taken && !crashing) {
    const std::string taken = path_;
    path_ = with_pid(path_);
    published = publish(file, path_.c_str());
    if (published == Published::done)
      say("weft: ", taken.c_str(), " is being written by another process; this one traces to ",
          (path_ + "\n").c_str());
  }
  if (published != Published::done) {
    const int err = published == Published::taken ? EWOULDBLOCK : errno;
    if (!failed_) report("cannot write the trace to ", err);
    failed_ = true;
    abandon(file);
    fd_ = -1;
    return false;
  }
  return true;
}

void TraceWriter::write_chunk(std::span<const unsigned char> bytes) {
  if (failed_ || bytes.empty()) return;
  if (!write_all(fd_, bytes.data(), bytes.size())) {
    failed_ = true;
    report("writing the trace failed: ", errno);
    return;
  }
  offset_ += bytes.size();
}

void TraceWriter::write_preamble() {
  unsigned char header[format::kFileHeaderSize];
  format::encode_file_header(header);
  write_chunk(header);

  format::ChunkEncoder enc(chunk_.get(), kChunkBytes);
  format::ByteWriter& meta = enc.begin(format::ChunkType::Meta);
  format::encode_meta_string(meta, format::MetaKey::Program, program_);
  for (const std::string& arg : command_line_)
    format::encode_meta_string(meta, format::MetaKey::Argument, std::string_view(arg).substr(0, 4096));
  format::encode_meta_uint(meta, format::MetaKey::Pid, start_.pid);
  format::encode_meta_uint(meta, format::MetaKey::StartWallNs, start_.wall_ns);
  format::encode_meta_string(meta, format::MetaKey::ClockName, clock_name());
  // The TSC's rate is measured from the CLCK pairs; a steady clock counts ns.
  format::encode_meta_f64(meta, format::MetaKey::TicksPerSecond, g_clock_is_tsc ? 0.0 : 1e9);
  format::encode_meta_uint(meta, format::MetaKey::StartTicks, start_.ticks);
  format::encode_meta_string(meta, format::MetaKey::WeftVersion, kVersion);
  format::encode_meta_string(meta, format::MetaKey::Hostname, start_.hostname);
  format::encode_meta_uint(meta, format::MetaKey::RunId, start_.run_id);
  if (start_.parent_pid != 0) format::encode_meta_uint(meta, format::MetaKey::ParentPid, start_.parent_pid);
  if (!start_.process_name.empty())
    format::encode_meta_string(meta, format::MetaKey::ProcessName, std::string_view(start_.process_name).substr(0, 1024));
  format::encode_meta_string(meta, format::MetaKey::RunRoot, std::string_view(start_.run_root).substr(0, 4096));
  write_chunk(enc.finish());

  format::encode_kind_table(enc.begin(format::ChunkType::Kinds));
  write_chunk(enc.finish());

  format::encode_clock(enc.begin(format::ChunkType::Clock), start_.ticks, start_.monotonic_ns);
  write_chunk(enc.finish());
}

void TraceWriter::write_clock() {
  format::ChunkEncoder enc(chunk_.get(), kChunkBytes);
  format::encode_clock(enc.begin(format::ChunkType::Clock), now(), monotonic_ns());
  write_chunk(enc.finish());
}

// Writes the records published since the last round, in id order, as many
// per chunk as fit.
void TraceWriter::emit_metadata() {
  format::ChunkEncoder enc(chunk_.get(), kChunkBytes);
  auto emit_table = [&](format::ChunkType type, std::uint32_t& emitted, std::uint32_t published, auto&& encode_one) {
    if (emitted >= published) return;
    format::ByteWriter* w = &enc.begin(type);
    while (emitted < published) {
      const std::size_t mark = w->size();
      encode_one(*w, emitted);
      if (w->overflowed()) {
        w->rewind(mark);
        write_chunk(enc.finish());
        w = &enc.begin(type);
        continue;  // a record always fits an empty chunk: names are clipped
      }
      ++emitted;
    }
    write_chunk(enc.finish());
  };

  // Addresses (weft record) go in ADDR chunks after the records they
  // annotate: one per round and table, only when some record has one.
  auto emit_addresses = [&](format::AddressOf of, std::uint32_t from, std::uint32_t to, auto&& address_of) {
    format::ByteWriter* w = nullptr;
    for (std::uint32_t id = from; id < to; ++id) {
      const std::uint64_t address = address_of(id);
      if (address == 0) continue;
      if (w == nullptr) w = &enc.begin(format::ChunkType::Address);
      const std::size_t mark = w->size();
      format::encode_address(*w, {of, id, address});
      if (w->overflowed()) {
        w->rewind(mark);
        write_chunk(enc.finish());
        w = &enc.begin(format::ChunkType::Address);
        format::encode_address(*w, {of, id, address});
      }
    }
    if (w != nullptr) write_chunk(enc.finish());
  };

  auto& modules = registry_.modules();
  emit_table(format::ChunkType::Module, emitted_modules_, modules.size(), [&](format::ByteWriter& w, std::uint32_t id) {
    const ModuleEntry& m = modules[id];
    format::encode_module(w, {id, m.base, m.low, m.high, m.path, m.build_id});
  });
  auto& objects = registry_.objects();
  const std::uint32_t objects_from = emitted_objects_;
  emit_table(format::ChunkType::Object, emitted_objects_, objects.size(), [&](format::ByteWriter& w, std::uint32_t id) {
    const ObjectEntry& o = objects[id];
    format::encode_object(w, {id, o.kind, o.flags, o.site, o.creator, o.extra, o.name});
  });
  auto& sites = registry_.sites();
  const std::uint32_t sites_from = emitted_sites_;
  emit_table(format::ChunkType::Site, emitted_sites_, sites.size(), [&](format::ByteWriter& w, std::uint32_t id) {
    const SiteEntry& s = sites[id];
    format::encode_site(w, {id, s.line, s.file, s.function});
  });
  emit_addresses(format::AddressOf::Object, objects_from, emitted_objects_,
                 [&](std::uint32_t id) { return objects[id].address; });
  emit_addresses(format::AddressOf::Site, sites_from, emitted_sites_, [&](std::uint32_t id) { return sites[id].address; });
  // Run-wide keys of the objects other processes know, in one SKEY chunk
  // (or more) per round that has any.
  {
    format::ByteWriter* w = nullptr;
    for (std::uint32_t id = objects_from; id < emitted_objects_; ++id) {
      const std::uint64_t key = objects[id].shared_key;
      if (key == 0) continue;
      if (w == nullptr) w = &enc.begin(format::ChunkType::SharedKey);
      const std::size_t mark = w->size();
      format::encode_shared_key(*w, {id, key});
      if (w->overflowed()) {
        w->rewind(mark);
        write_chunk(enc.finish());
        w = &enc.begin(format::ChunkType::SharedKey);
        format::encode_shared_key(*w, {id, key});
      }
    }
    if (w != nullptr) write_chunk(enc.finish());
  }
  auto& threads = registry_.threads();
  emit_table(format::ChunkType::Thread, emitted_threads_, threads.size(), [&](format::ByteWriter& w, std::uint32_t id) {
    const ThreadEntry& t = threads[id];
    format::encode_thread(w, {id, t.os_tid.load(std::memory_order_relaxed), t.parent, t.object, t.flags, t.initial_name});
  });
}

void TraceWriter::drain(ThreadBuffer& b, std::uint64_t head, bool crashing) {
  std::uint64_t tail = b.tail.load(std::memory_order_relaxed);
  if (tail == head) return;
  const std::uint32_t thread = b.owner_id.load(std::memory_order_relaxed);
  format::ChunkEncoder chunk(chunk_.get(), kChunkBytes);
  format::EventChunkEncoder enc(chunk);
  char text[kMaxTextBytes];

  auto finish_chunk = [&] {
    const std::uint64_t at = offset_;
    const format::IndexEntry entry{at, thread, enc.count(), enc.first_ticks(), enc.last_ticks()};
    write_chunk(enc.finish());
    events_written_ += entry.count;
    // Growing the index allocates: not in a crash (the END then has no index
    // and readers scan instead).
    if (!crashing) index_.push_back(entry);
  };

  // Read once: they share a cache line with the producer's `head`, which it
  // stores on every event; reading them per event bounced that line between
  // the two cores and slowed both threads (the producer's record cost fell
  // from 38 ns to about half when this moved out of the loop).
  const RawEvent* const slots = b.slots;
  const std::uint64_t mask = b.mask;
  // Each line is evicted once both its slots are read (event_buffer.hpp,
  // kClaimAheadSlots): the one holding `head`, half written, waits for the
  // next drain. Lines from here on are not evicted yet.
  std::uint64_t unevicted = tail - tail % kSlotsPerLine;
  const bool evicting = g_evict_lines;
  enc.begin(thread);
  while (tail < head) {
    const RawEvent& raw = slots[tail & mask];
    format::EventRecord rec;
    rec.ticks = raw.ticks;
    rec.arg = raw.arg;
    const std::uint64_t seq = raw.seq_kind_flags & kSeqNone;
    rec.seq = seq == kSeqNone ? format::kNoSeq : seq;
    rec.kind = static_cast<std::uint8_t>(raw.seq_kind_flags >> 48);
    rec.flags = static_cast<std::uint8_t>(raw.seq_kind_flags >> 56);
    rec.object = raw.object;
    rec.site = raw.site;
    std::uint64_t used = 1;
    if (format::kind_layout(rec.kind) & format::kLayoutText) {
      const std::size_t len = raw.arg < kMaxTextBytes ? raw.arg : kMaxTextBytes;
      for (std::size_t i = 0; i < len; i += sizeof(RawEvent)) {
        const std::size_t n = len - i < sizeof(RawEvent) ? len - i : sizeof(RawEvent);
        std::memcpy(text + i, &slots[(tail + 1 + i / sizeof(RawEvent)) & mask], n);
      }
      rec.text = std::string_view(text, len);
      rec.arg = 0;
      used += text_slots(len);
    }
    if (rec.kind == static_cast<std::uint8_t>(format::EventKind::TraceDropped)) dropped_reported_ += rec.arg;
    if (!enc.add(rec)) {
      finish_chunk();
      enc.begin(thread);
      enc.add(rec);  // fits an empty chunk: texts are clipped far below its size
    }
    tail += used;
    for (; evicting && unevicted + kSlotsPerLine <= tail; unevicted += kSlotsPerLine) evict_line(&slots[unevicted & mask]);
  }
  finish_chunk();
  b.tail.store(head, std::memory_order_release);
}

// Without a file, events still have to leave the rings, or producers that
// block on a full ring would wait forever.
void TraceWriter::discard() {
  for (ThreadBuffer* b = buffers_.load(std::memory_order_acquire); b; b = b->next) {
    const BufferState state = b->state.load(std::memory_order_acquire);
    b->tail.store(b->head.load(std::memory_order_acquire), std::memory_order_release);
    if (state == BufferState::Finished) b->state.store(BufferState::Free, std::memory_order_release);
  }
}

void TraceWriter::flush(bool crashing) {
  if (finalized_) return;
  if (!ensure_open(crashing)) {
    discard();
    return;
  }
  // Heads first: every record those events mention was published before
  // them, so the metadata read next covers them all.
  ThreadBuffer* const first = buffers_.load(std::memory_order_acquire);
  for (ThreadBuffer* b = first; b; b = b->next) {
    b->writer_state = b->state.load(std::memory_order_acquire);
    b->writer_head = b->head.load(std::memory_order_acquire);
  }
  emit_metadata();
  for (ThreadBuffer* b = first; b; b = b->next) {
    if (b->writer_state == BufferState::Free) continue;
    drain(*b, b->writer_head, crashing);
    if (b->writer_state == BufferState::Finished) b->state.store(BufferState::Free, std::memory_order_release);
  }
  write_clock();
  if (failed_) discard();
}

void TraceWriter::finalize(format::EndReason reason, std::uint64_t status, bool crashing) {
  if (finalized_) return;
  flush(crashing);
  if (fd_ >= 0 && !failed_) {
    format::ChunkEncoder enc(chunk_.get(), kChunkBytes);
    write_schedule(enc, crashing);
    std::uint64_t index_offset = 0;
    if (!crashing && !index_.empty()) {
      index_offset = offset_;
      format::ByteWriter* w = &enc.begin(format::ChunkType::Index);
      for (const format::IndexEntry& e : index_) {
        const std::size_t mark = w->size();
        format::encode_index_entry(*w, e);
        if (w->overflowed()) {  // consecutive INDX chunks, read as one
          w->rewind(mark);
          write_chunk(enc.finish());
          w = &enc.begin(format::ChunkType::Index);
          format::encode_index_entry(*w, e);
        }
      }
      write_chunk(enc.finish());
    }
    std::uint64_t dropped = dropped_reported_ + dropped_after_exit.load(std::memory_order_relaxed);
    for (ThreadBuffer* b = buffers_.load(std::memory_order_acquire); b; b = b->next)
      dropped += b->dropped.load(std::memory_order_relaxed);
    format::encode_end(enc.begin(format::ChunkType::End), {reason, status, events_written_, dropped, index_offset});
    write_chunk(enc.finish());
  }
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  finalized_ = true;
}

// A run made by the controlled scheduler: its decisions, in as many SCHD
// chunks as they need (read as one), before the index and the END record.
// Also in a crash: a run of weft explore that dies of a failed assert or a
// fault is what it found, and its replay needs the decisions (without
// them explore could only say the run "left no complete trace").
void TraceWriter::write_schedule(format::ChunkEncoder& enc, bool crashing) {
  explore::Scheduler* scheduler = explore::scheduler();
  if (scheduler == nullptr) return;
  const auto write = [&](const format::Schedule& s, const std::vector<format::ScheduleDecision>& decisions) {
    format::ByteWriter* w = &enc.begin(format::ChunkType::Schedule);
    format::encode_schedule_settings(*w, s);
    for (const format::ScheduleDecision& d : decisions) {
      const std::size_t mark = w->size();
      format::encode_schedule_decision(*w, d, s.enabled_recorded);
      if (w->overflowed()) {
        w->rewind(mark);
        write_chunk(enc.finish());
        w = &enc.begin(format::ChunkType::Schedule);
        format::encode_schedule_decision(*w, d, s.enabled_recorded);
      }
    }
    write_chunk(enc.finish());
  };
  if (crashing) {
    scheduler->record_in_crash(write);
    return;
  }
  const format::Schedule s = scheduler->record();
  write(s, s.decisions);
}

void TraceWriter::restart_in_child(std::string path) {
  if (fd_ >= 0) ::close(fd_);  // the parent's lock stays: it belongs to the parent's descriptor too
  fd_ = -1;
  path_ = std::move(path);
  failed_ = false;
  finalized_ = false;
  offset_ = 0;
  emitted_threads_ = 0;
  emitted_objects_ = 1;
  emitted_sites_ = 1;
  emitted_modules_ = 1;
  index_.clear();
  events_written_ = 0;
  dropped_reported_ = 0;
}

void TraceWriter::retarget(const std::string& path) {
  if (path.empty()) throw std::runtime_error("weft::trace_to: empty path");
  if (finalized_) throw std::runtime_error("weft::trace_to: the trace is already complete");
  // As ensure_open: a trace is a file. The move below is a rename, which
  // would put the trace in the place of a device or a FIFO: run as root,
  // trace_to("/dev/null") replaced the system's /dev/null with a file.
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
    throw std::runtime_error("weft::trace_to: " + path +
                             " is not a regular file (a directory, a device or a FIFO): a trace never replaces one");
  if (fd_ < 0) {
    path_ = path;
    failed_ = false;
    return;
  }
  if (path != path_ && written_by_another(path.c_str()))
    throw std::runtime_error("weft::trace_to: " + path + " is being written by another process");
  // The lock belongs to the open file, so it moves with it.
  if (::rename(path_.c_str(), path.c_str()) == 0) {
    path_ = path;
    return;
  }
  if (errno != EXDEV)
    throw std::runtime_error("weft::trace_to: cannot move " + path_ + " to " + path + ": " + std::strerror(errno));
  // Another file system: copy what is written so far, then carry on there.
  UnpublishedFile to = create_unpublished(path.c_str());
  if (to.fd < 0) throw std::runtime_error("weft::trace_to: cannot write " + path + ": " + std::strerror(errno));
  std::uint64_t copied = 0;
  while (copied < offset_) {
    const std::size_t n = offset_ - copied < kChunkBytes ? static_cast<std::size_t>(offset_ - copied) : kChunkBytes;
    const ssize_t got = ::pread(fd_, chunk_.get(), n, static_cast<off_t>(copied));
    if (got <= 0 || !write_all(to.fd, chunk_.get(), static_cast<std::size_t>(got))) {
      const int err = got < 0 ? errno : EIO;
      abandon(to);
      throw std::runtime_error("weft::trace_to: copying the trace to " + path + " failed: " + std::strerror(err));
    }
    copied += static_cast<std::uint64_t>(got);
  }
  const Published published = publish(to, path.c_str());
  if (published != Published::done) {
    const int err = errno;
    abandon(to);
    throw std::runtime_error("weft::trace_to: " +
                             (published == Published::taken ? path + " is being written by another process"
                                                            : "cannot write " + path + ": " + std::strerror(err)));
  }
  ::close(fd_);
  ::unlink(path_.c_str());
  fd_ = to.fd;
  path_ = path;
}

}  // namespace weft::detail
