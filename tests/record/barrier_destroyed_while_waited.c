/* Main sets up a start barrier for itself and a worker, then, taking
 * another path, destroys it without ever arriving, while the worker waits
 * at it. glibc's pthread_barrier_destroy waits for the threads at the
 * barrier to leave, and the worker waits for main: both for ever (without
 * weft, the program never ends).
 * Verdict: misuse (start destroyed while a thread waits at it) and a hang
 * on start, weft's watchdog stopping the program (exit 86). */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static pthread_barrier_t start;
static volatile pid_t worker_tid;

static void* worker(void* arg) {
  (void)arg;
  worker_tid = gettid();
  pthread_barrier_wait(&start);
  return NULL;
}

/* The task's state letter in /proc ('S': asleep, here in the barrier). */
static char state_of(pid_t tid) {
  char path[64], line[256];
  snprintf(path, sizeof path, "/proc/self/task/%d/stat", (int)tid);
  FILE* f = fopen(path, "r");
  if (!f) return '?';
  char state = '?';
  if (fgets(line, sizeof line, f)) {
    const char* p = line;
    for (const char* q = line; *q; ++q)
      if (*q == ')') p = q;
    if (p[0] == ')' && p[1] == ' ') state = p[2];
  }
  fclose(f);
  return state;
}

int main(void) {
  pthread_t t;
  pthread_barrier_init(&start, NULL, 2);
  pthread_create(&t, NULL, worker, NULL);
  /* Asleep three looks in a row: in the barrier's wait. */
  for (int asleep = 0; asleep < 3; usleep(10000))
    asleep = worker_tid != 0 && state_of(worker_tid) == 'S' ? asleep + 1 : 0;
  puts("giving up on the start barrier");
  fflush(stdout);
  pthread_barrier_destroy(&start);
  pthread_join(t, NULL);
  return 0;
}
