/* A worker that locks and unlocks a mutex in a loop, with no cancellation
 * point in it, is cancelled while it runs; the cancel must act where the
 * program says, at its pthread_testcancel after the loop.
 *
 * The test runs it with the smallest ring weft allows (WEFT_BUFFER_EVENTS),
 * so the worker fills its ring again and again and waits for the writer
 * or writes the trace itself, whose sleeps and writes are cancellation
 * points. Acted on there, the cancel unwound through weft's own functions:
 * std::terminate, with the trace's flush lock held (the process hung).
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>

pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
atomic_int started;
long rounds;

static void* count(void* unused) {
  (void)unused;
  atomic_store(&started, 1);
  for (long i = 0; i < 1000000; ++i) {
    pthread_mutex_lock(&counter_lock);
    ++rounds;
    pthread_mutex_unlock(&counter_lock);
  }
  pthread_testcancel(); /* the cancel acts here */
  return NULL;
}

int main(void) {
  pthread_t worker;
  pthread_create(&worker, NULL, count, NULL);
  while (!atomic_load(&started)) sched_yield();
  pthread_cancel(worker);
  void* result = NULL;
  pthread_join(worker, &result);
  printf("cancelled after %ld rounds: %d\n", rounds, result == PTHREAD_CANCELED);
  return result == PTHREAD_CANCELED && rounds == 1000000 ? 0 : 1;
}
