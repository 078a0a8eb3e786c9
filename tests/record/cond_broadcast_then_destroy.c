/* POSIX's way to free a condition: wake every waiter, then destroy it at
 * once, before they have left pthread_cond_wait (here main still holds the
 * mutex they need to leave it). Woken threads no longer wait on the
 * condition, and glibc's destroy waits for them to be out of it. Once with
 * a broadcast to three waiters, once with a signal to the only waiter.
 * Verdict: clean. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

enum { kWaiters = 3 };

static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t shutdown_cv = PTHREAD_COND_INITIALIZER;
static pthread_cond_t reply_cv = PTHREAD_COND_INITIALIZER;
static int shutting_down, replied, waiting;

static void* until_shutdown(void* arg) {
  (void)arg;
  pthread_mutex_lock(&state_lock);
  ++waiting;
  while (!shutting_down) pthread_cond_wait(&shutdown_cv, &state_lock);
  pthread_mutex_unlock(&state_lock);
  return NULL;
}

static void* until_reply(void* arg) {
  (void)arg;
  pthread_mutex_lock(&state_lock);
  ++waiting;
  while (!replied) pthread_cond_wait(&reply_cv, &state_lock);
  pthread_mutex_unlock(&state_lock);
  return NULL;
}

/* Returns holding state_lock, once `n` threads wait (each let the lock go
   inside pthread_cond_wait). */
static void lock_when_waiting(int n) {
  for (;;) {
    pthread_mutex_lock(&state_lock);
    if (waiting == n) return;
    pthread_mutex_unlock(&state_lock);
    usleep(1000);
  }
}

int main(void) {
  pthread_t t[kWaiters], r;
  for (int i = 0; i < kWaiters; ++i) pthread_create(&t[i], NULL, until_shutdown, NULL);
  lock_when_waiting(kWaiters);
  shutting_down = 1;
  pthread_cond_broadcast(&shutdown_cv);
  pthread_cond_destroy(&shutdown_cv);
  pthread_mutex_unlock(&state_lock);
  for (int i = 0; i < kWaiters; ++i) pthread_join(t[i], NULL);

  pthread_create(&r, NULL, until_reply, NULL);
  lock_when_waiting(kWaiters + 1);
  replied = 1;
  pthread_cond_signal(&reply_cv);
  pthread_cond_destroy(&reply_cv);
  pthread_mutex_unlock(&state_lock);
  pthread_join(r, NULL);
  puts("all woken");
  return 0;
}
