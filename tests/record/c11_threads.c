// C11's <threads.h>, which glibc builds on pthreads but calls by internal
// names: threads with a result (returned, and given to thrd_exit), a plain
// and a recursive mtx_t, a timed
// lock, a cnd_t handoff with a predicate, call_once, thrd_sleep and
// thrd_yield; then lock_a and lock_b taken in opposite orders by two
// threads, one after the other (joined in between: the run never
// deadlocks, the order is still inverted).
// Verdict: lock-order inversion (lock_a, lock_b); exit 0 when every C11
// call answered as C11 says.
#include <stdio.h>
#include <threads.h>
#include <time.h>

mtx_t lock_a, lock_b, counter_lock;
mtx_t nested;
cnd_t ready;
once_flag init_once = ONCE_FLAG_INIT;
int initialized = 0, is_ready = 0, counter = 0;

void init(void) { ++initialized; }

int add(void* arg) {
  call_once(&init_once, init);
  for (int i = 0; i < 1000; ++i) {
    mtx_lock(&counter_lock);
    ++counter;
    mtx_unlock(&counter_lock);
    if (i % 100 == 0) thrd_yield();
  }
  return *(int*)arg;
}

int waiter(void* arg) {
  (void)arg;
  mtx_lock(&counter_lock);
  while (!is_ready) cnd_wait(&ready, &counter_lock);
  mtx_unlock(&counter_lock);
  thrd_exit(5);  // its result, as a return would give it
}

int a_then_b(void* arg) {
  (void)arg;
  mtx_lock(&lock_a);
  mtx_lock(&lock_b);
  mtx_unlock(&lock_b);
  mtx_unlock(&lock_a);
  return 0;
}

int b_then_a(void* arg) {
  (void)arg;
  mtx_lock(&lock_b);
  mtx_lock(&lock_a);
  mtx_unlock(&lock_a);
  mtx_unlock(&lock_b);
  return 0;
}

int main(void) {
  if (mtx_init(&lock_a, mtx_plain) != thrd_success || mtx_init(&lock_b, mtx_plain) != thrd_success ||
      mtx_init(&counter_lock, mtx_plain | mtx_timed) != thrd_success ||
      mtx_init(&nested, mtx_plain | mtx_recursive) != thrd_success || cnd_init(&ready) != thrd_success)
    return 1;
  int seven = 7, eight = 8, got7 = 0, got8 = 0, got5 = 0;
  thrd_t t1, t2, w;
  thrd_create(&t1, add, &seven);
  thrd_create(&t2, add, &eight);
  thrd_create(&w, waiter, NULL);
  const struct timespec nap = {0, 2 * 1000 * 1000};
  thrd_sleep(&nap, NULL);
  struct timespec deadline;
  timespec_get(&deadline, TIME_UTC);
  deadline.tv_sec += 5;
  if (mtx_timedlock(&counter_lock, &deadline) != thrd_success) return 1;
  is_ready = 1;
  cnd_signal(&ready);
  mtx_unlock(&counter_lock);
  thrd_join(t1, &got7);
  thrd_join(t2, &got8);
  thrd_join(w, &got5);

  mtx_lock(&nested);
  mtx_lock(&nested);  // recursive: a second hold
  const int busy = mtx_trylock(&lock_a);
  mtx_unlock(&nested);
  mtx_unlock(&nested);
  if (busy == thrd_success) mtx_unlock(&lock_a);

  thrd_t x, y;
  thrd_create(&x, a_then_b, NULL);
  thrd_join(x, NULL);
  thrd_create(&y, b_then_a, NULL);
  thrd_join(y, NULL);

  cnd_destroy(&ready);
  mtx_destroy(&nested);
  mtx_destroy(&counter_lock);
  mtx_destroy(&lock_b);
  mtx_destroy(&lock_a);
  printf("results %d %d %d, counter %d, initialized %d\n", got7, got8, got5, counter, initialized);
  return got7 == 7 && got8 == 8 && got5 == 5 && counter == 2000 && initialized == 1 && busy == thrd_success ? 0 : 1;
}
