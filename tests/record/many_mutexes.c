/* A mutex per element of a large array, as a hash table with a lock per
 * bucket has: more than a million of them, each locked once, then two
 * global locks taken in opposite orders by two threads (the second starts
 * after the first was joined: no deadlock, but the order is inverted).
 * weft record keeps every mutex it sees, the millionth and after too: the
 * two globals, first used after all the others, are recorded and their
 * inversion found.
 * Verdict: lock-order inversion between lock_a and lock_b. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

enum { kBuckets = 1100000 }; /* more than 2^20 */

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static long a_value, b_value;

static void* a_then_b(void* arg) {
  (void)arg;
  pthread_mutex_lock(&lock_a);
  pthread_mutex_lock(&lock_b);
  ++a_value;
  ++b_value;
  pthread_mutex_unlock(&lock_b);
  pthread_mutex_unlock(&lock_a);
  return NULL;
}

static void* b_then_a(void* arg) {
  (void)arg;
  pthread_mutex_lock(&lock_b);
  pthread_mutex_lock(&lock_a);
  ++a_value;
  ++b_value;
  pthread_mutex_unlock(&lock_a);
  pthread_mutex_unlock(&lock_b);
  return NULL;
}

int main(void) {
  pthread_mutex_t* buckets = malloc(sizeof(pthread_mutex_t) * kBuckets);
  long* counts = calloc(kBuckets, sizeof(long));
  if (!buckets || !counts) return 1;
  for (long i = 0; i < kBuckets; ++i) pthread_mutex_init(&buckets[i], NULL);
  for (long i = 0; i < kBuckets; ++i) {
    pthread_mutex_lock(&buckets[i]);
    ++counts[i];
    pthread_mutex_unlock(&buckets[i]);
  }
  pthread_t first, second;
  pthread_create(&first, NULL, a_then_b, NULL);
  pthread_join(first, NULL);
  pthread_create(&second, NULL, b_then_a, NULL);
  pthread_join(second, NULL);
  printf("a = %ld, b = %ld, buckets = %d\n", a_value, b_value, kBuckets);
  free(counts);
  free(buckets);
  return 0;
}
