/* The textbook bounded buffer: a ring of four slots, a semaphore counting
 * free slots, one counting filled ones, and a mutex around the ring's
 * indices. Two producers, two consumers.
 * Verdict: clean. */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

#define SLOTS 4
#define ITEMS 50 /* per producer */

static int ring[SLOTS];
static int head, tail;
static sem_t free_slots, filled_slots;
static pthread_mutex_t ring_lock = PTHREAD_MUTEX_INITIALIZER;
static long consumed_sum;

static void* producer(void* arg) {
  (void)arg;
  for (int i = 1; i <= ITEMS; ++i) {
    sem_wait(&free_slots);
    pthread_mutex_lock(&ring_lock);
    ring[tail] = i;
    tail = (tail + 1) % SLOTS;
    pthread_mutex_unlock(&ring_lock);
    sem_post(&filled_slots);
  }
  return NULL;
}

static void* consumer(void* arg) {
  (void)arg;
  for (int i = 0; i < ITEMS; ++i) {
    sem_wait(&filled_slots);
    pthread_mutex_lock(&ring_lock);
    consumed_sum += ring[head];
    head = (head + 1) % SLOTS;
    pthread_mutex_unlock(&ring_lock);
    sem_post(&free_slots);
  }
  return NULL;
}

int main(void) {
  sem_init(&free_slots, 0, SLOTS);
  sem_init(&filled_slots, 0, 0);
  pthread_t threads[4];
  pthread_create(&threads[0], NULL, producer, NULL);
  pthread_create(&threads[1], NULL, producer, NULL);
  pthread_create(&threads[2], NULL, consumer, NULL);
  pthread_create(&threads[3], NULL, consumer, NULL);
  for (int i = 0; i < 4; ++i) pthread_join(threads[i], NULL);
  sem_destroy(&free_slots);
  sem_destroy(&filled_slots);
  printf("sum = %ld\n", consumed_sum);
  return consumed_sum == 2L * ITEMS * (ITEMS + 1) / 2 ? 0 : 1;
}
