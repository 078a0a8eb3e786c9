// Time under weft's controlled scheduler (scheduled.hpp): the program's
// clocks read the scheduler's virtual clock, its sleeps wait in virtual
// time, and sched_yield is a scheduling point. Outside the scheduler every
// call here passes straight on.
//
// Each wall or monotonic clock keeps its real reading at the first virtual
// read (its base) and moves with the virtual clock from there: the values
// look like the real clock's, their differences are virtual, and the same
// schedule gives the same differences, so a program that reads the clock
// takes the same path in a replay. weft's own threads (the keeper, the
// writer) and weft's own code read the real clocks. C11's thrd_sleep and
// thrd_yield are nanosleep and sched_yield.
#include <sched.h>
#include <sys/time.h>
#include <threads.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

#include <array>
#include <atomic>
#include <cstdint>

#include "real.hpp"
#include "scheduled.hpp"

namespace weft::preload {
namespace {

constexpr long long kNsPerSecond = 1'000'000'000;

// The clocks that are virtual: those a program measures elapsed time or
// deadlines with. CPU-time clocks stay real.
bool virtualized(clockid_t clock) noexcept {
  switch (clock) {
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_COARSE:
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_BOOTTIME:
    case CLOCK_TAI:
      return true;
    default:
      return false;
  }
}

long long to_ns(const struct timespec& t) noexcept { return t.tv_sec * kNsPerSecond + t.tv_nsec; }
struct timespec from_ns(long long ns) noexcept {
  if (ns < 0) ns = 0;
  return {static_cast<time_t>(ns / kNsPerSecond), static_cast<long>(ns % kNsPerSecond)};
}

long long virtual_ns() noexcept { return detail::explore::now().time_since_epoch().count(); }

// Per clock id (they are small numbers): the real reading minus the virtual
// one at the clock's first virtual read; 0 until then.
std::array<std::atomic<long long>, 16> g_base{};

long long base_of(clockid_t clock) noexcept {
  std::atomic<long long>& slot = g_base[static_cast<std::size_t>(clock) % g_base.size()];
  long long base = slot.load(std::memory_order_relaxed);
  if (base != 0) return base;
  struct timespec real {};
  next.clock_gettime.get()(clock, &real);
  long long fresh = to_ns(real) - virtual_ns();
  if (fresh == 0) fresh = 1;  // 0 means "not yet"
  return slot.compare_exchange_strong(base, fresh, std::memory_order_relaxed) ? fresh : base;
}

// What a virtual clock reads now.
struct timespec virtual_reading(clockid_t clock) noexcept { return from_ns(base_of(clock) + virtual_ns()); }

// What a sleep "waits for": nothing wakes it but its deadline.
const char kSleep = 0;

// A sleep is a cancellation point (explore/cancellation.hpp): a cancel acts
// on entry or when pthread_cancel wakes it. (With the thread's cancellation
// disabled, such a wake ends the sleep early.)
int sleep_until(const virtual_time& until) {
  const busy_scope busy;  // the scheduler's own locks are not the program's
  pthread_testcancel();
  detail::explore::block(&kSleep, until);
  pthread_testcancel();
  return 0;
}

}  // namespace

virtual_time virtual_deadline(clockid_t clock, const struct timespec* abstime) noexcept {
  if (abstime == nullptr || !virtualized(clock)) return virtual_after(0);
  return virtual_time(std::chrono::nanoseconds(to_ns(*abstime) - base_of(clock)));
}

virtual_time virtual_after(long long ns) noexcept {
  return virtual_time(std::chrono::nanoseconds(virtual_ns() + (ns < 0 ? 0 : ns)));
}

}  // namespace weft::preload

using namespace weft::preload;

extern "C" {

int clock_gettime(clockid_t clock, struct timespec* t) noexcept {
  if (!scheduled_program_call() || !virtualized(clock)) return next.clock_gettime.get()(clock, t);
  *t = virtual_reading(clock);
  return 0;
}

int gettimeofday(struct timeval* tv, void* tz) noexcept {
  if (!scheduled_program_call()) return next.gettimeofday.get()(tv, tz);
  const struct timespec t = virtual_reading(CLOCK_REALTIME);
  tv->tv_sec = t.tv_sec;
  tv->tv_usec = t.tv_nsec / 1000;
  return 0;
}

time_t time(time_t* out) noexcept {
  if (!scheduled_program_call()) return next.time.get()(out);
  const time_t now = virtual_reading(CLOCK_REALTIME).tv_sec;
  if (out != nullptr) *out = now;
  return now;
}

int nanosleep(const struct timespec* req, struct timespec* rem) {
  if (!scheduled_program_call() || req == nullptr || req->tv_nsec < 0 || req->tv_nsec >= 1'000'000'000)
    return next.nanosleep.get()(req, rem);
  const virtual_time until = virtual_after(req->tv_sec * kNsPerSecond + req->tv_nsec);  // before rem: it may be req
  if (rem != nullptr) *rem = {0, 0};
  return sleep_until(until);
}

int clock_nanosleep(clockid_t clock, int flags, const struct timespec* req, struct timespec* rem) {
  if (!scheduled_program_call() || !virtualized(clock) || req == nullptr) return next.clock_nanosleep.get()(clock, flags, req, rem);
  if (flags & TIMER_ABSTIME) return sleep_until(virtual_deadline(clock, req));
  const virtual_time until = virtual_after(req->tv_sec * kNsPerSecond + req->tv_nsec);
  if (rem != nullptr) *rem = {0, 0};
  return sleep_until(until);
}

int usleep(useconds_t us) {
  if (!scheduled_program_call()) return next.usleep.get()(us);
  return sleep_until(virtual_after(static_cast<long long>(us) * 1000));
}

unsigned sleep(unsigned seconds) {
  if (!scheduled_program_call()) return next.sleep.get()(seconds);
  sleep_until(virtual_after(static_cast<long long>(seconds) * kNsPerSecond));
  return 0;
}

// A thread that yields lets another run: a spin loop with a yield in it is
// explored, where a bare spin would hold the turn until the time limit.
int sched_yield() noexcept {
  if (!scheduled_program_call()) return next.sched_yield.get()();
  const busy_scope busy;
  weft::detail::explore::yield();
  return 0;
}

// C11's sleep and yield, which glibc makes with internal calls: the same as
// nanosleep and sched_yield here. thrd_sleep answers 0, -1 if a signal
// interrupted it, another negative number on any other error.
int thrd_sleep(const struct timespec* duration, struct timespec* remaining) {
  if (nanosleep(duration, remaining) == 0) return 0;
  return errno == EINTR ? -1 : -2;
}

void thrd_yield() { sched_yield(); }

}  // extern "C"
