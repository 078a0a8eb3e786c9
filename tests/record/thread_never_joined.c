/* A server starts a worker per request into the same pthread_t and joins
 * only the last one it started: the three before it end and are never
 * joined, their exit status and stack kept for a join that never comes
 * (ThreadSanitizer's "thread leak"). A logger created detached and a
 * flusher detached with pthread_detach need no join.
 * Verdict: misuse (thread-1, the first of the three never joined, created
 * at one place: one finding). */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

enum { kRequests = 4 };

static pthread_mutex_t served_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t all_served = PTHREAD_COND_INITIALIZER;
static int served;

static void* serve(void* arg) {
  (void)arg;
  pthread_mutex_lock(&served_lock);
  if (++served == kRequests) pthread_cond_signal(&all_served);
  pthread_mutex_unlock(&served_lock);
  return NULL;
}

static void* log_line(void* arg) {
  (void)arg;
  return NULL;
}

int main(void) {
  pthread_t worker;
  for (int i = 0; i < kRequests; ++i) pthread_create(&worker, NULL, serve, NULL);
  pthread_mutex_lock(&served_lock);
  while (served < kRequests) pthread_cond_wait(&all_served, &served_lock);
  pthread_mutex_unlock(&served_lock);
  pthread_join(worker, NULL); /* only the last one */

  pthread_attr_t detached;
  pthread_attr_init(&detached);
  pthread_attr_setdetachstate(&detached, PTHREAD_CREATE_DETACHED);
  pthread_t logger, flusher;
  pthread_create(&logger, &detached, log_line, NULL);
  pthread_create(&flusher, NULL, log_line, NULL);
  pthread_detach(flusher);
  pthread_attr_destroy(&detached);

  usleep(200 * 1000); /* every thread has ended: the leak is of ended threads */
  printf("%d requests served\n", served);
  return 0;
}
