/* A cache whose close() destroys its lock, and a late lookup after the
 * close, the order a shutdown path gets wrong: the lookup locks and unlocks
 * the destroyed lock without checking either result. glibc refuses both
 * with EINVAL, so the lookup ran unprotected (ThreadSanitizer: "use of an
 * invalid mutex"). Verdict: misuse, once for the lock and once for the
 * unlock; then the cache is initialised again and used correctly. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static struct {
  pthread_mutex_t lock;
  int entries;
} cache;

static void cache_open(void) {
  pthread_mutex_init(&cache.lock, NULL);
  cache.entries = 0;
}

static void cache_close(void) { pthread_mutex_destroy(&cache.lock); }

static int cache_lookup(void) {
  pthread_mutex_lock(&cache.lock); /* the bug, after cache_close() */
  const int n = ++cache.entries;
  pthread_mutex_unlock(&cache.lock);
  return n;
}

static void* warm_up(void* arg) {
  (void)arg;
  for (int i = 0; i < 100; ++i) cache_lookup();
  return NULL;
}

int main(void) {
  cache_open();
  pthread_t t;
  pthread_create(&t, NULL, warm_up, NULL);
  pthread_join(t, NULL);
  cache_close();
  printf("late lookup: %d\n", cache_lookup());
  /* Reopened: a fresh init, and the lock works again. */
  cache_open();
  const int rc = pthread_mutex_lock(&cache.lock);
  pthread_mutex_unlock(&cache.lock);
  cache_close();
  printf("after reopening: %s\n", strerror(rc));
  return rc;
}
