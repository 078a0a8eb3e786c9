// The modules (executable, shared libraries) loaded into the recorded
// program: registered in the trace so that the reader can symbolize return
// addresses and object addresses, and classified so that a call made inside
// the C++ or C runtime on the program's behalf is attributed to the
// program's own frame.
#pragma once

#include <cstdint>
#include <string>

namespace weft::preload {

// Registers the modules not registered yet (start-up, and after a dlopen:
// an address in no known module triggers a new scan).
void scan_modules() noexcept;
// Whether `pc` lies in a known module; false may mean "loaded since".
bool in_known_module(std::uintptr_t pc) noexcept;
// Whether `pc` lies in a runtime library whose calls are made on the
// program's behalf (libstdc++, libc, libgcc_s, the dynamic loader) or in
// this preload library.
bool in_runtime_library(std::uintptr_t pc) noexcept;
// Whether `pc` lies in a program module (not a runtime library) inside a
// function of the C++ standard library's own that the module carries: at -O0
// std::mutex::lock, std::lock_guard's constructor, __gthread_mutex_lock...
// The module's symbol table is read from its file on the first question
// about it; a stripped module has none of these functions.
bool in_wrapper_function(std::uintptr_t pc) noexcept;
// Whether `pc` lies in this preload library (weft's own call).
bool in_this_library(std::uintptr_t pc) noexcept;
// The symbol of ELF type `type` (STT_OBJECT, STT_FUNC) of the program
// module (not a runtime library) holding `address`, read from the module's
// file now: its mangled name and the address's offset into it. False if
// none (a heap or stack address, a stripped module).
bool symbol_in_program(std::uintptr_t address, unsigned type, std::string& name, std::uint64_t& offset) noexcept;
// Whether a module other than this library carries weft's own runtime (the
// note of runtime_note.hpp): the program was built with weft.
bool program_has_weft_runtime() noexcept;

}  // namespace weft::preload
