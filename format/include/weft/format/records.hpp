// The records a trace is made of, as the writer hands them to the encoder.
// Strings are views: the encoder copies them into the chunk.
#pragma once

#include <cstdint>
#include <string_view>

#include "weft/format/schema.hpp"

namespace weft::format {

struct ThreadRecord {
  std::uint32_t id = 0;           // weft's dense thread id
  std::uint64_t os_tid = 0;
  std::uint32_t parent = 0;       // parent thread id + 1, 0 if unknown
  std::uint32_t object = 0;       // the thread's own object id
  std::uint8_t flags = 0;         // ThreadFlag
  std::string_view name;
};

struct ObjectRecord {
  std::uint32_t id = 0;           // 1-based; 0 means "no object"
  ObjectKind kind = ObjectKind::Mutex;
  std::uint8_t flags = 0;
  std::uint32_t site = 0;         // where it was created
  std::uint32_t creator = 0;      // thread id
  std::uint64_t extra = 0;        // kind-specific: capacity, parties, initial value
  std::string_view name;
};

struct SiteRecord {
  std::uint32_t id = 0;           // 1-based; 0 means "unknown site"
  std::uint32_t line = 0;
  std::string_view file;
  std::string_view function;
};

// A module (the executable or a shared library) mapped into the program.
struct ModuleRecord {
  std::uint32_t id = 0;           // 1-based, dense
  std::uint64_t base = 0;         // load bias: run-time address - link-time address
  std::uint64_t low = 0;          // the mapped address range [low, high)
  std::uint64_t high = 0;
  std::string_view path;
  std::string_view build_id;      // raw bytes of NT_GNU_BUILD_ID, empty if none
};

struct AddressRecord {
  AddressOf of = AddressOf::Site;
  std::uint32_t id = 0;           // the site's or the object's id
  std::uint64_t address = 0;
};

// An object another process of the run knows too (SKEY chunk).
struct SharedKeyRecord {
  std::uint32_t object = 0;
  std::uint64_t key = 0;          // run-wide: (creating process's pid << 32) | its object id there
};

struct EventRecord {
  std::uint64_t ticks = 0;        // raw clock reading
  std::uint64_t seq = kNoSeq;     // per-object sequence, kNoSeq if none
  std::uint64_t arg = 0;
  std::uint32_t object = 0;
  std::uint32_t site = 0;
  std::uint8_t kind = 0;
  std::uint8_t flags = 0;
  std::string_view text;
};

struct IndexEntry {
  std::uint64_t offset = 0;       // of the EVTS chunk header in the file
  std::uint32_t thread = 0;
  std::uint32_t count = 0;
  std::uint64_t first_ticks = 0;
  std::uint64_t last_ticks = 0;
};

struct EndRecord {
  EndReason reason = EndReason::Exit;
  std::uint64_t status = 0;       // signal number for EndReason::Signal
  std::uint64_t events = 0;       // events written
  std::uint64_t dropped = 0;      // events lost to full buffers
  std::uint64_t index_offset = 0; // of the INDX chunk, 0 if none
};

}  // namespace weft::format
