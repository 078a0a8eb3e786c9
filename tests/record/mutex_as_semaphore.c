/* The "mutex as a semaphore" of old C code (and glibc's tst-join1): main
 * locks `handoff`, starts a worker, and locks `handoff` again, to wait
 * until the worker unlocks it from its side. glibc lets any thread unlock
 * a normal mutex, so main's second lock returns: the program ends, exit 0.
 * The unlock by a thread that does not hold the mutex is the misuse
 * (undefined in POSIX; a semaphore is the tool), and no self-deadlock:
 * weft used to stop the program at main's second lock (exit 86).
 */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static pthread_mutex_t handoff = PTHREAD_MUTEX_INITIALIZER;
static int prepared = 0;

static void* prepare(void* unused) {
  (void)unused;
  usleep(100 * 1000); /* longer than the watchdog's look, shorter than its hang */
  prepared = 1;
  pthread_mutex_unlock(&handoff); /* held by main: the misuse */
  return NULL;
}

int main(void) {
  pthread_mutex_lock(&handoff);
  pthread_t worker;
  if (pthread_create(&worker, NULL, prepare, NULL) != 0) return 1;
  pthread_mutex_lock(&handoff); /* waits for the worker's unlock */
  printf("prepared: %d\n", prepared);
  pthread_mutex_unlock(&handoff);
  pthread_join(worker, NULL);
  return prepared ? 0 : 1;
}
