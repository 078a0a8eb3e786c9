// pthread_cancel under the scheduler (weft explore -- PROGRAM, weft record
// --schedule).
//
// A cancelled thread acts on the cancel at its next cancellation point: in
// a real run, inside the blocking call it waits in (a condition wait, a
// join, a sleep, a semaphore wait), which the kernel interrupts. Under the
// scheduler those calls block on the scheduler instead, which no cancel
// reaches: the thread waited forever (the run ended as a hang) or, in a
// loop of timed waits, timed out again and again in virtual time (a
// livelock the time limit stopped). So weft record's pthread_cancel wakes
// its target if it is blocked on the scheduler (interrupt), and each
// scheduled wait of a cancellation point tests for a cancel as the real
// call would, on entry and when it wakes (pthread_testcancel), in the
// state POSIX gives: a condition wait with its mutex taken back.
#pragma once

#include <cstdint>

namespace weft::detail::explore {

// Thread `thread` (weft's id), if blocked on the scheduler, may go on: its
// block returns as if woken, and the caller tests for the cancel. The
// caller keeps the turn.
void interrupt(std::uint32_t thread);

}  // namespace weft::detail::explore
