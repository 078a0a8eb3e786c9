// Holds off a pthread_cancel while weft's own code runs on a program's
// thread.
//
// A thread that another thread cancelled (pthread_cancel, deferred, the
// default) acts on it at the next cancellation point it reaches: write,
// nanosleep, open, read... When that is inside weft (the thread drains the
// rings because its own is full, writes the trace's end at exit, reads a
// module's symbols to name a call's site), the unwinding starts there:
// through weft's noexcept functions, which ends the process in
// std::terminate, and with weft's locks held (a cancelled flush kept the
// trace's flush lock, and the writer waited for it forever). Held off for
// the scope, the cancel acts at the program's next cancellation point, as
// it would without weft.
//
// In glibc pthread_setcancelstate is an atomic operation on the thread's
// own flags: safe in a signal handler (the crash paths take the flush
// lock), and cheap, but not free: for slow paths only, never per event.
// Setting the state back to enabled does not act on a cancel that came
// meanwhile; the next cancellation point does.
#pragma once

#include <pthread.h>

namespace weft::detail {

class cancellation_off {
 public:
  cancellation_off() noexcept { pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &before_); }
  ~cancellation_off() {
    int ignored = 0;
    pthread_setcancelstate(before_, &ignored);
  }
  cancellation_off(const cancellation_off&) = delete;
  cancellation_off& operator=(const cancellation_off&) = delete;

 private:
  int before_ = PTHREAD_CANCEL_ENABLE;
};

}  // namespace weft::detail
