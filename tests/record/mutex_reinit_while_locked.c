/* A cache whose reset() initialises its mutex again, while the caller
 * holds it: pthread_mutex_init on a locked mutex is undefined behaviour
 * (glibc just overwrites it, unlocked), and the caller's unlock then
 * unlocks a mutex nobody holds.
 * Verdict: misuse (cache_lock initialised while locked) and misuse (the
 * unlock of the new cache_lock, which nobody holds). */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static int cache[64];

static void reset(void) {
  memset(cache, 0, sizeof cache);
  pthread_mutex_init(&cache_lock, NULL);
}

static void* fill(void* arg) {
  (void)arg;
  pthread_mutex_lock(&cache_lock);
  for (int i = 0; i < 64; ++i) cache[i] = i * i;
  pthread_mutex_unlock(&cache_lock);
  return NULL;
}

int main(void) {
  pthread_t t;
  pthread_create(&t, NULL, fill, NULL);
  pthread_join(t, NULL);
  pthread_mutex_lock(&cache_lock);
  if (cache[63] != 0) reset();
  pthread_mutex_unlock(&cache_lock);
  printf("cache[63] = %d\n", cache[63]);
  return 0;
}
