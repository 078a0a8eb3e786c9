/* A worker that meets a fatal error while it holds a lock ends the whole
 * process with exit(3), as C programs do on such a path: it ends with the
 * process, and no thread is left to wait for the lock it held. Clean (the
 * lock is not "left locked for good"), exit status 3.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

pthread_mutex_t config_lock = PTHREAD_MUTEX_INITIALIZER;

static void* load_config(void* unused) {
  (void)unused;
  pthread_mutex_lock(&config_lock);
  fprintf(stderr, "config: fatal: missing key\n");
  exit(3);
}

int main(void) {
  pthread_t loader;
  pthread_create(&loader, NULL, load_config, NULL);
  pthread_join(loader, NULL);
  return 0;
}
