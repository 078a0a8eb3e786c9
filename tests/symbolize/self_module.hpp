// The test executable as `weft record` would describe it in a trace's module
// map: load bias, the span of its PT_LOAD segments, its path and its GNU
// build id, read from the running process.
#pragma once

#include <elf.h>
#include <link.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>

#include "weft/format/trace.hpp"

namespace weft::symbolize::test {

struct Self {
  format::ModuleInfo module;
  std::uint64_t code_low = 0, code_high = 0;  // its executable segment
};

inline int find_self(dl_phdr_info* info, std::size_t, void* data) {
  auto& self = *static_cast<Self*>(data);
  format::ModuleInfo& m = self.module;
  m.base = info->dlpi_addr;
  m.low = std::numeric_limits<std::uint64_t>::max();
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    const std::uint64_t start = info->dlpi_addr + ph.p_vaddr;
    if (ph.p_type == PT_LOAD) {
      m.low = std::min<std::uint64_t>(m.low, start);
      m.high = std::max<std::uint64_t>(m.high, start + ph.p_memsz);
      if (ph.p_flags & PF_X) {
        self.code_low = start;
        self.code_high = start + ph.p_memsz;
      }
    } else if (ph.p_type == PT_NOTE) {
      const auto* p = reinterpret_cast<const unsigned char*>(start);
      const unsigned char* end = p + ph.p_memsz;
      const auto align4 = [](std::size_t n) { return (n + 3) & ~std::size_t{3}; };
      while (p + sizeof(ElfW(Nhdr)) <= end) {
        const auto* note = reinterpret_cast<const ElfW(Nhdr)*>(p);
        const unsigned char* name = p + sizeof(ElfW(Nhdr));
        const unsigned char* desc = name + align4(note->n_namesz);
        const bool gnu = note->n_namesz == 4 && std::string(reinterpret_cast<const char*>(name), 3) == "GNU";
        if (gnu && note->n_type == NT_GNU_BUILD_ID)
          m.build_id.assign(reinterpret_cast<const char*>(desc), note->n_descsz);
        p = desc + align4(note->n_descsz);
      }
    }
  }
  return 1;  // the first entry is the executable itself
}

inline const Self& self() {
  static const Self s = [] {
    Self found;
    dl_iterate_phdr(find_self, &found);
    char path[4096];
    const ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
    found.module.path.assign(path, n > 0 ? static_cast<std::size_t>(n) : 0);
    found.module.id = 1;
    return found;
  }();
  return s;
}

}  // namespace weft::symbolize::test
