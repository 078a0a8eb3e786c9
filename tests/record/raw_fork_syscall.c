/* A program that forks with the system call itself, as some runtimes and
 * sandboxes do (syscall(SYS_fork), no atfork handlers), while a worker
 * keeps locking. Each child takes the lock once and exits through exit(),
 * which runs the atexit handlers the parent registered, weft's too.
 * weft record used to hang there: the child, which ran none of weft's
 * fork handling, took itself for the parent's tracer, joined a watchdog
 * thread it does not have, and wrote into the parent's trace.
 * Verdict: clean, exit status 0. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
static long hits;
static atomic_bool stop;

static void* count_hits(void* arg) {
  (void)arg;
  while (!atomic_load(&stop)) {
    pthread_mutex_lock(&stats_lock);
    ++hits;
    pthread_mutex_unlock(&stats_lock);
  }
  return NULL;
}

int main(void) {
  pthread_t worker;
  pthread_create(&worker, NULL, count_hits, NULL);
  int children = 0;
  for (int i = 0; i < 5; ++i) {
    const long pid = syscall(SYS_fork);
    if (pid < 0) return 1;
    if (pid == 0) {
      /* The worker was not copied: its lock may be held by nobody here,
         so the child only reads what it can without it. */
      exit(hits >= 0 ? 0 : 1);
    }
    int status = 0;
    if (waitpid((pid_t)pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0) ++children;
  }
  atomic_store(&stop, 1);
  pthread_join(worker, NULL);
  printf("%d children exited\n", children);
  return children == 5 ? 0 : 1;
}
