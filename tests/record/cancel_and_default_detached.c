/* Two things glibc does that weft record must do as well.
   1. sem_wait is a cancellation point that acts even when the semaphore is
      free (POSIX: "shall occur"): a reader cancelled before it reaches
      sem_wait ends there, and main's join gets PTHREAD_CANCELED. weft's
      sem_wait tried the semaphore first, which is no cancellation point:
      the reader took the permit and went on.
   2. Threads created with no attributes after
      pthread_setattr_default_np(DETACHED) are detached: nobody is to join
      them, and they are no "thread leak" (weft read only the attributes
      passed). Clean, exit 0. */
#define _GNU_SOURCE
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

static sem_t permits;
static pthread_barrier_t cancelled;
static sem_t loggers_done;

static void* reader(void* arg) {
  pthread_barrier_wait(&cancelled); /* main has called pthread_cancel by now */
  sem_wait(&permits);               /* free, but the cancel acts here */
  return arg;
}

static void* logger(void* arg) {
  sem_post(&loggers_done);
  return arg;
}

int main(void) {
  sem_init(&permits, 0, 1);
  pthread_barrier_init(&cancelled, NULL, 2);
  pthread_t t;
  pthread_create(&t, NULL, reader, NULL);
  pthread_cancel(t);
  pthread_barrier_wait(&cancelled);
  void* result = NULL;
  pthread_join(t, &result);
  int permits_left = -1;
  sem_getvalue(&permits, &permits_left);

  sem_init(&loggers_done, 0, 0);
  pthread_attr_t defaults;
  pthread_attr_init(&defaults);
  pthread_attr_setdetachstate(&defaults, PTHREAD_CREATE_DETACHED);
  pthread_setattr_default_np(&defaults);
  for (int i = 0; i < 2; ++i) {
    pthread_t l;
    pthread_create(&l, NULL, logger, NULL);
  }
  for (int i = 0; i < 2; ++i) sem_wait(&loggers_done);
  printf("reader %s, %d permit left\n", result == PTHREAD_CANCELED ? "cancelled" : "NOT cancelled", permits_left);
  return result == PTHREAD_CANCELED && permits_left == 1 ? 0 : 1;
}
