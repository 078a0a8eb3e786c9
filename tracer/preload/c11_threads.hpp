// C11's <threads.h>. glibc builds it on its pthread objects (an mtx_t is a
// pthread_mutex_t, a cnd_t a pthread_cond_t, a thrd_t a pthread_t, a
// once_flag a pthread_once_t) but calls them by internal names that no
// preloaded library can stand in front of: without wrappers of its own, a
// C11 program's threads, locks and conditions were invisible to weft
// record. So each C11 function is wrapped beside its pthread counterpart
// (mutexes.cpp, conditions.cpp, threads.cpp, barriers_once.cpp), recorded
// by the same code with its caller's return address, and answers in C11's
// terms.
#pragma once

#include <pthread.h>
#include <threads.h>

#include <cerrno>

namespace weft::preload {

// A pthread result as a C11 one, as glibc maps it (thrd_err_map).
inline int thrd_result(int pthread_rc) noexcept {
  switch (pthread_rc) {
    case 0: return thrd_success;
    case ENOMEM: return thrd_nomem;
    case ETIMEDOUT: return thrd_timedout;
    case EBUSY: return thrd_busy;
    default: return thrd_error;
  }
}

static_assert(sizeof(mtx_t) == sizeof(pthread_mutex_t) && alignof(mtx_t) == alignof(pthread_mutex_t));
static_assert(sizeof(cnd_t) == sizeof(pthread_cond_t) && alignof(cnd_t) == alignof(pthread_cond_t));
static_assert(sizeof(once_flag) == sizeof(pthread_once_t));
static_assert(sizeof(thrd_t) == sizeof(pthread_t));

inline pthread_mutex_t* as_pthread(mtx_t* m) noexcept { return reinterpret_cast<pthread_mutex_t*>(m); }
inline pthread_cond_t* as_pthread(cnd_t* c) noexcept { return reinterpret_cast<pthread_cond_t*>(c); }

}  // namespace weft::preload
