// Naming things: sync objects and threads get weft ids and metadata records
// that the writer puts in the trace before any event that mentions them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "weft/format/schema.hpp"
#include "weft/site.hpp"

namespace weft::detail {

// Registers a sync object and records its object.create event. An empty
// name is replaced by one derived from kind and id ("mutex#3").
std::uint32_t register_object(format::ObjectKind kind, std::string_view name, const source_site& site,
                              std::uint64_t extra = 0);
// An object other processes of the run know too (a process, a pipe, a
// process-shared mutex): its records carry a run-wide key (SKEY), and
// readers of the run take the objects of one key for one. `key` is
// kNewSharedKey for an object made here (it gets this process's pid and its
// id), or the key another process gave it (a task of a process pool seen
// by the worker that runs it).
inline constexpr std::uint64_t kNewSharedKey = ~std::uint64_t{0};
std::uint32_t register_shared_object(format::ObjectKind kind, std::string_view name, const source_site& site,
                                     std::uint64_t extra, std::uint64_t key);
std::uint64_t shared_key_of(std::uint32_t object);

// Records object.destroy; `in_use` marks destroying a held lock and the like.
void unregister_object(std::uint32_t object, bool in_use, const source_site& site);
std::string object_name(std::uint32_t object);

// Per-thread facts the primitives need. `object` is the thread's own object.
struct thread_ids {
  std::uint32_t id;
  std::uint32_t object;
};

}  // namespace weft::detail
