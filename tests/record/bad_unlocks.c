/* Two unlocks that are mistakes:
 *  - checked_lock, an error-checking mutex, unlocked by a thread that does
 *    not hold it: glibc refuses with EPERM;
 *  - handoff_lock, a normal mutex, locked by a worker that returns holding
 *    it and unlocked by main after the join: glibc lets it happen, but it
 *    is undefined behaviour in POSIX.
 * Verdict: misuse on checked_lock, misuse on handoff_lock. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t checked_lock;
static pthread_mutex_t handoff_lock = PTHREAD_MUTEX_INITIALIZER;

static void* take_and_leave(void* arg) {
  (void)arg;
  pthread_mutex_lock(&handoff_lock); /* returns without unlocking */
  return NULL;
}

int main(void) {
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
  pthread_mutex_init(&checked_lock, &attr);
  pthread_mutexattr_destroy(&attr);

  const int rc = pthread_mutex_unlock(&checked_lock); /* not held by anyone */
  printf("unlock of an unheld error-checking mutex: %s\n", rc == EPERM ? "EPERM" : "?");

  pthread_t worker;
  pthread_create(&worker, NULL, take_and_leave, NULL);
  pthread_join(worker, NULL);
  pthread_mutex_unlock(&handoff_lock); /* held by the (finished) worker */

  pthread_mutex_destroy(&checked_lock);
  return rc == EPERM ? 0 : 1;
}
