/* A helper that takes the lock its caller already holds: a normal
 * (non-recursive) pthread mutex locked twice by the same thread never
 * returns. weft's watchdog stops the program (exit status 86).
 * Verdict: self-deadlock on registry_lock. */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static int entries;

static int count_entries(void) {
  pthread_mutex_lock(&registry_lock); /* already held by add_entry: never returns */
  int n = entries;
  pthread_mutex_unlock(&registry_lock);
  return n;
}

static void add_entry(void) {
  pthread_mutex_lock(&registry_lock);
  ++entries;
  printf("%d entries\n", count_entries());
  pthread_mutex_unlock(&registry_lock);
}

int main(void) {
  add_entry();
  return 0;
}
