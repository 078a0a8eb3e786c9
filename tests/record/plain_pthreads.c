/* The first pthread program of every course: four threads add to one
 * counter, each addition under one mutex, initialized statically.
 * Verdict: clean. */
#include <pthread.h>
#include <stdio.h>

#define THREADS 4
#define ROUNDS 1000

static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter = 0;

static void* add(void* arg) {
  (void)arg;
  for (int i = 0; i < ROUNDS; ++i) {
    pthread_mutex_lock(&counter_lock);
    ++counter;
    pthread_mutex_unlock(&counter_lock);
  }
  return NULL;
}

int main(void) {
  pthread_t threads[THREADS];
  for (int i = 0; i < THREADS; ++i) pthread_create(&threads[i], NULL, add, NULL);
  for (int i = 0; i < THREADS; ++i) pthread_join(threads[i], NULL);
  printf("counter = %ld\n", counter);
  return counter == THREADS * ROUNDS ? 0 : 1;
}
