/* A program that takes every pthread key there is (PTHREAD_KEYS_MAX,
 * 1,024), setting each as it goes, then gives them back (glibc's
 * tst-key1). weft keeps a key of its own for a thread that sets one (its
 * end waits for the key destructors): it gives it back when the program
 * asks for the last, so the program gets all of them, as natively. Before
 * the first key exists, setting key 0 fails, as natively (tst-tss-basic).
 * Clean, exit 0.
 */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>

static pthread_key_t keys[PTHREAD_KEYS_MAX];

int main(void) {
  if (pthread_setspecific(0, "no key yet") == 0) {
    puts("key 0 was set before any key was made");
    return 1;
  }
  for (int i = 0; i < PTHREAD_KEYS_MAX; ++i) {
    if (pthread_key_create(&keys[i], NULL) != 0) {
      printf("key %d of %d refused\n", i, PTHREAD_KEYS_MAX);
      return 1;
    }
    pthread_setspecific(keys[i], &keys[i]);
  }
  for (int i = 0; i < PTHREAD_KEYS_MAX; ++i) pthread_key_delete(keys[i]);
  printf("%d keys\n", PTHREAD_KEYS_MAX);
  return 0;
}
