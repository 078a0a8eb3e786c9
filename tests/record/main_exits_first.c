/* main starts three detached workers and leaves with pthread_exit, as C
 * programs often do to let their threads finish: the process ends, status
 * 0, when the last worker does. Under weft record weft's own threads (the
 * writer, the watchdog) are threads of the process too, and used to keep
 * it alive forever after the workers ended.
 */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

pthread_mutex_t total_lock = PTHREAD_MUTEX_INITIALIZER;
long total = 0;

static void* add(void* amount) {
  usleep(50 * 1000);
  pthread_mutex_lock(&total_lock);
  total += (long)amount;
  pthread_mutex_unlock(&total_lock);
  return NULL;
}

int main(void) {
  for (long i = 1; i <= 3; ++i) {
    pthread_t worker;
    pthread_create(&worker, NULL, add, (void*)i);
    pthread_detach(worker);
  }
  pthread_exit(NULL);
}
