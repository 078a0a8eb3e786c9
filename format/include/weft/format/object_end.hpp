// What an object.destroy event's arg says about how the object ended.
// A destroy that finds the object idle is the normal end; one that finds it
// held or waited on is a misuse, as is an init call made over an object
// still in use (POSIX: undefined behaviour for a mutex, condition, lock or
// barrier): the init ends the object there, as a destroy would, and a new
// one begins at the address.
#pragma once

#include <cstdint>

namespace weft::format {

enum class ObjectEnd : std::uint64_t {
  Idle = 0,                // destroyed, nobody holding or waiting
  DestroyedInUse = 1,      // destroyed while held or waited on
  ReinitialisedInUse = 2,  // initialised again while held or waited on (weft record)
};

}  // namespace weft::format
