/* A config reload takes the error-checking config_lock and calls a helper
 * that takes it again. An error-checking mutex refuses its holder
 * (EDEADLK) instead of deadlocking: the helper's lock fails, which it does
 * not check, and its unlock releases the reload's hold early.
 * Verdict: misuse (config_lock locked again while held: refused), no
 * self-deadlock (the program ends). */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t config_lock = PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP;
static int config_version;

static void bump_version(void) {
  pthread_mutex_lock(&config_lock); /* already held by reload(): EDEADLK */
  ++config_version;
  pthread_mutex_unlock(&config_lock);
}

static void reload(void) {
  pthread_mutex_lock(&config_lock);
  bump_version();
  pthread_mutex_unlock(&config_lock); /* EPERM: bump_version released it */
}

int main(void) {
  reload();
  printf("config version %d\n", config_version);
  return 0;
}
