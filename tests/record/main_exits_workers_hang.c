/* main leaves with pthread_exit while its worker waits on a condition
 * nobody will notify: the worker hangs, and weft's watchdog must call it
 * (exit status 86), though the main thread's remains are still a thread
 * of the process that weft cannot see wake anyone.
 */
#include <pthread.h>
#include <stddef.h>

pthread_mutex_t work_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t work_ready = PTHREAD_COND_INITIALIZER;
int work = 0;

static void* serve(void* unused) {
  (void)unused;
  pthread_mutex_lock(&work_lock);
  while (work == 0) pthread_cond_wait(&work_ready, &work_lock);
  pthread_mutex_unlock(&work_lock);
  return NULL;
}

int main(void) {
  pthread_t worker;
  pthread_create(&worker, NULL, serve, NULL);
  pthread_detach(worker);
  pthread_exit(NULL);
}
