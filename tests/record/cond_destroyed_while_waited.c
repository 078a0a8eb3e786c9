/* A worker waits for a job that never comes; main, shutting down, destroys
 * the condition it waits on without waking it first. glibc's
 * pthread_cond_destroy waits for the waiter to leave the wait, so both
 * threads wait for ever (without weft, the program never ends).
 * Verdict: misuse (job_ready destroyed while a thread waits on it) and a
 * hang on job_ready, weft's watchdog stopping the program (exit 86). */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static pthread_mutex_t jobs_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t job_ready = PTHREAD_COND_INITIALIZER;
static int jobs, waiting;

static void* worker(void* arg) {
  (void)arg;
  pthread_mutex_lock(&jobs_lock);
  waiting = 1;
  while (jobs == 0) pthread_cond_wait(&job_ready, &jobs_lock);
  --jobs;
  pthread_mutex_unlock(&jobs_lock);
  return NULL;
}

int main(void) {
  pthread_t t;
  pthread_create(&t, NULL, worker, NULL);
  /* The worker let jobs_lock go inside pthread_cond_wait: once main holds
     it with waiting set, the worker is waiting. */
  for (;;) {
    pthread_mutex_lock(&jobs_lock);
    const int w = waiting;
    pthread_mutex_unlock(&jobs_lock);
    if (w) break;
    usleep(1000);
  }
  puts("shutting down");
  fflush(stdout);
  pthread_cond_destroy(&job_ready); /* the worker still waits on it */
  pthread_join(t, NULL);
  return 0;
}
