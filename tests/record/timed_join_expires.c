/* Timed joins of a thread that is still working: pthread_timedjoin_np and
 * pthread_clockjoin_np give up (ETIMEDOUT), then a join without deadline
 * (a null one: for ever, as glibc's) and pthread_join end it. Clean, exit
 * 0. weft's wrappers crashed (SIGSEGV) at the first timed join: they read
 * the explorer's virtual clock, which only exists under weft explore
 * (glibc's tst-join3 and tst-join5's variants).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static void* work(void* unused) {
  (void)unused;
  usleep(200 * 1000);
  return NULL;
}

static struct timespec in_ms(clockid_t clock, long ms) {
  struct timespec t;
  clock_gettime(clock, &t);
  t.tv_nsec += ms * 1000000L;
  t.tv_sec += t.tv_nsec / 1000000000L;
  t.tv_nsec %= 1000000000L;
  return t;
}

int main(void) {
  pthread_t first, second;
  if (pthread_create(&first, NULL, work, NULL) != 0 || pthread_create(&second, NULL, work, NULL) != 0) return 1;
  const struct timespec soon = in_ms(CLOCK_REALTIME, 20);
  const int timed = pthread_timedjoin_np(first, NULL, &soon);
  const struct timespec soon_monotonic = in_ms(CLOCK_MONOTONIC, 20);
  const int clocked = pthread_clockjoin_np(second, NULL, CLOCK_MONOTONIC, &soon_monotonic);
  const int forever = pthread_timedjoin_np(first, NULL, NULL);
  const int joined = pthread_join(second, NULL);
  printf("timed %d, clocked %d, then %d and %d\n", timed, clocked, forever, joined);
  return timed == ETIMEDOUT && clocked == ETIMEDOUT && forever == 0 && joined == 0 ? 0 : 1;
}
