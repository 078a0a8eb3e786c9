/* A server's four dispatchers each start a short-lived handler thread per
   request and join it. glibc hands a joined thread's pthread_t to the next
   thread created, often at once, and often to another dispatcher's handler:
   weft's table of handles must not mark that newer thread joined when the
   older one's join returns (it reported "never joined" and "joined
   already" by the thousand). Every thread is joined exactly once. */
#include <pthread.h>
#include <stdio.h>

enum { kDispatchers = 4, kRequests = 300 };

static pthread_mutex_t served_lock = PTHREAD_MUTEX_INITIALIZER;
static long served = 0;

static void* handle_request(void* arg) {
  pthread_mutex_lock(&served_lock);
  ++served;
  pthread_mutex_unlock(&served_lock);
  return arg;
}

static void* dispatch(void* arg) {
  for (int i = 0; i < kRequests; ++i) {
    pthread_t handler;
    if (pthread_create(&handler, NULL, handle_request, NULL) != 0) return (void*)1;
    if (pthread_join(handler, NULL) != 0) return (void*)1;
  }
  return arg;
}

int main(void) {
  pthread_t dispatchers[kDispatchers];
  for (int i = 0; i < kDispatchers; ++i) pthread_create(&dispatchers[i], NULL, dispatch, NULL);
  int failed = 0;
  for (int i = 0; i < kDispatchers; ++i) {
    void* result = NULL;
    pthread_join(dispatchers[i], &result);
    failed |= result != NULL;
  }
  printf("served %ld requests\n", served);
  return failed || served != kDispatchers * kRequests;
}
