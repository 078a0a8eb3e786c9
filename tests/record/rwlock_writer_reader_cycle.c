/* Reader-writer locks and lock order. A writer of config_lock that reads
 * stats_lock, and a writer of stats_lock that reads config_lock, can
 * deadlock: each waits for the other's exclusive hold. The two threads run
 * one after the other (joined), so this run survives.
 * Then two threads read index_lock and cache_lock in opposite orders:
 * readers do not wait for readers, and that is no inversion.
 * Verdict: lock-order inversion between config_lock and stats_lock, and
 * nothing about index_lock and cache_lock. */
#include <pthread.h>
#include <stdio.h>

static pthread_rwlock_t config_lock = PTHREAD_RWLOCK_INITIALIZER;
static pthread_rwlock_t stats_lock = PTHREAD_RWLOCK_INITIALIZER;
static pthread_rwlock_t index_lock = PTHREAD_RWLOCK_INITIALIZER;
static pthread_rwlock_t cache_lock = PTHREAD_RWLOCK_INITIALIZER;
static int config, stats, index_entries, cache_entries;

static void* write_config_read_stats(void* arg) {
  (void)arg;
  pthread_rwlock_wrlock(&config_lock);
  pthread_rwlock_rdlock(&stats_lock);
  config = stats + 1;
  pthread_rwlock_unlock(&stats_lock);
  pthread_rwlock_unlock(&config_lock);
  return NULL;
}

static void* write_stats_read_config(void* arg) {
  (void)arg;
  pthread_rwlock_wrlock(&stats_lock);
  pthread_rwlock_rdlock(&config_lock);
  stats = config + 1;
  pthread_rwlock_unlock(&config_lock);
  pthread_rwlock_unlock(&stats_lock);
  return NULL;
}

static void* read_both(void* arg) {
  pthread_rwlock_t* first = arg ? &cache_lock : &index_lock;
  pthread_rwlock_t* second = arg ? &index_lock : &cache_lock;
  pthread_rwlock_rdlock(first);
  pthread_rwlock_rdlock(second);
  int sum = index_entries + cache_entries;
  (void)sum;
  pthread_rwlock_unlock(second);
  pthread_rwlock_unlock(first);
  return NULL;
}

static void run(void* (*fn)(void*), void* arg) {
  pthread_t t;
  pthread_create(&t, NULL, fn, arg);
  pthread_join(t, NULL);
}

int main(void) {
  run(write_config_read_stats, NULL);
  run(write_stats_read_config, NULL);
  run(read_both, NULL);
  run(read_both, (void*)1);
  printf("config = %d, stats = %d\n", config, stats);
  return 0;
}
