/* Two locks taken in opposite orders by two threads: lock_a then lock_b in
 * the first, lock_b then lock_a in the second. The second starts only after
 * the first has been joined, so this run cannot deadlock, but the order is
 * inverted all the same: with other timing it would.
 * Verdict: lock-order inversion between lock_a and lock_b. */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static int a_value, b_value;

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
  pthread_t first, second;
  pthread_create(&first, NULL, a_then_b, NULL);
  pthread_join(first, NULL);
  pthread_create(&second, NULL, b_then_a, NULL);
  pthread_join(second, NULL);
  printf("a = %d, b = %d\n", a_value, b_value);
  return 0;
}
