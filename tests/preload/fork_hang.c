/* weft record -f on a run that cannot go on: the parent waits for its child
 * of fork() (waitpid), which waits on a process-shared semaphore nobody
 * posts. Each process alone is blocked in a wait another process could end;
 * together they are a hang across processes, which the watchdog stops
 * (check_fork_hang.cmake). Unmodified C, as its author would write it. */
#include <semaphore.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  sem_t* never = mmap(NULL, sizeof(sem_t), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (never == MAP_FAILED || sem_init(never, 1, 0) != 0) return 2;
  pid_t child = fork();
  if (child < 0) return 2;
  if (child == 0) {
    sem_wait(never);
    return 0;
  }
  int status = 0;
  waitpid(child, &status, 0);
  return 1; /* never reached: the watchdog stops both */
}
