// Drains the threads' event rings into the trace file.
//
// Every round: note each ring's head, write the metadata records published
// so far (which covers everything those events mention), then encode each
// ring's events up to the noted head as EVTS chunks and hand the space back.
// The same code runs on the writer thread and in crash handlers, so it does
// not allocate, lock or call anything but write(2)-class functions while
// `crashing` is set. Callers hold the FlushLock.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "weft/detail/event_buffer.hpp"
#include "weft/format/chunk_encoder.hpp"
#include "weft/format/records.hpp"

namespace weft::detail {

class Registry;

struct StartInfo {
  std::uint64_t ticks = 0;
  std::uint64_t monotonic_ns = 0;
  std::uint64_t wall_ns = 0;
  std::uint64_t pid = 0;
  std::string hostname;
  // The run this process belongs to (MetaKey::RunId and after): the same id
  // in every process of one run; the first process's trace path, from which
  // the others' are derived; who started this process, and its given name.
  std::uint64_t run_id = 0;
  std::uint64_t parent_pid = 0;
  std::string run_root;
  std::string process_name;
};

class TraceWriter {
 public:
  TraceWriter(std::string path, const std::vector<std::string>& command_line, const std::string& program,
              const StartInfo& start, Registry& registry, std::atomic<ThreadBuffer*>& buffers);
  ~TraceWriter();
  // One writer per trace: it owns the chunk buffer and the file, and refers
  // to the runtime's registry and rings.
  TraceWriter(const TraceWriter&) = delete;
  TraceWriter& operator=(const TraceWriter&) = delete;

  void flush(bool crashing);
  void finalize(format::EndReason reason, std::uint64_t status, bool crashing);
  bool finalized() const { return finalized_; }

  // Moves the trace to `path`, also when it is already being written.
  // Throws std::runtime_error naming the problem.
  void retarget(const std::string& path);
  const std::string& path() const { return path_; }
  // In a followed child of fork(): leaves the parent's file to the parent
  // and starts a new trace at `path`, every record written anew.
  void restart_in_child(std::string path);

  // Events lost after their thread ended (see thread_buffer.cpp).
  static std::atomic<std::uint64_t> dropped_after_exit;

 private:
  bool ensure_open(bool crashing);
  void write_preamble();
  void emit_metadata();
  void drain(ThreadBuffer& b, std::uint64_t head, bool crashing);
  void discard();
  void write_chunk(std::span<const unsigned char> bytes);
  void write_schedule(format::ChunkEncoder& enc, bool crashing);
  void write_clock();
  void report(const char* what, int err);

  std::string path_;
  const std::vector<std::string>& command_line_;
  const std::string& program_;
  const StartInfo& start_;
  Registry& registry_;
  std::atomic<ThreadBuffer*>& buffers_;

  int fd_ = -1;
  bool failed_ = false;     // could not open or write: drain and discard
  bool finalized_ = false;
  std::uint64_t offset_ = 0;
  std::unique_ptr<unsigned char[]> chunk_;  // kChunkBytes, where every chunk is encoded
  std::uint32_t emitted_threads_ = 0;
  std::uint32_t emitted_objects_ = 1;  // id 0 is the "none" placeholder
  std::uint32_t emitted_sites_ = 1;
  std::uint32_t emitted_modules_ = 1;  // id 0 unused
  std::vector<format::IndexEntry> index_;
  std::uint64_t events_written_ = 0;
  std::uint64_t dropped_reported_ = 0;
};

}  // namespace weft::detail
