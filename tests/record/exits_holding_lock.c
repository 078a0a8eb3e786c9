/* A worker returns on an error path without unlocking: the lock stays
 * locked for good after it ends. Main only looks (trylock) so the program
 * finishes; a real program would hang on its next lock(). Also one
 * condition waited on with two different mutexes. weft: two misuses. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static pthread_mutex_t config_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_one = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_two = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;

static void* load_config(void* arg) {
  const char* text = arg;
  pthread_mutex_lock(&config_lock);
  if (strlen(text) < 4) return NULL; /* the early return forgets the unlock */
  pthread_mutex_unlock(&config_lock);
  return NULL;
}

static void wait_a_moment(pthread_mutex_t* m) {
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_nsec += 1000000;
  if (until.tv_nsec >= 1000000000) { until.tv_sec += 1; until.tv_nsec -= 1000000000; }
  pthread_mutex_lock(m);
  pthread_cond_timedwait(&changed, m, &until);
  pthread_mutex_unlock(m);
}

int main(void) {
  pthread_t t;
  pthread_create(&t, NULL, load_config, "ab");
  pthread_join(t, NULL);
  printf("config lock free: %s\n", pthread_mutex_trylock(&config_lock) == 0 ? "yes" : "no");
  wait_a_moment(&lock_one);
  wait_a_moment(&lock_two);
  return 0;
}
