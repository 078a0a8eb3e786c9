// The functions weft record's wrappers stand in front of, as the next
// library in the search order (libc, or libtsan first under TSan) has them.
//
// Resolved with dlsym(RTLD_NEXT) at start-up and, for a call that comes
// before (another library's constructor), on first use. The condition
// functions are asked for by version: plain dlsym would return glibc's
// pre-2.3.2 compatibility versions, which use a different object layout.
#pragma once

#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <threads.h>
#include <time.h>

#include <atomic>

namespace weft::preload {

void* resolve_next(const char* name, const char* version) noexcept;

template <class F>
struct next_function {
  const char* name;
  const char* version;
  std::atomic<F> fn{nullptr};

  F get() noexcept {
    F f = fn.load(std::memory_order_relaxed);
    if (__builtin_expect(f == nullptr, 0)) {
      f = reinterpret_cast<F>(resolve_next(name, version));
      fn.store(f, std::memory_order_relaxed);
    }
    return f;
  }
};

// The signatures are spelled out: decltype(&fn) would carry glibc's
// attributes (nonnull), which a template argument cannot keep.
struct next_functions {
  next_function<int (*)(pthread_t*, const pthread_attr_t*, void* (*)(void*), void*)> pthread_create{"pthread_create", nullptr};
  next_function<int (*)(pthread_t, void**)> pthread_join{"pthread_join", nullptr};
  next_function<int (*)(pthread_t, void**)> pthread_tryjoin_np{"pthread_tryjoin_np", nullptr};
  next_function<int (*)(pthread_t, void**, const struct timespec*)> pthread_timedjoin_np{"pthread_timedjoin_np", nullptr};
  next_function<int (*)(pthread_t, void**, clockid_t, const struct timespec*)> pthread_clockjoin_np{"pthread_clockjoin_np", nullptr};
  next_function<int (*)(pthread_t)> pthread_detach{"pthread_detach", nullptr};
  next_function<int (*)(pthread_t)> pthread_cancel{"pthread_cancel", nullptr};
  next_function<void (*)(void*)> pthread_exit{"pthread_exit", nullptr};
  next_function<int (*)(pthread_t, const char*)> pthread_setname_np{"pthread_setname_np", nullptr};
  next_function<int (*)(pthread_key_t*, void (*)(void*))> pthread_key_create{"pthread_key_create", nullptr};
  next_function<int (*)(tss_t*, tss_dtor_t)> tss_create{"tss_create", nullptr};
  next_function<int (*)(pthread_key_t, const void*)> pthread_setspecific{"pthread_setspecific", nullptr};
  next_function<int (*)(tss_t, void*)> tss_set{"tss_set", nullptr};

  next_function<int (*)(pthread_mutex_t*, const pthread_mutexattr_t*)> pthread_mutex_init{"pthread_mutex_init", nullptr};
  next_function<int (*)(pthread_mutex_t*)> pthread_mutex_destroy{"pthread_mutex_destroy", nullptr};
  next_function<int (*)(pthread_mutex_t*)> pthread_mutex_lock{"pthread_mutex_lock", nullptr};
  next_function<int (*)(pthread_mutex_t*)> pthread_mutex_trylock{"pthread_mutex_trylock", nullptr};
  next_function<int (*)(pthread_mutex_t*, const struct timespec*)> pthread_mutex_timedlock{"pthread_mutex_timedlock", nullptr};
  next_function<int (*)(pthread_mutex_t*, clockid_t, const struct timespec*)> pthread_mutex_clocklock{"pthread_mutex_clocklock", nullptr};
  next_function<int (*)(pthread_mutex_t*)> pthread_mutex_unlock{"pthread_mutex_unlock", nullptr};
  // C11 (<threads.h>): the ones that make or unmake an object, and
  // thrd_create for threads not recorded; the others are recorded through
  // the pthread functions' code (c11_threads.hpp).
  next_function<int (*)(thrd_t*, thrd_start_t, void*)> thrd_create{"thrd_create", nullptr};
  next_function<int (*)(mtx_t*, int)> mtx_init{"mtx_init", nullptr};
  next_function<void (*)(mtx_t*)> mtx_destroy{"mtx_destroy", nullptr};
  next_function<int (*)(cnd_t*)> cnd_init{"cnd_init", nullptr};
  next_function<void (*)(cnd_t*)> cnd_destroy{"cnd_destroy", nullptr};

  next_function<int (*)(pthread_spinlock_t*, int)> pthread_spin_init{"pthread_spin_init", nullptr};
  next_function<int (*)(pthread_spinlock_t*)> pthread_spin_destroy{"pthread_spin_destroy", nullptr};
  next_function<int (*)(pthread_spinlock_t*)> pthread_spin_lock{"pthread_spin_lock", nullptr};
  next_function<int (*)(pthread_spinlock_t*)> pthread_spin_trylock{"pthread_spin_trylock", nullptr};
  next_function<int (*)(pthread_spinlock_t*)> pthread_spin_unlock{"pthread_spin_unlock", nullptr};

  next_function<int (*)(pthread_rwlock_t*, const pthread_rwlockattr_t*)> pthread_rwlock_init{"pthread_rwlock_init", nullptr};
  next_function<int (*)(pthread_rwlock_t*)> pthread_rwlock_destroy{"pthread_rwlock_destroy", nullptr};
  next_function<int (*)(pthread_rwlock_t*)> pthread_rwlock_rdlock{"pthread_rwlock_rdlock", nullptr};
  next_function<int (*)(pthread_rwlock_t*)> pthread_rwlock_tryrdlock{"pthread_rwlock_tryrdlock", nullptr};
  next_function<int (*)(pthread_rwlock_t*, const struct timespec*)> pthread_rwlock_timedrdlock{"pthread_rwlock_timedrdlock", nullptr};
  next_function<int (*)(pthread_rwlock_t*, clockid_t, const struct timespec*)> pthread_rwlock_clockrdlock{"pthread_rwlock_clockrdlock", nullptr};
  next_function<int (*)(pthread_rwlock_t*)> pthread_rwlock_wrlock{"pthread_rwlock_wrlock", nullptr};
  next_function<int (*)(pthread_rwlock_t*)> pthread_rwlock_trywrlock{"pthread_rwlock_trywrlock", nullptr};
  next_function<int (*)(pthread_rwlock_t*, const struct timespec*)> pthread_rwlock_timedwrlock{"pthread_rwlock_timedwrlock", nullptr};
  next_function<int (*)(pthread_rwlock_t*, clockid_t, const struct timespec*)> pthread_rwlock_clockwrlock{"pthread_rwlock_clockwrlock", nullptr};
  next_function<int (*)(pthread_rwlock_t*)> pthread_rwlock_unlock{"pthread_rwlock_unlock", nullptr};

  next_function<int (*)(pthread_cond_t*, const pthread_condattr_t*)> pthread_cond_init{"pthread_cond_init", "GLIBC_2.3.2"};
  next_function<int (*)(pthread_cond_t*)> pthread_cond_destroy{"pthread_cond_destroy", "GLIBC_2.3.2"};
  next_function<int (*)(pthread_cond_t*)> pthread_cond_signal{"pthread_cond_signal", "GLIBC_2.3.2"};
  next_function<int (*)(pthread_cond_t*)> pthread_cond_broadcast{"pthread_cond_broadcast", "GLIBC_2.3.2"};
  next_function<int (*)(pthread_cond_t*, pthread_mutex_t*)> pthread_cond_wait{"pthread_cond_wait", "GLIBC_2.3.2"};
  next_function<int (*)(pthread_cond_t*, pthread_mutex_t*, const struct timespec*)> pthread_cond_timedwait{"pthread_cond_timedwait", "GLIBC_2.3.2"};
  next_function<int (*)(pthread_cond_t*, pthread_mutex_t*, clockid_t, const struct timespec*)> pthread_cond_clockwait{"pthread_cond_clockwait", nullptr};

  next_function<int (*)(pthread_barrier_t*, const pthread_barrierattr_t*, unsigned)> pthread_barrier_init{"pthread_barrier_init", nullptr};
  next_function<int (*)(pthread_barrier_t*)> pthread_barrier_destroy{"pthread_barrier_destroy", nullptr};
  next_function<int (*)(pthread_barrier_t*)> pthread_barrier_wait{"pthread_barrier_wait", nullptr};
  next_function<int (*)(pthread_once_t*, void (*)())> pthread_once{"pthread_once", nullptr};

  next_function<int (*)(sem_t*, int, unsigned)> sem_init{"sem_init", nullptr};
  next_function<int (*)(sem_t*)> sem_destroy{"sem_destroy", nullptr};
  next_function<int (*)(sem_t*)> sem_wait{"sem_wait", nullptr};
  next_function<int (*)(sem_t*)> sem_trywait{"sem_trywait", nullptr};
  next_function<int (*)(sem_t*, const struct timespec*)> sem_timedwait{"sem_timedwait", nullptr};
  next_function<int (*)(sem_t*, clockid_t, const struct timespec*)> sem_clockwait{"sem_clockwait", nullptr};
  next_function<int (*)(sem_t*)> sem_post{"sem_post", nullptr};
  next_function<sem_t* (*)(const char*, int, ...)> sem_open{"sem_open", nullptr};
  next_function<int (*)(sem_t*)> sem_close{"sem_close", nullptr};
  next_function<int (*)(sem_t*, int*)> sem_getvalue{"sem_getvalue", nullptr};

  // Time, virtual under weft's scheduler (clocks.cpp).
  next_function<int (*)(clockid_t, struct timespec*)> clock_gettime{"clock_gettime", nullptr};
  next_function<int (*)(struct timeval*, void*)> gettimeofday{"gettimeofday", nullptr};
  next_function<time_t (*)(time_t*)> time{"time", nullptr};
  next_function<int (*)(const struct timespec*, struct timespec*)> nanosleep{"nanosleep", nullptr};
  next_function<int (*)(clockid_t, int, const struct timespec*, struct timespec*)> clock_nanosleep{"clock_nanosleep", nullptr};
  next_function<int (*)(useconds_t)> usleep{"usleep", nullptr};
  next_function<unsigned (*)(unsigned)> sleep{"sleep", nullptr};
  next_function<int (*)()> sched_yield{"sched_yield", nullptr};
  // libstdc++'s futex waits (futexes.cpp).
  next_function<long (*)(long, ...)> syscall{"syscall", nullptr};

  next_function<pid_t (*)()> fork{"fork", nullptr};
  next_function<void (*)(int)> exit{"exit", nullptr};
  next_function<void (*)(int)> quick_exit{"quick_exit", nullptr};
  next_function<void (*)(int)> _exit{"_exit", nullptr};
  next_function<void (*)(int)> _Exit{"_Exit", nullptr};
  next_function<pid_t (*)(pid_t, int*, int)> waitpid{"waitpid", nullptr};
  next_function<int (*)(idtype_t, id_t, siginfo_t*, int)> waitid{"waitid", nullptr};
  next_function<int (*)(const char*, char* const*, char* const*)> execve{"execve", nullptr};
  next_function<int (*)(const char*, char* const*)> execv{"execv", nullptr};
  next_function<int (*)(const char*, char* const*)> execvp{"execvp", nullptr};
  next_function<int (*)(const char*, char* const*, char* const*)> execvpe{"execvpe", nullptr};
  next_function<int (*)(int, char* const*, char* const*)> fexecve{"fexecve", nullptr};
};

extern next_functions next;

}  // namespace weft::preload
