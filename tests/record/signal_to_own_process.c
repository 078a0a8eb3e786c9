/* A daemon's classic shutdown: every thread blocks SIGTERM (the mask is
   inherited), a worker asks for the shutdown with kill(getpid(), SIGTERM),
   and main takes it with sigwait. The signal must reach main's sigwait:
   weft's own threads (its writer, its watchdog) block the program's
   signals; before, the kernel could deliver it to one of them, which did
   not block it, and the process died of it. Clean, exit 0. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;
static int jobs_done = 0;

static void* worker(void* arg) {
  for (int i = 0; i < 100; ++i) {
    pthread_mutex_lock(&state_lock);
    ++jobs_done;
    pthread_mutex_unlock(&state_lock);
  }
  kill(getpid(), SIGTERM);  /* all done: ask the daemon to stop */
  return arg;
}

int main(void) {
  sigset_t shutdown;
  sigemptyset(&shutdown);
  sigaddset(&shutdown, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &shutdown, NULL);
  pthread_t t;
  pthread_create(&t, NULL, worker, NULL);
  int sig = 0;
  sigwait(&shutdown, &sig);
  pthread_join(t, NULL);
  printf("stopped by signal %d after %d jobs\n", sig, jobs_done);
  return sig == SIGTERM ? 0 : 1;
}
