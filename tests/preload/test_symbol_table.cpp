// The preload library's ELF symbol-table reader: which functions are the
// standard library's wrappers, and no read outside the file whatever it holds.
#include <elf.h>
#include <sys/mman.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "symbol_table.hpp"

using weft::preload::is_wrapper_symbol;
using weft::preload::wrapper_ranges;

namespace {

// An image placed to end exactly at a page that cannot be read: a read past
// its end faults.
class guarded_image {
 public:
  explicit guarded_image(const std::vector<unsigned char>& bytes) : size_(bytes.size()) {
    const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    pages_ = (size_ + page - 1) / page * page + page;
    base_ = static_cast<unsigned char*>(::mmap(nullptr, pages_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    REQUIRE(base_ != MAP_FAILED);
    REQUIRE(::mprotect(base_ + pages_ - page, page, PROT_NONE) == 0);
    data_ = base_ + pages_ - page - size_;
    if (size_ != 0) std::memcpy(data_, bytes.data(), size_);
  }
  ~guarded_image() { ::munmap(base_, pages_); }
  guarded_image(const guarded_image&) = delete;
  guarded_image& operator=(const guarded_image&) = delete;
  const wrapper_ranges* parse(std::uintptr_t bias) const { return wrapper_ranges::parse(data_, size_, bias); }
  bool symbol_at(std::uintptr_t bias, std::uintptr_t address, unsigned type, weft::preload::symbol_hit& hit) const {
    return weft::preload::symbol_at(data_, size_, bias, address, type, hit);
  }

 private:
  std::size_t size_;
  std::size_t pages_ = 0;
  unsigned char* base_ = nullptr;
  unsigned char* data_ = nullptr;
};

struct symbol {
  const char* name;
  std::uint64_t value;
  std::uint64_t size;
  unsigned char type;
  std::uint16_t shndx;
};

// A minimal ELF64 file: header, .symtab, .strtab, section headers.
std::vector<unsigned char> make_elf(const std::vector<symbol>& symbols) {
  std::string strtab(1, '\0');
  std::vector<Elf64_Sym> syms(1);  // the null symbol
  for (const symbol& s : symbols) {
    Elf64_Sym e{};
    e.st_name = static_cast<std::uint32_t>(strtab.size());
    strtab += s.name;
    strtab += '\0';
    e.st_info = ELF64_ST_INFO(STB_GLOBAL, s.type);
    e.st_shndx = s.shndx;
    e.st_value = s.value;
    e.st_size = s.size;
    syms.push_back(e);
  }
  const std::size_t symtab_offset = sizeof(Elf64_Ehdr);
  const std::size_t strtab_offset = symtab_offset + syms.size() * sizeof(Elf64_Sym);
  const std::size_t shoff = (strtab_offset + strtab.size() + 7) / 8 * 8;
  std::vector<unsigned char> out(shoff + 3 * sizeof(Elf64_Shdr));
  Elf64_Ehdr eh{};
  std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
  eh.e_ident[EI_CLASS] = ELFCLASS64;
  eh.e_ident[EI_DATA] = ELFDATA2LSB;
  eh.e_ident[EI_VERSION] = EV_CURRENT;
  eh.e_type = ET_DYN;
  eh.e_machine = EM_X86_64;
  eh.e_version = EV_CURRENT;
  eh.e_shoff = shoff;
  eh.e_ehsize = sizeof(Elf64_Ehdr);
  eh.e_shentsize = sizeof(Elf64_Shdr);
  eh.e_shnum = 3;
  std::memcpy(out.data(), &eh, sizeof eh);
  std::memcpy(out.data() + symtab_offset, syms.data(), syms.size() * sizeof(Elf64_Sym));
  std::memcpy(out.data() + strtab_offset, strtab.data(), strtab.size());
  Elf64_Shdr sh[3]{};
  sh[1].sh_type = SHT_SYMTAB;
  sh[1].sh_offset = symtab_offset;
  sh[1].sh_size = syms.size() * sizeof(Elf64_Sym);
  sh[1].sh_link = 2;
  sh[1].sh_entsize = sizeof(Elf64_Sym);
  sh[2].sh_type = SHT_STRTAB;
  sh[2].sh_offset = strtab_offset;
  sh[2].sh_size = strtab.size();
  std::memcpy(out.data() + shoff, sh, sizeof sh);
  return out;
}

const std::vector<symbol> kSymbols = {
    {"_ZNSt5mutex4lockEv", 0x1000, 0x20, STT_FUNC, 1},
    {"_ZNSt10lock_guardISt5mutexEC2ERS0_", 0x1020, 0x30, STT_FUNC, 1},
    {"_ZNSt10lock_guardISt5mutexEC1ERS0_", 0x1020, 0x30, STT_FUNC, 1},  // an alias
    {"_Z3onev", 0x1050, 0x40, STT_FUNC, 1},
    {"_ZL20__gthread_mutex_lockP15pthread_mutex_t", 0x2000, 0x10, STT_FUNC, 1},
    {"_ZNSt6thread15_M_start_threadESt10unique_ptrINS_6_StateESt14default_deleteIS1_EEPFvvE", 0, 0, STT_FUNC,
     SHN_UNDEF},
    {"_ZSt4cout", 0x3000, 0x110, STT_OBJECT, 2},
    {"main", 0x4000, 0x80, STT_FUNC, 1},
    {"ledger", 0x5000, 0x28, STT_OBJECT, 2},
    {"end_marker", 0x5100, 0, STT_OBJECT, 2},
    {"extern_lock", 0x6000, 0x28, STT_OBJECT, SHN_UNDEF},
};

std::vector<unsigned char> read_file(const char* path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("wrapper symbols: the standard library's lock and thread wrappers, and only those", "[preload][symbols]") {
  for (const char* name : {"_ZNSt5mutex4lockEv", "_ZNSt10lock_guardISt5mutexEC2ERS0_", "_ZNSt11unique_lockISt5mutexE4lockEv",
                           "_ZNSt6threadC2IRFvvEJEvEEOT_DpOT0_", "_ZNSt18condition_variable4waitIZ4mainEUlvE_EEvRSt11unique_lockISt5mutexET_",
                           "_ZNSt12shared_mutex11lock_sharedEv", "_ZSt4lockISt5mutexS0_JEEvRT_RT0_DpRT1_",
                           "_ZL20__gthread_mutex_lockP15pthread_mutex_t", "_ZL22__gthread_mutex_unlockP15pthread_mutex_t",
                           "__gthread_active_p", "_ZZNSt11scoped_lockIJSt5mutexS0_EED4EvENKUlDpRT_E_clIJS0_S0_EEEDaS4_"})
    CHECK(is_wrapper_symbol(name));
  // The waits on a word of memory between std::latch::wait, a semaphore's
  // acquire, a barrier's wait, atomic::wait, future::get or
  // promise::set_value and the futex, as g++ 12 and clang 14 at -O1 left
  // them out of line.
  for (const char* name : {"_ZNSt8__detail15__platform_waitIiEEvPKT_i", "_ZNSt8__detail17__platform_notifyIiEEvPKT_b",
                           "_ZSt21__atomic_wait_addressIiZNKSt5latch4waitEvEUlvE_EvPKT_T0_",
                           "_ZSt23__atomic_notify_addressIiEvPKT_b",
                           "_ZSt23__atomic_wait_address_vIiZNKSt13__atomic_baseIiE4waitEiSt12memory_orderEUlvE_EvPKT_S4_T0_",
                           "_ZSt26__atomic_wait_address_bareIZNSt18__atomic_semaphore10_M_acquireEvEUlvE_EvPKiT_",
                           "_ZNSt7barrierISt18__empty_completionE15arrive_and_waitEv",
                           "_ZNKSt14__tree_barrierISt18__empty_completionE4waitEOSt17__barrier_phase_t",
                           "_ZNSt13__future_base13_State_baseV26_M_getEv", "_ZNSt6futureIlE3getEv",
                           // clang -O1 leaves promise::set_value out of line: its wake is the futex's
                           "_ZNSt7promiseIlE9set_valueERKl"})
    CHECK(is_wrapper_symbol(name));
  // Not wrappers: the program's own functions, and std:: functions that
  // run the program's code (a lambda inlined into a thread's _M_run).
  for (const char* name : {"_Z3onev", "main", "_ZN4mine5mutex4lockEv", "_ZL6helperv", "_ZL", "_ZL__gthread_x",
                           "_ZZ4mainENKUlvE_clEv", "", "_ZNS", "_ZZ", "_ZZZ", "_ZNKSt6thread8joinableEv",
                           "_ZNSt6thread11_State_implINS_8_InvokerISt5tupleIJZ4mainEUlvE_EEEEE6_M_runEv",
                           "_ZSt4moveIRiEONSt16remove_referenceIT_E4typeEOS2_",
                           "_ZN9__gnu_cxx13new_allocatorIiE8allocateEmPKv",
                           // a task of std::async runs the program's function; std::__detail has more than waits
                           "_ZNSt13__future_base17_Async_state_implISt6threadEE6_M_runEv",
                           "_ZNSt8__detail9__variant17__gen_vtable_implIJEE14__visit_invokeEv", "_ZSt99", "_ZNSt8__detail"})
    CHECK_FALSE(is_wrapper_symbol(name));
}

TEST_CASE("wrapper ranges: the functions' addresses, biased, aliases merged", "[preload][symbols]") {
  const guarded_image image(make_elf(kSymbols));
  const wrapper_ranges* table = image.parse(0x500000);
  REQUIRE(table != nullptr);
  CHECK(table->size() == 2);  // [0x1000, 0x1050) and [0x2000, 0x2010)
  CHECK(table->contains(0x501000));
  CHECK(table->contains(0x50104f));
  CHECK_FALSE(table->contains(0x501050));  // one()
  CHECK_FALSE(table->contains(0x500fff));
  CHECK(table->contains(0x502008));
  CHECK_FALSE(table->contains(0x502010));
  CHECK_FALSE(table->contains(0x503000));  // an object, not a function
  CHECK_FALSE(table->contains(0x504000));  // main
  wrapper_ranges::destroy(table);
}

// What the watchdog's messages call a running program's object: the
// variable whose extent holds its address, and how far into it.
TEST_CASE("symbol at an address: the variable or function holding it, biased, and its offset", "[preload][symbols]") {
  const guarded_image image(make_elf(kSymbols));
  weft::preload::symbol_hit hit;
  REQUIRE(image.symbol_at(0x500000, 0x505000, STT_OBJECT, hit));
  CHECK(hit.name == "ledger");
  CHECK(hit.offset == 0);
  REQUIRE(image.symbol_at(0x500000, 0x505008, STT_OBJECT, hit));  // a member of it
  CHECK(hit.name == "ledger");
  CHECK(hit.offset == 8);
  CHECK_FALSE(image.symbol_at(0x500000, 0x505028, STT_OBJECT, hit));  // one past its end
  REQUIRE(image.symbol_at(0x500000, 0x505100, STT_OBJECT, hit));      // a symbol of no size: its own address
  CHECK(hit.name == "end_marker");
  CHECK_FALSE(image.symbol_at(0x500000, 0x505101, STT_OBJECT, hit));
  CHECK_FALSE(image.symbol_at(0x500000, 0x506000, STT_OBJECT, hit));  // undefined here
  CHECK_FALSE(image.symbol_at(0x500000, 0x504010, STT_OBJECT, hit));  // main is a function
  REQUIRE(image.symbol_at(0x500000, 0x504010, STT_FUNC, hit));
  CHECK(hit.name == "main");
  CHECK(hit.offset == 0x10);
  CHECK_FALSE(image.symbol_at(0x500000, 0x4ff000, STT_OBJECT, hit));  // below the bias
  // Damaged images: no symbol, and no read outside their bytes.
  const std::vector<unsigned char> good = make_elf(kSymbols);
  for (std::size_t size = 0; size < good.size(); ++size) {
    const guarded_image cut(std::vector<unsigned char>(good.begin(), good.begin() + std::ptrdiff_t(size)));
    (void)cut.symbol_at(0, 0x5000, STT_OBJECT, hit);
  }
  std::string name;
  std::uint64_t offset = 0;
  CHECK_FALSE(weft::preload::symbol_in_file("/nonexistent/weft", 0, 0x5000, STT_OBJECT, name, offset));
  CHECK_FALSE(weft::preload::symbol_in_file(nullptr, 0, 0x5000, STT_OBJECT, name, offset));
}

TEST_CASE("wrapper ranges: none from a damaged image, and no read outside it", "[preload][symbols]") {
  const std::vector<unsigned char> good = make_elf(kSymbols);
  for (std::size_t size = 0; size < good.size(); ++size) {
    const guarded_image image(std::vector<unsigned char>(good.begin(), good.begin() + std::ptrdiff_t(size)));
    wrapper_ranges::destroy(image.parse(0));
  }
  for (std::size_t at = 0; at < good.size(); ++at) {
    for (unsigned char value : {0x00, 0x01, 0x7f, 0x80, 0xff}) {
      std::vector<unsigned char> bad = good;
      bad[at] = value;
      const guarded_image image(bad);
      wrapper_ranges::destroy(image.parse(0));
    }
  }
  SUCCEED("no damaged image was read outside its bytes");
}

TEST_CASE("wrapper ranges: a program built at -O0, and what is not an ELF file", "[preload][symbols]") {
  const wrapper_ranges* table = wrapper_ranges::load(WEFT_O0_PROGRAM, 0);
  REQUIRE(table != nullptr);
  CHECK(table->size() > 0);
  wrapper_ranges::destroy(table);
  CHECK(wrapper_ranges::load("/nonexistent/weft", 0) == nullptr);
  CHECK(wrapper_ranges::load("/dev/null", 0) == nullptr);
  CHECK(wrapper_ranges::load("/proc/self/status", 0) == nullptr);
  CHECK(wrapper_ranges::load(nullptr, 0) == nullptr);
  // Every truncation of the real file, at a stride.
  const std::vector<unsigned char> file = read_file(WEFT_O0_PROGRAM);
  REQUIRE(file.size() > sizeof(Elf64_Ehdr));
  for (std::size_t size = 0; size < file.size(); size += 61) {
    const guarded_image image(std::vector<unsigned char>(file.begin(), file.begin() + std::ptrdiff_t(size)));
    wrapper_ranges::destroy(image.parse(0));
  }
}
