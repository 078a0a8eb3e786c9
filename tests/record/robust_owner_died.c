/* A robust mutex doing its job: a worker takes `table_lock` and dies
 * holding it (pthread_exit on an error path); the next lock, main's,
 * returns EOWNERDEAD, main repairs the table, marks the lock consistent and
 * goes on. ThreadSanitizer calls this correct code. weft called it misuse
 * ("worker ends while holding table_lock"), at main's own lock's line.
 * Verdict: clean. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t table_lock;
static int rows;

static void* fill(void* arg) {
  (void)arg;
  pthread_mutex_lock(&table_lock);
  rows = -1;            /* half-way through an update ... */
  pthread_exit(NULL);   /* ... and gone, holding the lock */
}

int main(void) {
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
  pthread_mutex_init(&table_lock, &attr);
  pthread_mutexattr_destroy(&attr);
  pthread_t worker;
  pthread_create(&worker, NULL, fill, NULL);
  pthread_join(worker, NULL);
  int rc = pthread_mutex_lock(&table_lock);
  if (rc == EOWNERDEAD) {
    rows = 0; /* repaired */
    pthread_mutex_consistent(&table_lock);
    rc = 0;
  }
  pthread_mutex_unlock(&table_lock);
  pthread_mutex_destroy(&table_lock);
  printf("rows %d, lock %s\n", rows, rc == 0 ? "recovered" : "lost");
  return rc;
}
