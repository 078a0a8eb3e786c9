// Which code of a program module belongs to the C++ standard library, and
// which symbol holds an address (for the messages of a running program).
//
// A program built without optimization (-O0) keeps std::mutex::lock,
// std::lock_guard's constructor, std::thread's constructor, the static
// inline __gthread_mutex_lock and the like as functions of its own, so the
// return address a wrapper sees lies inside one of them, the same for every
// lock in the program. The module's own ELF symbol table (.symtab, else
// .dynsym) says where those functions are: read once per module from its
// file, mapped read-only, with every offset checked (the program is anyone's,
// and so is its file), keeping only the address ranges of such functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace weft::preload {

// Whether a (mangled) function name is one of the standard library's
// wrappers: std:: and __gnu_cxx:: functions, libstdc++'s __gthread_ helpers.
bool is_wrapper_symbol(std::string_view name) noexcept;

class wrapper_ranges {
 public:
  // The wrapper functions of an ELF64 image `data` of `size` bytes loaded
  // with bias `bias`; nullptr when the image has no usable symbol table or
  // no wrapper function. Never reads outside [data, data + size).
  static const wrapper_ranges* parse(const unsigned char* data, std::size_t size, std::uintptr_t bias) noexcept;
  // The same for the file at `path`, mapped read-only for the parse.
  static const wrapper_ranges* load(const char* path, std::uintptr_t bias) noexcept;
  static void destroy(const wrapper_ranges* table) noexcept;

  // Whether `pc` lies inside one of the functions.
  bool contains(std::uintptr_t pc) const noexcept;
  std::size_t size() const noexcept { return count_; }

 private:
  struct range {
    std::uintptr_t low;
    std::uintptr_t high;  // exclusive
  };
  wrapper_ranges(range* ranges, std::size_t count) noexcept : ranges_(ranges), count_(count) {}
  ~wrapper_ranges();

  range* ranges_;  // sorted by low, disjoint
  std::size_t count_;
};

// The symbol of ELF type `type` (STT_OBJECT: a variable; STT_FUNC: a
// function) of the ELF64 image `data` of `size` bytes, loaded with `bias`,
// whose extent holds `address`: its name as the image has it (mangled), a
// view into `data`, and how far into it `address` lies. False if none.
// Never reads outside [data, data + size).
struct symbol_hit {
  std::string_view name;
  std::uint64_t offset = 0;
};
bool symbol_at(const unsigned char* data, std::size_t size, std::uintptr_t bias, std::uintptr_t address,
               unsigned type, symbol_hit& hit) noexcept;
// The same for the file at `path`, mapped read-only for the look-up; the
// name copied out.
bool symbol_in_file(const char* path, std::uintptr_t bias, std::uintptr_t address, unsigned type,
                    std::string& name, std::uint64_t& offset) noexcept;

}  // namespace weft::preload
