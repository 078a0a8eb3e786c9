// What the running program's messages call the objects of a program
// recorded unmodified (see detail::set_object_namer): the watchdog's stop
// message said "thread-1 waits for mutex#5", which only the trace's reader
// could name. Now: the program's variable at the object's address, read
// from the module's ELF symbol table at the moment of the message
// ("ledger", "(anonymous namespace)::table+40"); else, for a heap or stack
// object, the placeholder and the function of its first use ("mutex#5
// (first used in transfer)"). `weft check` names them fully, from the debug
// information.
#pragma once

#include <cstdint>
#include <string>

namespace weft::preload {

std::string name_for_messages(const std::string& placeholder, std::uint64_t address, std::uint64_t first_use);

}  // namespace weft::preload
