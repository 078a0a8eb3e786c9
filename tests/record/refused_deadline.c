/* A consumer waits for a job with a 1.5 s timeout, its deadline made by
 * adding the milliseconds' nanoseconds to tv_nsec without carrying whole
 * seconds into tv_sec. tv_nsec then exceeds 999,999,999 and the C library
 * refuses every wait at once (EINVAL), keeping the mutex: the wait loop
 * would spin holding it, and the producer could never deliver (a livelock);
 * this one lets the mutex go for a millisecond after an error, so it only
 * polls until the job arrives (the producer delivers once the consumer has
 * been refused: however late main runs, it waits at least once). The
 * semaphore's timed wait gets the same deadline and is refused too, taking
 * no permit (weft record had taken one: it tried the permit first). So is
 * a timed write lock of the free table_lock (glibc checks the deadline
 * first: weft record had taken the lock), and a timed lock of io_lock
 * while a helper holds it (glibc checks the deadline once it must wait:
 * weft record had left the lock's wait open).
 * Verdict: misuse (job_ready: a refused deadline, many times at one place),
 * misuse (slots), misuse (table_lock) and misuse (io_lock): the same. */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t job_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t job_ready = PTHREAD_COND_INITIALIZER;
static int job;
static sem_t slots;
static pthread_rwlock_t table_lock = PTHREAD_RWLOCK_INITIALIZER;
static pthread_mutex_t io_lock = PTHREAD_MUTEX_INITIALIZER;
static sem_t io_held, io_release;
static sem_t consumer_refused;

static struct timespec deadline_in(long ms) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  ts.tv_nsec += ms * 1000000L; /* the bug: no carry into tv_sec */
  return ts;
}

static void* producer(void* arg) {
  (void)arg;
  sem_wait(&consumer_refused);
  pthread_mutex_lock(&job_lock);
  job = 42;
  pthread_cond_signal(&job_ready);
  pthread_mutex_unlock(&job_lock);
  return NULL;
}

static void* hold_io(void* arg) {
  (void)arg;
  pthread_mutex_lock(&io_lock);
  sem_post(&io_held);
  sem_wait(&io_release);
  pthread_mutex_unlock(&io_lock);
  return NULL;
}

int main(void) {
  pthread_t t;
  sem_init(&consumer_refused, 0, 0);
  pthread_create(&t, NULL, producer, NULL);
  const struct timespec deadline = deadline_in(1500);
  int refused = 0;
  pthread_mutex_lock(&job_lock);
  while (job == 0) {
    const int rc = pthread_cond_timedwait(&job_ready, &job_lock, &deadline);
    if (rc == ETIMEDOUT) break;
    if (rc != 0) { /* an error: let the mutex go a moment, then look again */
      if (++refused == 1) sem_post(&consumer_refused);
      pthread_mutex_unlock(&job_lock);
      usleep(1000);
      pthread_mutex_lock(&job_lock);
    }
  }
  pthread_mutex_unlock(&job_lock);
  pthread_join(t, NULL);

  sem_init(&slots, 0, 1);
  const int rc = sem_timedwait(&slots, &deadline);
  const int error = rc == 0 ? 0 : errno;
  int left = -1;
  sem_getvalue(&slots, &left);
  const int table_rc = pthread_rwlock_timedwrlock(&table_lock, &deadline);
  if (table_rc == 0) pthread_rwlock_unlock(&table_lock);

  sem_init(&io_held, 0, 0);
  sem_init(&io_release, 0, 0);
  pthread_create(&t, NULL, hold_io, NULL);
  sem_wait(&io_held);
  const int io_rc = pthread_mutex_timedlock(&io_lock, &deadline);
  if (io_rc == 0) pthread_mutex_unlock(&io_lock);
  sem_post(&io_release);
  pthread_join(t, NULL);

  printf("job %d; condition waits refused: %s; sem_timedwait: %s, %d slot left; timed write lock: %s; timed lock: %s\n",
         job, refused ? "yes" : "no", error == EINVAL ? "EINVAL" : "not refused", left,
         table_rc == EINVAL ? "EINVAL" : "taken", io_rc == EINVAL ? "EINVAL" : "not refused");
  return left == 1 && error == EINVAL && table_rc == EINVAL && io_rc == EINVAL ? 0 : 1;
}
