/* Two owners for each thread handle. shutdown() joins the workers and
 * cleanup(), written for a path where they were never joined, detaches
 * them again; the logger, created detached, is "waited for" with a join
 * before it is told to stop. glibc refuses the three calls (ESRCH or
 * EINVAL), but a pthread_t joined earlier may name a newer thread by then.
 * Verdict: misuse for each worker's detach and for the join of the
 * detached logger. */
#define _GNU_SOURCE
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>

enum { kWorkers = 2 };
static pthread_t workers[kWorkers];
static pthread_t logger;
static sem_t logger_stop, logger_named;

static void* work(void* name) {
  pthread_setname_np(pthread_self(), name);
  return NULL;
}

static void* log_lines(void* arg) {
  (void)arg;
  pthread_setname_np(pthread_self(), "logger");
  sem_post(&logger_named);
  sem_wait(&logger_stop);
  return NULL;
}

static void shutdown_workers(void) {
  for (int i = 0; i < kWorkers; ++i) pthread_join(workers[i], NULL);
}

static void cleanup(void) {
  for (int i = 0; i < kWorkers; ++i) {
    const int rc = pthread_detach(workers[i]); /* the bug: joined already */
    printf("detach worker %d: %s\n", i, rc ? "refused" : "done");
  }
}

int main(void) {
  sem_init(&logger_stop, 0, 0);
  sem_init(&logger_named, 0, 0);
  pthread_attr_t detached;
  pthread_attr_init(&detached);
  pthread_attr_setdetachstate(&detached, PTHREAD_CREATE_DETACHED);
  pthread_create(&logger, &detached, log_lines, NULL);
  for (int i = 0; i < kWorkers; ++i) pthread_create(&workers[i], NULL, work, i == 0 ? "worker-a" : "worker-b");
  sem_wait(&logger_named); /* its name is in the trace before the findings need it */
  shutdown_workers();
  cleanup();
  const int rc = pthread_join(logger, NULL); /* the bug: created detached */
  printf("join logger: %s\n", rc ? "refused" : "joined");
  sem_post(&logger_stop);
  pthread_attr_destroy(&detached);
  return 0;
}
