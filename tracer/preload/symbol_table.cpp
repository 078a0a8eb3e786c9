#include "symbol_table.hpp"

#include <elf.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <new>
#include <vector>

namespace weft::preload {
namespace {

// A T copied out of the image at `offset`, if it lies wholly inside.
template <class T>
bool read_at(const unsigned char* data, std::size_t size, std::uint64_t offset, T& out) noexcept {
  if (offset > size || size - offset < sizeof(T)) return false;
  std::memcpy(&out, data + offset, sizeof(T));
  return true;
}

// A section's bytes lie wholly inside the image.
bool inside(const Elf64_Shdr& s, std::size_t size) noexcept {
  return s.sh_type != SHT_NOBITS && s.sh_offset <= size && s.sh_size <= size - s.sh_offset;
}

// One <length><identifier> of a mangled name at the front of `s`, taken
// off it; empty if `s` does not start with one.
std::string_view take_source_name(std::string_view& s) noexcept {
  std::size_t i = 0, length = 0;
  while (i < s.size() && i < 6 && s[i] >= '0' && s[i] <= '9') length = length * 10 + std::size_t(s[i++] - '0');
  if (i == 0 || length > s.size() - i) return {};
  const std::string_view name = s.substr(i, length);
  s.remove_prefix(i + length);
  return name;
}

// libstdc++'s waits on a word of memory (atomic_wait.h, semaphore_base.h,
// latch, barrier, atomic_futex.h): the functions between a std::latch::wait
// or std::future::get of the program's and the futex system call. None runs
// the program's code (a std::barrier's completion does, but it is a
// function object of its own, called, not inlined into these).
bool is_atomic_wait_symbol(std::string_view encoding) noexcept {
  static constexpr std::string_view kFreeFunctions[] = {"__atomic_wait_address", "__atomic_notify_address"};
  static constexpr std::string_view kClasses[] = {"__atomic_semaphore", "__tree_barrier", "__atomic_base", "atomic",
                                                  "atomic_flag", "__atomic_impl", "__atomic_futex_unsigned",
                                                  "__basic_future", "future", "shared_future", "promise"};
  static constexpr std::string_view kDetail[] = {"__platform_wait", "__platform_notify", "__waiter", "__timed_waiter",
                                                 "__atomic_spin", "__cond_wait_until", "__bare_wait"};
  if (encoding.starts_with("St")) {  // a free function of std
    encoding.remove_prefix(2);
    const std::string_view name = take_source_name(encoding);
    for (std::string_view f : kFreeFunctions)
      if (name.starts_with(f)) return true;
    return false;
  }
  for (std::string_view nested : {"NSt", "NKSt"}) {
    if (!encoding.starts_with(nested)) continue;
    encoding.remove_prefix(nested.size());
    const std::string_view name = take_source_name(encoding);
    for (std::string_view c : kClasses)
      if (name == c) return true;
    if (name == "__future_base") return take_source_name(encoding) == "_State_baseV2";
    if (name != "__detail") return false;
    const std::string_view inner = take_source_name(encoding);
    for (std::string_view d : kDetail)
      if (inner.starts_with(d)) return true;
    return false;
  }
  return false;
}

}  // namespace

// Only the standard library's thread, lock and wait wrappers: the functions
// that call pthread or the futex on the program's behalf. Not every std:: function: a lambda
// of the program's inlined into std::thread's _State_impl::_M_run, or into
// std::for_each, runs inside a std:: symbol but is the program's own code;
// taking it for a wrapper would unwind on every lock and lose its line.
bool is_wrapper_symbol(std::string_view name) noexcept {
  if (name.starts_with("__gthread_")) return true;
  if (!name.starts_with("_Z")) return false;
  std::string_view encoding = name.substr(2);
  // A local entity of such a function (the lambda in scoped_lock's
  // destructor, _ZZNSt11scoped_lock...E...) is one too.
  if (encoding.starts_with("Z")) encoding.remove_prefix(1);
  // Nested names: N (or NK, const members) St <length><class>...
  static constexpr std::string_view kClasses[] = {
      "5mutex", "15recursive_mutex", "11timed_mutex", "21recursive_timed_mutex", "12shared_mutex",
      "18shared_timed_mutex", "22__shared_mutex_pthread", "10lock_guard", "11unique_lock", "11scoped_lock",
      "11shared_lock", "6threadC", "18condition_variable", "3_V222condition_variable_any", "22condition_variable_any",
      "8__condvar", "13__timed_mutex_impl", "16counting_semaphore", "5latch", "7barrier"};
  for (std::string_view nested : {"NSt", "NKSt"})
    if (encoding.starts_with(nested))
      for (std::string_view c : kClasses)
        if (encoding.substr(nested.size()).starts_with(c)) return true;
  if (is_atomic_wait_symbol(encoding)) return true;
  // Free function templates: std::lock, std::try_lock, std::call_once.
  for (std::string_view f : {"St4lock", "St8try_lock", "St9call_once"})
    if (encoding.starts_with(f)) return true;
  // A static (internal) function is _ZL<length><name>: libstdc++'s static
  // inline __gthread_mutex_lock is _ZL20__gthread_mutex_lockP15pthread_mutex_t.
  if (!encoding.starts_with("L")) return false;
  std::size_t i = 1;
  while (i < encoding.size() && encoding[i] >= '0' && encoding[i] <= '9') ++i;
  return i > 1 && encoding.substr(i).starts_with("__gthread_");
}

wrapper_ranges::~wrapper_ranges() { delete[] ranges_; }

void wrapper_ranges::destroy(const wrapper_ranges* table) noexcept { delete table; }

namespace {

// Where an image's symbols are: .symtab (every symbol, local ones too),
// else .dynsym (the exported), and their names.
struct symbol_view {
  const unsigned char* symbols = nullptr;  // `count` Elf64_Sym, unaligned
  std::uint64_t count = 0;
  const char* names = nullptr;
  std::uint64_t names_size = 0;

  // Symbol `s`'s name, or empty if it does not lie inside the name table.
  std::string_view name(const Elf64_Sym& s) const noexcept {
    if (s.st_name >= names_size) return {};
    const char* n = names + s.st_name;
    const void* nul = std::memchr(n, 0, names_size - s.st_name);
    return nul == nullptr ? std::string_view() : std::string_view(n, std::size_t(static_cast<const char*>(nul) - n));
  }
  Elf64_Sym at(std::uint64_t k) const noexcept {
    Elf64_Sym sym;
    std::memcpy(&sym, symbols + k * sizeof(Elf64_Sym), sizeof sym);
    return sym;
  }
};

// The symbols of the ELF64 image `data` of `size` bytes; false if it has
// no usable table. Every offset is checked against `size`.
bool find_symbols(const unsigned char* data, std::size_t size, symbol_view& out) noexcept {
  Elf64_Ehdr eh;
  if (data == nullptr || !read_at(data, size, 0, eh)) return false;
  if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64) return false;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  if (eh.e_ident[EI_DATA] != ELFDATA2LSB) return false;
#else
  if (eh.e_ident[EI_DATA] != ELFDATA2MSB) return false;
#endif
  if (eh.e_shoff == 0 || eh.e_shentsize != sizeof(Elf64_Shdr)) return false;

  // More than SHN_LORESERVE sections: the count is in section 0's sh_size.
  std::uint64_t shnum = eh.e_shnum;
  if (shnum == 0) {
    Elf64_Shdr first;
    if (!read_at(data, size, eh.e_shoff, first)) return false;
    shnum = first.sh_size;
  }
  if (eh.e_shoff > size || shnum > (size - eh.e_shoff) / sizeof(Elf64_Shdr)) return false;
  const auto section = [&](std::uint64_t i, Elf64_Shdr& s) {
    return i < shnum && read_at(data, size, eh.e_shoff + i * sizeof(Elf64_Shdr), s);
  };

  Elf64_Shdr symtab{}, dynsym{};
  bool have_symtab = false, have_dynsym = false;
  for (std::uint64_t i = 1; i < shnum; ++i) {
    Elf64_Shdr s;
    if (!section(i, s)) return false;
    if (s.sh_type == SHT_SYMTAB && !have_symtab) symtab = s, have_symtab = true;
    if (s.sh_type == SHT_DYNSYM && !have_dynsym) dynsym = s, have_dynsym = true;
  }
  if (!have_symtab && !have_dynsym) return false;
  const Elf64_Shdr& syms = have_symtab ? symtab : dynsym;
  Elf64_Shdr strs;
  if (!section(syms.sh_link, strs) || strs.sh_type != SHT_STRTAB) return false;
  if (!inside(syms, size) || !inside(strs, size) || syms.sh_entsize != sizeof(Elf64_Sym)) return false;
  out.symbols = data + syms.sh_offset;
  out.count = syms.sh_size / sizeof(Elf64_Sym);
  out.names = reinterpret_cast<const char*>(data + strs.sh_offset);
  out.names_size = strs.sh_size;
  return true;
}

// The file at `path` mapped read-only, for one look-up.
class mapped_file {
 public:
  explicit mapped_file(const char* path) noexcept {
    if (path == nullptr || *path == '\0') return;
    const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    struct stat st;
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= static_cast<off_t>(sizeof(Elf64_Ehdr))) {
      void* map = ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
      if (map != MAP_FAILED) {
        data_ = static_cast<const unsigned char*>(map);
        size_ = static_cast<std::size_t>(st.st_size);
      }
    }
    ::close(fd);
  }
  ~mapped_file() {
    if (data_ != nullptr) ::munmap(const_cast<unsigned char*>(data_), size_);
  }
  mapped_file(const mapped_file&) = delete;
  mapped_file& operator=(const mapped_file&) = delete;
  const unsigned char* data() const noexcept { return data_; }
  std::size_t size() const noexcept { return size_; }

 private:
  const unsigned char* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace

const wrapper_ranges* wrapper_ranges::parse(const unsigned char* data, std::size_t size, std::uintptr_t bias) noexcept {
  symbol_view view;
  if (!find_symbols(data, size, view)) return nullptr;
  try {
    std::vector<range> found;
    for (std::uint64_t k = 1; k < view.count; ++k) {  // symbol 0 is the null symbol
      const Elf64_Sym s = view.at(k);
      if (ELF64_ST_TYPE(s.st_info) != STT_FUNC || s.st_shndx == SHN_UNDEF || s.st_size == 0) continue;
      const std::string_view name = view.name(s);
      if (name.empty() || !is_wrapper_symbol(name)) continue;
      if (s.st_value > UINTPTR_MAX - bias) continue;
      const std::uintptr_t low = bias + s.st_value;
      if (s.st_size > UINTPTR_MAX - low) continue;
      found.push_back({low, low + s.st_size});
    }
    if (found.empty()) return nullptr;
    // Sorted and merged: aliases (a C1 and C2 constructor) share their code.
    std::sort(found.begin(), found.end(), [](const range& a, const range& b) { return a.low < b.low; });
    std::size_t n = 0;
    for (const range& r : found) {
      if (n != 0 && r.low <= found[n - 1].high)
        found[n - 1].high = std::max(found[n - 1].high, r.high);
      else
        found[n++] = r;
    }
    auto* ranges = new (std::nothrow) range[n];
    if (ranges == nullptr) return nullptr;
    std::copy_n(found.begin(), n, ranges);
    auto* table = new (std::nothrow) wrapper_ranges(ranges, n);
    if (table == nullptr) delete[] ranges;
    return table;
  } catch (...) {  // std::bad_alloc: no table, sites as without symbols
    return nullptr;
  }
}

bool symbol_at(const unsigned char* data, std::size_t size, std::uintptr_t bias, std::uintptr_t address,
               unsigned type, symbol_hit& hit) noexcept {
  symbol_view view;
  if (!find_symbols(data, size, view) || address < bias) return false;
  const std::uint64_t value = address - bias;
  for (std::uint64_t k = 1; k < view.count; ++k) {
    const Elf64_Sym s = view.at(k);
    if (ELF64_ST_TYPE(s.st_info) != type || s.st_shndx == SHN_UNDEF || value < s.st_value) continue;
    // A symbol of no size holds only its own address.
    if (s.st_size == 0 ? value != s.st_value : value - s.st_value >= s.st_size) continue;
    const std::string_view name = view.name(s);
    if (name.empty()) continue;
    hit.name = name;
    hit.offset = value - s.st_value;
    return true;
  }
  return false;
}

bool symbol_in_file(const char* path, std::uintptr_t bias, std::uintptr_t address, unsigned type,
                    std::string& name, std::uint64_t& offset) noexcept {
  const mapped_file file(path);
  symbol_hit hit;
  if (!symbol_at(file.data(), file.size(), bias, address, type, hit)) return false;
  try {
    name.assign(hit.name);
  } catch (...) {
    return false;
  }
  offset = hit.offset;
  return true;
}

const wrapper_ranges* wrapper_ranges::load(const char* path, std::uintptr_t bias) noexcept {
  const mapped_file file(path);
  return file.data() == nullptr ? nullptr : parse(file.data(), file.size(), bias);
}

bool wrapper_ranges::contains(std::uintptr_t pc) const noexcept {
  // The last range starting at or before pc.
  const range* begin = ranges_;
  const range* it = std::upper_bound(begin, begin + count_, pc, [](std::uintptr_t v, const range& r) { return v < r.low; });
  return it != begin && pc < (it - 1)->high;
}

}  // namespace weft::preload
