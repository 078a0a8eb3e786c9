/* Three threads compute in rounds and meet at a pthread barrier after each
 * of five rounds; the serial thread of each round sums the round's results.
 * Verdict: clean. */
#include <pthread.h>
#include <stdio.h>

#define THREADS 3
#define ROUNDS 5

static pthread_barrier_t round_barrier;
static int results[THREADS];
static long total;

static void* worker(void* arg) {
  const int me = (int)(long)arg;
  for (int round = 0; round < ROUNDS; ++round) {
    results[me] = (round + 1) * (me + 1);
    if (pthread_barrier_wait(&round_barrier) == PTHREAD_BARRIER_SERIAL_THREAD)
      for (int i = 0; i < THREADS; ++i) total += results[i];
    pthread_barrier_wait(&round_barrier); /* nobody writes results before the sum is done */
  }
  return NULL;
}

int main(void) {
  pthread_t threads[THREADS];
  pthread_barrier_init(&round_barrier, NULL, THREADS);
  for (long i = 0; i < THREADS; ++i) pthread_create(&threads[i], NULL, worker, (void*)i);
  for (int i = 0; i < THREADS; ++i) pthread_join(threads[i], NULL);
  pthread_barrier_destroy(&round_barrier);
  printf("total = %ld\n", total);
  return total == 6 * 15 ? 0 : 1;
}
