/* main leaves by pthread_exit; when its worker, the last thread, has
 * ended, the process exits and an atexit handler sends the process
 * SIGUSR1, whose default action ends it: status 128 + SIGUSR1 (glibc's
 * tst-basic3). Under weft record the exit is made by weft's watchdog
 * (weft's own threads would keep the process alive), and the handler runs
 * there: that thread blocked the program's signals, the signal stayed
 * pending and the process exited 0.
 */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

static pthread_mutex_t done_lock = PTHREAD_MUTEX_INITIALIZER;
static int done;

static void signal_own_process(void) { kill(getpid(), SIGUSR1); }

static void* finish(void* unused) {
  (void)unused;
  usleep(50 * 1000);
  pthread_mutex_lock(&done_lock);
  done = 1;
  pthread_mutex_unlock(&done_lock);
  return NULL;
}

int main(void) {
  atexit(signal_own_process);
  pthread_t worker;
  if (pthread_create(&worker, NULL, finish, NULL) != 0) return 1;
  pthread_detach(worker);
  pthread_exit(NULL);
}
