/* A shutdown routine joins the thread it is given, and main, cleaning up
 * after a worker it never started, hands it its own pthread_self(). A
 * thread cannot wait for its own end: glibc refuses with EDEADLK (main
 * was never created by pthread_create, and weft record now sees it too).
 * Verdict: misuse (main joins itself). */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static int stop_thread(pthread_t t) { return pthread_join(t, NULL); }

int main(void) {
  pthread_t worker = pthread_self(); /* "no worker": the bug */
  const int rc = stop_thread(worker);
  printf("join: %s\n", strerror(rc));
  return 0;
}
