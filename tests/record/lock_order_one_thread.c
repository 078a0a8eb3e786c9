/* One thread moves money between two accounts both ways: transfer(&savings,
 * &checking) locks savings then checking, transfer(&checking, &savings) the
 * other way round. Only main calls them, so this run cannot deadlock; two
 * threads making the two transfers at the same moment would. ThreadSanitizer
 * and Helgrind report it as well.
 * Verdict: lock-order inversion between checking and savings. */
#include <pthread.h>
#include <stdio.h>

struct account {
  pthread_mutex_t lock;
  long balance;
};

static struct account savings = {PTHREAD_MUTEX_INITIALIZER, 1000};
static struct account checking = {PTHREAD_MUTEX_INITIALIZER, 200};

static void transfer(struct account* from, struct account* to, long amount) {
  pthread_mutex_lock(&from->lock);
  pthread_mutex_lock(&to->lock);
  from->balance -= amount;
  to->balance += amount;
  pthread_mutex_unlock(&to->lock);
  pthread_mutex_unlock(&from->lock);
}

int main(void) {
  transfer(&savings, &checking, 300);
  transfer(&checking, &savings, 50);
  printf("savings %ld, checking %ld\n", savings.balance, checking.balance);
  return 0;
}
