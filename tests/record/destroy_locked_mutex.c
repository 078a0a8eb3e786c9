/* A mutex destroyed while its holder still holds it: glibc refuses
 * (EBUSY) and the mutex stays, locked (glibc's tst-mutex8). The holder
 * unlocks it, a worker uses it, and it is destroyed for good once free.
 * Verdict: the refused destroy, misuse on `table_lock`, and nothing more:
 * weft used to end the mutex at the refused destroy, and then called the
 * holder's unlock one "of a lock nobody holds".
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static int rows;

static void* add_row(void* unused) {
  (void)unused;
  pthread_mutex_lock(&table_lock);
  ++rows;
  pthread_mutex_unlock(&table_lock);
  return NULL;
}

int main(void) {
  pthread_mutex_lock(&table_lock);
  const int refused = pthread_mutex_destroy(&table_lock); /* EBUSY: still locked */
  pthread_t worker;
  if (pthread_create(&worker, NULL, add_row, NULL) != 0) return 1;
  ++rows;
  pthread_mutex_unlock(&table_lock);
  pthread_join(worker, NULL);
  const int destroyed = pthread_mutex_destroy(&table_lock);
  printf("first destroy %s, rows %d, second destroy %d\n", refused == EBUSY ? "refused" : "not refused", rows,
         destroyed);
  return refused == EBUSY && destroyed == 0 && rows == 2 ? 0 : 1;
}
