/* Workers waiting on a condition are cancelled (pthread_cancel) inside the
 * wait, one in pthread_cond_wait, one in pthread_cond_timedwait; each
 * unlocks the mutex in its cleanup handler, as POSIX has it: a cancelled
 * wait takes the mutex back before the first handler runs. A clean
 * program, which checks that both were cancelled and that the mutex is
 * free after.
 */
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t work_ready = PTHREAD_COND_INITIALIZER;
int work = 0;

static void unlock_queue(void* lock) { pthread_mutex_unlock((pthread_mutex_t*)lock); }

static void* waiter(void* timed) {
  pthread_mutex_lock(&queue_lock);
  pthread_cleanup_push(unlock_queue, &queue_lock);
  while (work == 0) {
    if (timed) {
      struct timespec until;
      clock_gettime(CLOCK_REALTIME, &until);
      until.tv_sec += 60;
      pthread_cond_timedwait(&work_ready, &queue_lock, &until);
    } else {
      pthread_cond_wait(&work_ready, &queue_lock);
    }
  }
  pthread_cleanup_pop(1);
  return NULL;
}

int main(void) {
  pthread_t plain, timed;
  pthread_create(&plain, NULL, waiter, NULL);
  pthread_create(&timed, NULL, waiter, (void*)1);
  usleep(100 * 1000); /* both inside their waits */
  pthread_cancel(plain);
  pthread_cancel(timed);
  void* plain_result = NULL;
  void* timed_result = NULL;
  pthread_join(plain, &plain_result);
  pthread_join(timed, &timed_result);
  /* Free again: the handlers unlocked it. */
  if (pthread_mutex_trylock(&queue_lock) != 0) return 1;
  pthread_mutex_unlock(&queue_lock);
  printf("cancelled: %d %d\n", plain_result == PTHREAD_CANCELED, timed_result == PTHREAD_CANCELED);
  return plain_result == PTHREAD_CANCELED && timed_result == PTHREAD_CANCELED ? 0 : 1;
}
