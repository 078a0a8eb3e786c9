/* main takes a lock, starts a worker that needs it, and leaves by
 * pthread_exit; the destructor of a pthread key main set unlocks it as
 * main ends, and the worker goes on. (glibc's tst-tsd5.) The unlock is
 * main's, before its end: clean, exit 0. weft used to end main at its
 * pthread_exit call and drop the unlock ("buffers full", a partial
 * verdict), and under explore every run was a false hang.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static pthread_mutex_t handover = PTHREAD_MUTEX_INITIALIZER;
static pthread_key_t leaving_key;

static void let_go(void* unused) {
  (void)unused;
  pthread_mutex_unlock(&handover);
}

static void* take_over(void* unused) {
  (void)unused;
  pthread_mutex_lock(&handover);
  puts("the worker took over");
  pthread_mutex_unlock(&handover);
  return NULL;
}

int main(void) {
  pthread_key_create(&leaving_key, let_go);
  pthread_setspecific(leaving_key, &leaving_key);
  pthread_mutex_lock(&handover);
  pthread_t worker;
  if (pthread_create(&worker, NULL, take_over, NULL) != 0) return 1;
  pthread_detach(worker);
  pthread_exit(NULL);
}
