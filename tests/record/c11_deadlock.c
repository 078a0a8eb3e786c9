/* Two C11 threads, each holding one mtx_t and waiting for the other's: a
 * deadlock, made certain by a handshake on a cnd_t (each takes its first
 * lock, says so, and waits to hear the other has too). weft's watchdog
 * stops the program (exit status 86).
 * Verdict: deadlock on from_account and to_account, and the lock-order
 * inversion behind it. */
#include <stdio.h>
#include <threads.h>

mtx_t from_account, to_account, handshake_lock;
cnd_t handshake;
int holding = 0;

static void both_hold_one(void) {
  mtx_lock(&handshake_lock);
  ++holding;
  cnd_broadcast(&handshake);
  while (holding < 2) cnd_wait(&handshake, &handshake_lock);
  mtx_unlock(&handshake_lock);
}

static int transfer(void* arg) {
  (void)arg;
  mtx_lock(&from_account);
  both_hold_one();
  mtx_lock(&to_account); /* held by refund: never returns */
  mtx_unlock(&to_account);
  mtx_unlock(&from_account);
  return 0;
}

static int refund(void* arg) {
  (void)arg;
  mtx_lock(&to_account);
  both_hold_one();
  mtx_lock(&from_account); /* held by transfer: never returns */
  mtx_unlock(&from_account);
  mtx_unlock(&to_account);
  return 0;
}

int main(void) {
  mtx_init(&from_account, mtx_plain);
  mtx_init(&to_account, mtx_plain);
  mtx_init(&handshake_lock, mtx_plain);
  cnd_init(&handshake);
  thrd_t a, b;
  thrd_create(&a, transfer, NULL);
  thrd_create(&b, refund, NULL);
  thrd_join(a, NULL);
  thrd_join(b, NULL);
  puts("never");
  return 0;
}
