// A word in shared memory as a cross-process signal: the parent sleeps on
// it with a raw futex wait; its child (forked, so not traced without -f)
// sets it and wakes the parent after 600 ms, longer than the hang time.
// The word lives in a MAP_SHARED mapping, so another process may end the
// wait, and weft's watchdog must not call it a hang.
// Verdict: clean, exit 0.
#include <linux/futex.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  int* ready = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (ready == MAP_FAILED) return 2;
  const pid_t child = fork();
  if (child < 0) return 2;
  if (child == 0) {
    usleep(600 * 1000);
    __atomic_store_n(ready, 1, __ATOMIC_RELEASE);
    syscall(SYS_futex, ready, FUTEX_WAKE, 1, NULL, NULL, 0);
    _exit(0);
  }
  while (__atomic_load_n(ready, __ATOMIC_ACQUIRE) == 0) syscall(SYS_futex, ready, FUTEX_WAIT, 0, NULL, NULL, 0);
  int status = 0;
  waitpid(child, &status, 0);
  puts("the child set it");
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
